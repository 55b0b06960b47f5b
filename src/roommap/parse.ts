import { readCsvRows } from './csv.js'
import { RoomMapError, type RoomMapProblem } from './errors.js'
import { readJsonRows } from './json.js'
import { createRoomMap, type RoomMap } from './map.js'
import { stripBom, strayCharacters } from './text.js'
import { createRowValidator, type ValidationOptions } from './validate.js'

const RELEASE_LAST_MATCH = /(?:)/

export type RoomMapFormat = 'csv' | 'json'

/**
 * Parses and validates a whole room map. A map with any problem is refused
 * whole: the {@link RoomMapError} lists every problem found, each with its
 * line (CSV) or index (JSON) and field. The map keeps no part of `text`.
 */
export function parseRoomMap (text: string, format: RoomMapFormat, options: ValidationOptions): RoomMap {
  const body = stripBom(text)
  const stray = strayCharacters(body)
  if (stray.length > 0) throw new RoomMapError(stray)
  const problems: RoomMapProblem[] = []
  const validator = createRowValidator(options, problems)
  const read = format === 'csv' ? readCsvRows : readJsonRows
  read(body, validator.add, problems)
  const { rooms, otherRooms, newRooms } = validator.result()
  // Rows are read and validated one by one, so problems come in file order.
  if (problems.length > 0) throw new RoomMapError(problems)
  // V8 remembers the subject of the last regular expression match (RegExp
  // lastMatch), here a cut of `text`: matching a constant lets the text go.
  RELEASE_LAST_MATCH.test('')
  return createRoomMap(rooms, otherRooms, newRooms)
}
