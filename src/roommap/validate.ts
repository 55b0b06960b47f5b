import { parseRoomLink } from '../pcwp/room-id.js'
import type { RoomMapProblem } from './errors.js'
import { PROTOCOL_ENTRY, RETIRED_ENTRY, type RoomMapEntry } from './map.js'
import { detach, trimBlanks, type RawRow, type RowLocation } from './rows.js'
import { parseTarget, type RoomMapTarget } from './target.js'

export interface ValidationOptions {
  /** Accept `http://` targets (PCWP_ALLOW_HTTP). */
  readonly allowHttp: boolean
}

/** Valid rows, keyed by canonical GUID, and the `*` and `new` rows when present. */
export interface ValidatedRows {
  readonly rooms: Map<string, RoomMapEntry>
  readonly otherRooms: RoomMapEntry | undefined
  readonly newRooms: RoomMapEntry | undefined
}

const OTHER_ROOMS = '*'
const NEW_ROOMS = 'new'
const EXPECTED_ROOM = 'expected * (rooms without a row), new (/rooms/new), a room GUID or a room URI ma-chan://<domain>/<GUID>'
const MAX_NAME_LENGTH = 200
const MAX_NOTE_LENGTH = 500
// C0 and C1 controls, DEL included: a name or note is one line of plain text.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/ // eslint-disable-line no-control-regex

/** Takes rows one by one as they are read; `result` gives the valid ones. */
export interface RowValidator {
  add: (row: RawRow) => void
  result: () => ValidatedRows
}

/**
 * Validates rows (MS-PCWP 2.2.2 for rooms), reporting every problem into
 * `problems`: `room` is `*`, `new` or a room (duplicates refused after
 * canonicalisation), `target` is `pcwp`, `retired` or a URL
 * ({@link parseTarget}), `name` and `note` are short plain text.
 * Rows moved to the same URL share one prepared target.
 */
export function createRowValidator (options: ValidationOptions, problems: RoomMapProblem[]): RowValidator {
  const rooms = new Map<string, RoomMapEntry>()
  const firstSeen = new Map<string, RowLocation>()
  const targets = new Map<string, RoomMapTarget>()
  let otherRooms: RoomMapEntry | undefined
  let newRooms: RoomMapEntry | undefined
  const report: Report = (where, field, message) => { problems.push({ ...where, field, message }) }

  function add (row: RawRow): void {
    const key = roomKey(row, report)
    const entry = rowEntry(row, key === NEW_ROOMS, options, targets, report)
    if (key === undefined) return
    // A room is taken by its first row even when that row has other problems: both lines are named.
    const first = firstSeen.get(key)
    if (first !== undefined) {
      report(row.where, 'room', `the same room as ${'line' in first ? `line ${first.line}` : `index ${first.index}`}; a room may have one row only`)
      return
    }
    firstSeen.set(key, row.where)
    if (entry === undefined) return
    if (key === OTHER_ROOMS) otherRooms = entry
    else if (key === NEW_ROOMS) newRooms = entry
    else rooms.set(key, entry)
  }

  return { add, result: () => ({ rooms, otherRooms, newRooms }) }
}

type RetiredEntry = Extract<RoomMapEntry, { kind: 'retired' }>
type MovedEntry = Extract<RoomMapEntry, { kind: 'moved' }>
type Report = (where: RowLocation, field: string, message: string) => void

function roomKey ({ where, room: raw }: RawRow, report: Report): string | undefined {
  const room = trimBlanks(raw ?? '')
  if (room === '') {
    report(where, 'room', `required; ${EXPECTED_ROOM}`)
    return undefined
  }
  if (room === OTHER_ROOMS) return OTHER_ROOMS
  if (room.toLowerCase() === NEW_ROOMS) return NEW_ROOMS
  try {
    // The canonical GUID is a fresh string (detached from the file's text).
    return detach(parseRoomLink(room))
  } catch {
    // parseRoomLink throws nothing but RoomIdError; its message names only room forms.
    report(where, 'room', `not a room; ${EXPECTED_ROOM}`)
    return undefined
  }
}

function rowEntry (row: RawRow, isNew: boolean, options: ValidationOptions, targets: Map<string, RoomMapTarget>, report: Report): RoomMapEntry | undefined {
  const { where } = row
  const name = plainText(row.name, MAX_NAME_LENGTH, where, 'name', report)
  const note = plainText(row.note, MAX_NOTE_LENGTH, where, 'note', report)
  const target = trimBlanks(row.target ?? '')
  const keyword = target.length <= 7 ? target.toLowerCase() : ''
  let moved: RoomMapTarget | undefined
  if (keyword === 'pcwp') return PROTOCOL_ENTRY
  if (keyword === 'retired') {
    if (name === undefined && note === undefined) return RETIRED_ENTRY
    return withText<RetiredEntry>({ kind: 'retired' }, name, note)
  }
  if (target === '') {
    report(where, 'target', 'required; expected pcwp, retired or an absolute https:// URL')
  } else {
    moved = targets.get(target)
    if (moved === undefined) {
      const checked = parseTarget(target, options)
      if ('problem' in checked) report(where, 'target', checked.problem)
      else targets.set(target, moved = checked.value)
    }
    if (moved !== undefined && isNew && moved.slots.includes('id')) {
      report(where, 'target', 'the new row names no room, so {id} cannot be filled; remove it')
      moved = undefined
    }
  }
  return moved === undefined ? undefined : withText<MovedEntry>({ kind: 'moved', target: moved }, name, note)
}

type Writable<T> = { -readonly [K in keyof T]: T[K] }

// Only the keys a row has are set: entries stay small, and JSON shows no nulls.
function withText<T extends RoomMapEntry & { kind: 'retired' | 'moved' }> (entry: Writable<T>, name: string | undefined, note: string | undefined): T {
  if (name !== undefined) entry.name = name
  if (note !== undefined) entry.note = note
  return entry
}

/** Trimmed text, or undefined when empty, absent or reported as a problem. */
function plainText (raw: string | undefined, max: number, where: RowLocation, field: string, report: Report): string | undefined {
  const text = trimBlanks(raw ?? '')
  if (text === '') return undefined
  if (text.length > max) report(where, field, `too long: at most ${max} characters`)
  else if (CONTROL.test(text)) report(where, field, 'contains line breaks, tabs or other control characters; write plain text on one line')
  else return detach(text)
  return undefined
}
