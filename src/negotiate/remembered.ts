/**
 * `compute`, with the results for the last `size` distinct keys remembered:
 * the same header values come again and again, and a key's result never
 * changes. The oldest key is forgotten first, so that a flood of unique
 * values (a client's choice) cannot grow memory past `size` entries.
 */
export function remembered<V> (compute: (key: string) => V, size: number): (key: string) => V {
  const results = new Map<string, V>()
  return key => {
    if (results.has(key)) return results.get(key) as V
    const result = compute(key)
    // Map keeps insertion order: the first key is the oldest entry.
    if (results.size >= size) results.delete(results.keys().next().value as string)
    results.set(key, result)
    return result
  }
}
