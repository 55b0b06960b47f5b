import { readCsvRows } from './csv.ts'
import { RoomMapError, type RoomMapProblem } from './errors.ts'
import { readJsonRows } from './json.ts'
import type { RoomMap } from './map.ts'
import { Slicer } from './slices.ts'
import { checkedText } from './text.ts'
import { createRowValidator, type ValidationOptions } from './validate.ts'

const RELEASE_LAST_MATCH = /(?:)/

/** The size of the chunks a map is read and parsed in: a few hundred rows, about a slice's work. */
export const CHUNK_BYTES = 64 * 1024

export type RoomMapFormat = 'csv' | 'json'

/**
 * Parses and validates a whole room map, given as a file's bytes (UTF-8) or
 * as text. A map with any problem is refused whole: the
 * {@link RoomMapError} lists every problem found, each with its line (CSV)
 * or index (JSON) and field. The map keeps no part of the input.
 */
export async function parseRoomMap (
  input: Buffer | string, format: RoomMapFormat, options: ValidationOptions
): Promise<RoomMap> {
  return parseRoomMapChunks(chunksOf(typeof input === 'string' ? Buffer.from(input) : input), format, options)
}

/**
 * {@link parseRoomMap} for a file read in chunks: a CSV map is checked and
 * parsed as its chunks come, so that the file is never held whole; JSON.parse
 * needs the whole text. The map is checked and read in slices between which
 * the event loop turns: a map read while the service runs does not hold up
 * its requests.
 */
export async function parseRoomMapChunks (
  chunks: AsyncIterable<Buffer>, format: RoomMapFormat, options: ValidationOptions
): Promise<RoomMap> {
  const stray: RoomMapProblem[] = []
  const checked = checkedText(chunks, stray)
  const problems: RoomMapProblem[] = []
  const validator = createRowValidator(options, problems)
  if (format === 'csv') await readCsvRows(checked, validator.add, problems)
  else await readJsonRows(await textOf(checked), validator.add, problems, new Slicer())
  // A stray character says the file is not a map at all: what else is wrong with it would only distract.
  if (stray.length > 0) throw new RoomMapError(stray)
  // Rows are read and validated one by one, so problems come in file order.
  if (problems.length > 0) throw new RoomMapError(problems)
  // V8 remembers the subject of the last regular expression match (RegExp
  // lastMatch), here a cut of the input: matching a constant lets it go.
  RELEASE_LAST_MATCH.test('')
  return validator.build()
}

// eslint-disable-next-line @typescript-eslint/require-await -- an async generator of a buffer's pieces
async function * chunksOf (bytes: Buffer): AsyncGenerator<Buffer> {
  for (let start = 0; start < bytes.length; start += CHUNK_BYTES) yield bytes.subarray(start, start + CHUNK_BYTES)
}

// The decoder takes a character split between chunks whole, and leaves out a leading byte order mark.
async function textOf (chunks: AsyncIterable<Buffer>): Promise<string> {
  const decoder = new TextDecoder()
  let text = ''
  for await (const chunk of chunks) text += decoder.decode(chunk, { stream: true })
  return text + decoder.decode()
}
