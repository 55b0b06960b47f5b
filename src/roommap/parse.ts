import { readCsvRows } from './csv.ts'
import { RoomMapError, type RoomMapProblem } from './errors.ts'
import { readJsonRows } from './json.ts'
import type { RoomMap } from './map.ts'
import { Slicer } from './slices.ts'
import { checkedText } from './text.ts'
import { createRowValidator, type ValidationOptions } from './validate.ts'

const RELEASE_LAST_MATCH = /(?:)/

export type RoomMapFormat = 'csv' | 'json'

/**
 * Parses and validates a whole room map, given as a file's bytes (UTF-8) or
 * as text. A map with any problem is refused whole: the
 * {@link RoomMapError} lists every problem found, each with its line (CSV)
 * or index (JSON) and field. The map keeps no part of the input.
 */
export async function parseRoomMap (input: Buffer | string, format: RoomMapFormat, options: ValidationOptions): Promise<RoomMap> {
  return parseRoomMapBlocks(oneBlock(typeof input === 'string' ? Buffer.from(input) : input), format, options)
}

/**
 * {@link parseRoomMap} for a file read in blocks, each but the last ending
 * at a line's end and valid until the next is asked for: a CSV map is
 * checked and read as its blocks come, so that the file is never held whole;
 * JSON.parse needs the whole text. The map is
 * checked and read in slices between which the event loop turns: a map read
 * while the service runs does not hold up its requests.
 */
export async function parseRoomMapBlocks (blocks: AsyncIterable<Buffer>, format: RoomMapFormat, options: ValidationOptions): Promise<RoomMap> {
  const slicer = new Slicer()
  const stray: RoomMapProblem[] = []
  const checked = checkedText(blocks, slicer, stray)
  const problems: RoomMapProblem[] = []
  const validator = createRowValidator(options, problems)
  if (format === 'csv') await readCsvRows(checked, validator.add, problems, slicer)
  else await readJsonRows(await textOf(checked), validator.add, problems, slicer)
  // A stray character says the file is not a map at all: what else is wrong with it would only distract.
  if (stray.length > 0) throw new RoomMapError(stray)
  // Rows are read and validated one by one, so problems come in file order.
  if (problems.length > 0) throw new RoomMapError(problems)
  // V8 remembers the subject of the last regular expression match (RegExp
  // lastMatch), here a cut of the input: matching a constant lets it go.
  RELEASE_LAST_MATCH.test('')
  return validator.build()
}

// eslint-disable-next-line @typescript-eslint/require-await -- an async generator of one block
async function * oneBlock (bytes: Buffer): AsyncGenerator<Buffer> {
  yield bytes
}

// Each block is decoded before the next is read: a block may be reused for the next.
async function textOf (blocks: AsyncIterable<Buffer>): Promise<string> {
  let text = ''
  for await (const block of blocks) text += block.toString()
  return text
}
