import { expectedError } from '../expected-error.ts'
import { RoomMapError, type RoomMapProblem } from './errors.ts'

const LF = '\n'
// Characters no room map contains: a NUL (the file is UTF-16, or binary) and a byte order mark after the start
// (files joined together). NUL first: a line with both reports it first.
const STRAY = [
  { char: '\u0000', message: 'contains a NUL character; save the file as UTF-8 text (is it UTF-16?)' },
  { char: '\uFEFF', message: 'contains a byte order mark (U+FEFF) after the start of the file; remove it' }
] as const

/**
 * The chunks of a map file, passed on as they come once checked: UTF-8
 * (else a {@link RoomMapError} at once) and free of stray characters
 * ({@link STRAY}), each added to `stray` once per line and kind. Such a file
 * is refused for them alone: once there is one, no chunk is passed on, but
 * the rest is still checked, so that every one is reported. Chunks may end
 * anywhere, within a line or a character.
 */
export async function * checkedText (chunks: AsyncIterable<Buffer>, stray: RoomMapProblem[]): AsyncGenerator<Buffer> {
  // Fatal: bytes that are not UTF-8 throw. The file's own leading byte order mark is left out of the text.
  const decoder = new TextDecoder('utf-8', { fatal: true })
  const findStray = strayFinder(stray)
  for await (const chunk of chunks) {
    findStray(decoded(() => decoder.decode(chunk, { stream: true })))
    if (stray.length === 0) yield chunk
  }
  // A character cut short by the end of the file.
  decoded(() => decoder.decode())
}

function decoded (decode: () => string): string {
  try {
    return decode()
  } catch (error) {
    // A fatal TextDecoder throws a TypeError for bytes that are not UTF-8.
    expectedError(error, TypeError)
    throw new RoomMapError([{ message: 'not UTF-8 text; save the file as UTF-8' }])
  }
}

/**
 * Adds the stray characters of each text given, the file's text piece by
 * piece, to `stray`. Found with `indexOf`, so that a large file costs linear
 * time; a line split between pieces is reported once.
 */
function strayFinder (stray: RoomMapProblem[]): (text: string) => void {
  let firstLine = 1
  const lastLines = STRAY.map(() => 0)
  return text => {
    const found = STRAY.flatMap(({ char, message }, kind) => {
      const problems: RoomMapProblem[] = []
      let line = firstLine
      let counted = 0
      for (let at = text.indexOf(char); at >= 0;) {
        line += lineBreaks(text, counted, at)
        counted = at
        if (line !== lastLines[kind]) problems.push({ line, message })
        lastLines[kind] = line
        const lineEnd = text.indexOf(LF, at)
        at = lineEnd < 0 ? -1 : text.indexOf(char, lineEnd)
      }
      return problems
    }).sort((a, b) => (a.line as number) - (b.line as number))
    // One by one: a UTF-16 file has a problem on every line, more than a spread's arguments may be.
    for (const problem of found) stray.push(problem)
    firstLine += lineBreaks(text, 0, text.length)
  }
}

function lineBreaks (text: string, from: number, to: number): number {
  let count = 0
  for (let at = text.indexOf(LF, from); at >= 0 && at < to; at = text.indexOf(LF, at + 1)) count++
  return count
}
