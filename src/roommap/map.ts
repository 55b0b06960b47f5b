import { Column } from './columns.ts'
import { RoomIndex } from './room-index.ts'
import { detach } from './rows.ts'
import { NO_STRING, StringPacker, type PackedStrings } from './packed-strings.ts'
import { prepareTarget, targetHost, type RoomMapTarget } from './target.ts'

/** What the room map says about one room (or about new rooms). */
export type RoomMapEntry =
  /** The MS-OCGCWEB room management application, as without a map. */
  | { readonly kind: 'pcwp' }
  /** The room is gone: a `410 Gone` page, with its name and a note when known. */
  | { readonly kind: 'retired', readonly name?: string, readonly note?: string }
  /** The room lives elsewhere now: a redirect to its filled target (a redirect shows no name or note). */
  | { readonly kind: 'moved', readonly target: RoomMapTarget }

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

/** A validated row as the builder takes it: a moved room's target as written. */
export type RoomMapRow =
  | { readonly kind: 'pcwp' }
  | { readonly kind: 'retired', readonly name: string | undefined, readonly note: string | undefined }
  | { readonly kind: 'moved', readonly target: string }

// A row's kind as stored; REFUSED holds the place of a row with a problem.
const PCWP = 0
const RETIRED = 1
const MOVED = 2
const REFUSED = 3
const KIND_CODES = { pcwp: PCWP, retired: RETIRED, moved: MOVED } as const
const KINDS = ['pcwp', 'retired', 'moved'] as const
const NO_TEXT = { name: undefined, note: undefined }

/**
 * Builds a map row by row into columns: each row's kind, and its name, note
 * and target as numbers of strings packed off the JS heap. Rooms map to
 * their row number, a small integer, so that the map holds one key string
 * per room and no object. Notes and targets repeat across rows and are
 * stored once each; a name is mostly a room's own. A `pcwp` row keeps its
 * kind only, a moved row its target: nothing else of them is ever shown.
 */
export class RoomMapBuilder {
  private readonly rooms = new RoomIndex()
  private readonly kinds = new Column(size => new Uint8Array(size))
  private readonly names = new Column(size => new Uint32Array(size))
  private readonly notes = new Column(size => new Uint32Array(size))
  private readonly targets = new Column(size => new Uint32Array(size))
  private readonly strings = new StringPacker()
  private readonly storedNotes = new Map<string, number>()
  private readonly storedTargets = new Map<string, number>()

  /** The row a room was given, if any. */
  rowOf (room: string): number | undefined {
    return this.rooms.get(room)
  }

  /** Whether a row moved to this target was added. */
  hasTarget (target: string): boolean {
    return this.storedTargets.has(target)
  }

  /** Adds a row (undefined: one with a problem), the row of `room` when given; returns its number. */
  add (row: RoomMapRow | undefined, room?: string): number {
    const text = row?.kind === 'retired' ? row : NO_TEXT
    const number = this.kinds.push(row === undefined ? REFUSED : KIND_CODES[row.kind])
    this.names.push(text.name === undefined ? NO_STRING : this.strings.add(text.name))
    this.notes.push(text.note === undefined ? NO_STRING : this.stored(this.storedNotes, text.note))
    this.targets.push(row?.kind === 'moved' ? this.stored(this.storedTargets, row.target) : NO_STRING)
    if (room !== undefined) this.rooms.set(room, number)
    return number
  }

  /** The map of the rows added; `*` and `new` are the numbers of their rows, and default to `pcwp`. */
  build (otherRow: number | undefined, newRow: number | undefined): RoomMap {
    const rows: Rows = {
      kinds: this.kinds.finish(),
      names: this.names.finish(),
      notes: this.notes.finish(),
      targets: this.targets.finish(),
      strings: this.strings.finish()
    }
    const { rooms } = this
    const read = rowReader(rows)
    const otherRooms = otherRow === undefined ? PROTOCOL_ENTRY : read(otherRow)
    const newRooms = newRow === undefined ? PROTOCOL_ENTRY : read(newRow)
    return {
      size: rooms.size,
      lookup: id => {
        const row = rooms.get(id)
        return row === undefined ? otherRooms : read(row)
      },
      forNew: () => newRooms,
      summary: () => summarize(rooms, rows, otherRooms, newRooms)
    }
  }

  private stored (seen: Map<string, number>, value: string): number {
    let number = seen.get(value)
    if (number === undefined) {
      number = this.strings.add(value)
      // The key outlives the row's text only while the map is built; a copy lets that text go.
      seen.set(detach(value), number)
    }
    return number
  }
}

interface Rows {
  readonly kinds: Uint8Array
  readonly names: Uint32Array
  readonly notes: Uint32Array
  readonly targets: Uint32Array
  readonly strings: PackedStrings
}

type Writable<T> = { -readonly [K in keyof T]: T[K] }
type RetiredEntry = Extract<RoomMapEntry, { kind: 'retired' }>

/**
 * Reads a row as an entry: the shared entries for `pcwp` and for retired
 * rows without text, else a fresh entry, short-lived as the request that
 * asked. A moved row's target is prepared anew on each read: preparing is a
 * split around the placeholders, about as cheap as a cache lookup, and a
 * cache would grow with every target ever asked for.
 */
function rowReader ({ kinds, names, notes, targets, strings }: Rows): (row: number) => RoomMapEntry {
  return row => {
    const kind = kinds[row]
    if (kind === PCWP) return PROTOCOL_ENTRY
    if (kind === MOVED) return { kind: 'moved', target: prepareTarget(strings.get(targets[row] as number)) }
    const name = names[row] as number
    const note = notes[row] as number
    if (name === NO_STRING && note === NO_STRING) return RETIRED_ENTRY
    // Only the keys a row has are set: JSON shows no nulls.
    const entry: Writable<RetiredEntry> = { kind: 'retired' }
    if (name !== NO_STRING) entry.name = strings.get(name)
    if (note !== NO_STRING) entry.note = strings.get(note)
    return entry
  }
}

function summarize (
  rooms: RoomIndex, { kinds, targets, strings }: Rows, otherRooms: RoomMapEntry, newRooms: RoomMapEntry
): RoomMapSummary {
  const counts = { pcwp: 0, retired: 0, moved: 0 }
  const hostOfTarget = new Map<number, string>()
  const hosts = new Map<string, number>()
  for (const row of rooms.rows()) {
    const kind = kinds[row] as typeof PCWP | typeof RETIRED | typeof MOVED
    counts[KINDS[kind]]++
    if (kind !== MOVED) continue
    const target = targets[row] as number
    let host = hostOfTarget.get(target)
    if (host === undefined) hostOfTarget.set(target, host = targetHost(strings.get(target)))
    hosts.set(host, (hosts.get(host) ?? 0) + 1)
  }
  const movedByHost = [...hosts].map(([host, count]) => ({ host, count }))
    .sort((a, b) => b.count - a.count || (a.host < b.host ? -1 : 1))
  return { entries: rooms.size, ...counts, movedByHost, otherRooms: otherRooms.kind, newRooms: newRooms.kind }
}
