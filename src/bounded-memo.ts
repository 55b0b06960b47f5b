export interface MemoLimits {
  /** How many keys are remembered; past it, the oldest remembered (first in, first out: a hit does not renew a key). */
  readonly entries: number
  /** A longer key is computed every time, never remembered. */
  readonly longestKey: number
}

/**
 * `compute`, with the results for recent keys remembered: the same header
 * values come again and again, and a key's result never changes. The
 * limits keep a flood of unique or huge values (a client's choice) from
 * growing memory past `entries` × `longestKey`.
 */
export function boundedMemo<V> (compute: (key: string) => V, { entries, longestKey }: MemoLimits): (key: string) => V {
  const results = new Map<string, V>()
  return key => {
    if (results.has(key)) return results.get(key) as V
    const result = compute(key)
    if (key.length <= longestKey) {
      // Map keeps insertion order: the first key is the oldest entry.
      if (results.size >= entries) results.delete(results.keys().next().value as string)
      results.set(key, result)
    }
    return result
  }
}
