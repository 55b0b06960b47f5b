import { readCsvRows } from './csv.js'
import { RoomMapError, type RoomMapProblem } from './errors.js'
import { readJsonRows } from './json.js'
import type { RoomMap } from './map.js'
import { Slicer } from './slices.js'
import { isUtf8Text, stripBom, strayCharacters } from './text.js'
import { createRowValidator, type ValidationOptions } from './validate.js'

const RELEASE_LAST_MATCH = /(?:)/

export type RoomMapFormat = 'csv' | 'json'

/**
 * Parses and validates a whole room map, given as a file's bytes (UTF-8) or
 * as text. A map with any problem is refused whole: the
 * {@link RoomMapError} lists every problem found, each with its line (CSV)
 * or index (JSON) and field. The map keeps no part of the input. It is
 * checked and read in slices between which the event loop turns: a map read while the
 * service runs does not hold up its requests.
 */
export async function parseRoomMap (input: Buffer | string, format: RoomMapFormat, options: ValidationOptions): Promise<RoomMap> {
  const bytes = typeof input === 'string' ? Buffer.from(input) : input
  const slicer = new Slicer()
  if (!await isUtf8Text(bytes, slicer)) throw new RoomMapError([{ message: 'not UTF-8 text; save the file as UTF-8' }])
  const body = stripBom(bytes)
  const stray = strayCharacters(body)
  if (stray.length > 0) throw new RoomMapError(stray)
  const problems: RoomMapProblem[] = []
  const validator = createRowValidator(options, problems)
  // A CSV map is read a line at a time from its bytes; JSON.parse needs the whole text.
  if (format === 'csv') await readCsvRows(body, validator.add, problems, slicer)
  else await readJsonRows(body.toString(), validator.add, problems, slicer)
  // Rows are read and validated one by one, so problems come in file order.
  if (problems.length > 0) throw new RoomMapError(problems)
  // V8 remembers the subject of the last regular expression match (RegExp
  // lastMatch), here a cut of the input: matching a constant lets it go.
  RELEASE_LAST_MATCH.test('')
  return validator.build()
}
