import { isUtf8 } from 'node:buffer'
import { RoomMapError, type RoomMapProblem } from './errors.ts'
import type { Slicer } from './slices.ts'

const BOM = '\uFEFF'
const BOM_BYTES = Buffer.from(BOM)
const LF = 0x0a
// Checked in pieces of about a row's cost or a few, so that a slice holds many.
const UTF8_PIECE = 16 * 1024
const MAX_CONTINUATION_BYTES = 3

/**
 * The blocks of a map file, checked as they are read: UTF-8 (else a
 * {@link RoomMapError} at once), the one byte order mark a file may start
 * with (taken off), and characters no room map contains, added to `stray`:
 * a NUL (the file is UTF-16, or binary) and a byte order mark after the
 * start (files joined together), one problem per line and kind. Such a file
 * is refused for them alone: once there is one, no block is passed on, but
 * the rest is still checked, so that every one is reported. Every block but
 * the last must end at a line's end, so that neither a character nor a line
 * is split between blocks.
 */
export async function * checkedText (blocks: AsyncIterable<Buffer>, slicer: Slicer, stray: RoomMapProblem[]): AsyncGenerator<Buffer> {
  let firstLine = 1
  let first = true
  for await (const block of blocks) {
    const body = first ? withoutBom(block) : block
    first = false
    const lines = await utf8LineBreaks(body, slicer)
    // One by one: a UTF-16 file has a problem on every line, more than a spread's arguments may be.
    for (const problem of strayCharacters(body, firstLine)) stray.push(problem)
    firstLine += lines
    if (stray.length === 0) yield body
  }
}

function withoutBom (bytes: Buffer): Buffer {
  return bytes.subarray(0, BOM_BYTES.length).equals(BOM_BYTES) ? bytes.subarray(BOM_BYTES.length) : bytes
}

/**
 * How many line breaks the bytes hold, checking that they are UTF-8 (else a
 * {@link RoomMapError}), a piece at a time in the slicer's slices. A piece
 * ends before a byte that starts a character, so that no character is
 * split: valid text splits into valid pieces, and a stray continuation byte
 * makes the piece it starts invalid.
 */
async function utf8LineBreaks (bytes: Buffer, slicer: Slicer): Promise<number> {
  let lineBreaks = 0
  for (let start = 0; start < bytes.length;) {
    let end = Math.min(start + UTF8_PIECE, bytes.length)
    for (let back = 0; back < MAX_CONTINUATION_BYTES && end < bytes.length && isContinuation(bytes[end] as number); back++) end--
    const piece = bytes.subarray(start, end)
    if (!isUtf8(piece)) throw new RoomMapError([{ message: 'not UTF-8 text; save the file as UTF-8' }])
    for (let at = piece.indexOf(LF); at >= 0; at = piece.indexOf(LF, at + 1)) lineBreaks++
    start = end
    if (slicer.due()) await slicer.pause()
  }
  return lineBreaks
}

function isContinuation (byte: number): boolean {
  return (byte & 0xc0) === 0x80
}

// Found with `indexOf`, so that a large file costs linear time; sorted by line, NUL first.
function strayCharacters (text: Buffer, firstLine: number): RoomMapProblem[] {
  return [
    ...linesWith(text, firstLine, '\0', 'contains a NUL character; save the file as UTF-8 text (is it UTF-16?)'),
    ...linesWith(text, firstLine, BOM, 'contains a byte order mark (U+FEFF) after the start of the file; remove it')
  ].sort((a, b) => (a.line as number) - (b.line as number))
}

// Buffer#indexOf looks for a string's UTF-8 bytes.
function linesWith (text: Buffer, firstLine: number, char: string, message: string): RoomMapProblem[] {
  const problems: RoomMapProblem[] = []
  let line = firstLine
  let counted = 0
  for (let at = text.indexOf(char); at >= 0;) {
    for (let newline = text.indexOf(LF, counted); newline >= 0 && newline < at; newline = text.indexOf(LF, newline + 1)) {
      line++
      counted = newline + 1
    }
    problems.push({ line, message })
    const lineEnd = text.indexOf(LF, at)
    at = lineEnd < 0 ? -1 : text.indexOf(char, lineEnd)
  }
  return problems
}
