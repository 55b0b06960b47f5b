import { readCsvRows } from './csv.js'
import { RoomMapError, type RoomMapProblem } from './errors.js'
import { readJsonRows } from './json.js'
import { createRoomMap, type RoomMap } from './map.js'
import { stripBom, strayCharacters } from './text.js'
import { createRowValidator, type ValidationOptions } from './validate.js'

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
  if (problems.length > 0) throw new RoomMapError(sortByPlace(problems))
  return createRoomMap(rooms, otherRooms, newRooms)
}

// Reading and validating find problems in two passes; an operator reads them top down.
function sortByPlace<T extends { readonly line?: number, readonly index?: number }> (problems: T[]): T[] {
  return problems.sort((a, b) => (a.line ?? a.index ?? -1) - (b.line ?? b.index ?? -1))
}
