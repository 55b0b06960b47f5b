// A seeded pseudo-random source (mulberry32) for the bench's generated files:
// the same seed gives the same map and the same log on every machine.
export interface Random {
  /** A number in [0, 1). */
  readonly next: () => number
  /** An integer in [0, n). */
  readonly below: (n: number) => number
  /** One of `items`. */
  readonly pick: <T>(items: readonly T[]) => T
  /** A room GUID in upper case, e.g. 61E092C7-89BB-4DC4-A3F5-8C23FA940FAB. */
  readonly guid: () => string
}

export function seeded (seed: number): Random {
  let state = seed >>> 0
  function word (): number {
    state = (state + 0x6D2B79F5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return (t ^ (t >>> 14)) >>> 0
  }
  const next = () => word() / 4_294_967_296
  const below = (n: number) => Math.floor(next() * n)
  const hex = (digits: number) => word().toString(16).padStart(8, '0').slice(0, digits).toUpperCase()
  return {
    next,
    below,
    pick: items => items[below(items.length)] as (typeof items)[number],
    guid: () => `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(4)}${hex(8)}`
  }
}
