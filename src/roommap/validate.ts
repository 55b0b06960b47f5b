import { expectedError } from '../expected-error.ts'
import { RoomIdError } from '../pcwp/errors.ts'
import { parseRoomLink } from '../pcwp/room-id.ts'
import { Column } from './columns.ts'
import type { RoomMapProblem } from './errors.ts'
import { RoomMapBuilder, type RoomMap, type RoomMapRow } from './map.ts'
import { trimBlanks, type RawRow, type RowLocation } from './rows.ts'
import { checkTarget, targetNamesRoom } from './target.ts'

export interface ValidationOptions {
  /** Accept `http://` targets (PCWP_ALLOW_HTTP). */
  readonly allowHttp: boolean
}

const OTHER_ROOMS = '*'
const NEW_ROOMS = 'new'
const EXPECTED_ROOM = 'expected * (rooms without a row), new (/rooms/new), a room GUID or a room URI ma-chan://<domain>/<GUID>'
const MAX_NAME_LENGTH = 200
const MAX_NOTE_LENGTH = 500
// C0 and C1 controls, DEL included: a name or note is one line of plain text.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/ // eslint-disable-line no-control-regex

/** Takes rows one by one as they are read; `build` makes the map of them all once none had a problem. */
export interface RowValidator {
  add: (row: RawRow) => void
  build: () => RoomMap
}

// V8 keeps a string cut from a longer one as a view of it: a room's key is
// copied through this buffer into a string of its own, so that the map
// keeps no part of the line it was read from. Keys are canonical GUIDs.
const KEY_BYTES = Buffer.alloc(36)
// The form parseRoomLink gives: uppercase 8-4-4-4-12 hex digits.
const CANONICAL_GUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/

/**
 * Validates rows (MS-OCGCWEB 2.2.2 for rooms), reporting every problem into
 * `problems`: `room` is `*`, `new` or a room (duplicates refused after
 * canonicalisation), `target` is `pcwp`, `retired` or a URL
 * ({@link checkTarget}), `name` and `note` are short plain text.
 */
export function createRowValidator (options: ValidationOptions, problems: RoomMapProblem[]): RowValidator {
  const builder = new RoomMapBuilder()
  // Where each row of the builder was read (a line or an index), for duplicates.
  const locations = new Column(size => new Uint32Array(size))
  const specialRows = new Map<string, number>()
  const report: Report = (where, field, message) => { problems.push({ ...where, field, message }) }

  function add (row: RawRow): void {
    const key = roomKey(row, report)
    const checked = checkRow(row, key === NEW_ROOMS, options, builder, report)
    if (key === undefined) return
    const special = key === OTHER_ROOMS || key === NEW_ROOMS
    // A room is taken by its first row even when that row has other problems: both lines are named.
    const first = special ? specialRows.get(key) : builder.rowOf(key)
    if (first !== undefined) {
      report(row.where, 'room', `the same room as ${'line' in row.where ? 'line' : 'index'} ${locations.at(first)}; a room may have one row only`)
      return
    }
    const number = builder.add(checked, special ? undefined : key)
    locations.push('line' in row.where ? row.where.line : row.where.index)
    if (special) specialRows.set(key, number)
  }

  return { add, build: () => builder.build(specialRows.get(OTHER_ROOMS), specialRows.get(NEW_ROOMS)) }
}

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
    // Most maps write rooms as canonical GUIDs already: those need no parsing.
    const guid = CANONICAL_GUID.test(room) ? room : parseRoomLink(room)
    KEY_BYTES.write(guid, 'latin1')
    return KEY_BYTES.toString('latin1')
  } catch (error) {
    // Not a room: the message says what is expected, which RoomIdError's names only in part.
    expectedError(error, RoomIdError)
    report(where, 'room', `not a room; ${EXPECTED_ROOM}`)
    return undefined
  }
}

const PROTOCOL_ROW: RoomMapRow = { kind: 'pcwp' }

function checkRow (
  row: RawRow, isNew: boolean, options: ValidationOptions, builder: RoomMapBuilder, report: Report
): RoomMapRow | undefined {
  const { where } = row
  const name = plainText(row.name, MAX_NAME_LENGTH, where, 'name', report)
  const note = plainText(row.note, MAX_NOTE_LENGTH, where, 'note', report)
  const target = trimBlanks(row.target ?? '')
  const keyword = target.length <= 7 ? target.toLowerCase() : ''
  if (keyword === 'pcwp') return PROTOCOL_ROW
  if (keyword === 'retired') return { kind: 'retired', name, note }
  if (target === '') {
    report(where, 'target', 'required; expected pcwp, retired or an absolute https:// URL')
    return undefined
  }
  // A target already taken is not checked again: rows moved to one place repeat it.
  const problem = builder.hasTarget(target) ? undefined : checkTarget(target, options)
  if (problem !== undefined) {
    report(where, 'target', problem)
    return undefined
  }
  if (isNew && targetNamesRoom(target)) {
    report(where, 'target', 'the new row names no room, so {id} cannot be filled; remove it')
    return undefined
  }
  return { kind: 'moved', target }
}

/** Trimmed text, or undefined when empty, absent or reported as a problem. */
function plainText (
  raw: string | undefined, max: number, where: RowLocation, field: string, report: Report
): string | undefined {
  const text = trimBlanks(raw ?? '')
  if (text === '') return undefined
  if (text.length > max) report(where, field, `too long: at most ${max} characters`)
  else if (CONTROL.test(text)) report(where, field, 'contains line breaks, tabs or other control characters; write plain text on one line')
  else return text
  return undefined
}
