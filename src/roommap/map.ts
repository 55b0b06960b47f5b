import type { RoomMapTarget } from './target.js'

/** What the room map says about one room (or about new rooms). */
export type RoomMapEntry =
  /** The MS-PCWP room management application, as without a map. */
  | { readonly kind: 'pcwp' }
  /** The room is gone: a `410 Gone` page, with its name and a note when known. */
  | { readonly kind: 'retired', readonly name?: string, readonly note?: string }
  /** The room lives elsewhere now: a redirect to its filled target. */
  | { readonly kind: 'moved', readonly name?: string, readonly note?: string, readonly target: RoomMapTarget }

/** What `pcwp-links map check` and /readyz tell about a map. */
export interface RoomMapSummary {
  /** Room rows: all rows but `*` and `new`. */
  readonly entries: number
  readonly moved: number
  /** Moved rooms per target host, most first (then by host). */
  readonly movedByHost: readonly { readonly host: string, readonly count: number }[]
  readonly retired: number
  readonly pcwp: number
  /** What a room without a row gets (the `*` row). */
  readonly otherRooms: RoomMapEntry['kind']
  /** What `/rooms/new` gets (the `new` row). */
  readonly newRooms: RoomMapEntry['kind']
}

/** A loaded, valid room map: read-only, shared by every request. */
export interface RoomMap {
  /** Room rows (`*` and `new` not counted). */
  readonly size: number
  /** The entry for a room by its canonical GUID (as parseRoomId returns it); the `*` row when it has none. */
  lookup: (id: string) => RoomMapEntry
  /** The entry for `/rooms/new`. */
  forNew: () => RoomMapEntry
  summary: () => RoomMapSummary
}

/** The one `pcwp` entry every such row shares. */
export const PROTOCOL_ENTRY: RoomMapEntry = Object.freeze({ kind: 'pcwp' })
/** The one entry every retired row without a name or note shares. */
export const RETIRED_ENTRY: RoomMapEntry = Object.freeze({ kind: 'retired' })

/** A map over validated entries; `*` and `new` default to `pcwp`. */
export function createRoomMap (rooms: ReadonlyMap<string, RoomMapEntry>, otherRooms = PROTOCOL_ENTRY, newRooms = PROTOCOL_ENTRY): RoomMap {
  return {
    size: rooms.size,
    lookup: id => rooms.get(id) ?? otherRooms,
    forNew: () => newRooms,
    summary: () => summarize(rooms, otherRooms, newRooms)
  }
}

function summarize (rooms: ReadonlyMap<string, RoomMapEntry>, otherRooms: RoomMapEntry, newRooms: RoomMapEntry): RoomMapSummary {
  const counts = { pcwp: 0, retired: 0, moved: 0 }
  const hosts = new Map<string, number>()
  for (const entry of rooms.values()) {
    counts[entry.kind]++
    if (entry.kind === 'moved') hosts.set(entry.target.host, (hosts.get(entry.target.host) ?? 0) + 1)
  }
  const movedByHost = [...hosts].map(([host, count]) => ({ host, count }))
    .sort((a, b) => b.count - a.count || (a.host < b.host ? -1 : 1))
  return { entries: rooms.size, ...counts, movedByHost, otherRooms: otherRooms.kind, newRooms: newRooms.kind }
}
