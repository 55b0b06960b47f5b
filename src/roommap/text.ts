import { isUtf8 } from 'node:buffer'
import type { RoomMapProblem } from './errors.js'
import type { Slicer } from './slices.js'

const BOM = '\uFEFF'
const BOM_BYTES = Buffer.from(BOM)
// Checked in blocks of about a row's cost or a few, so that a slice holds many.
const UTF8_BLOCK = 16 * 1024
const MAX_CONTINUATION_BYTES = 3

/** The bytes without the one byte order mark a UTF-8 file may start with. */
export function stripBom (bytes: Buffer): Buffer {
  return bytes.subarray(0, BOM_BYTES.length).equals(BOM_BYTES) ? bytes.subarray(BOM_BYTES.length) : bytes
}

/**
 * Whether the bytes are UTF-8, checked a block at a time in the slicer's
 * slices. A block ends before a byte that starts a character, so that no
 * character is split: valid text splits into valid blocks, and a stray
 * continuation byte makes the block it starts invalid.
 */
export async function isUtf8Text (bytes: Buffer, slicer: Slicer): Promise<boolean> {
  for (let start = 0; start < bytes.length;) {
    let end = Math.min(start + UTF8_BLOCK, bytes.length)
    for (let back = 0; back < MAX_CONTINUATION_BYTES && end < bytes.length && isContinuation(bytes[end] as number); back++) end--
    if (!isUtf8(bytes.subarray(start, end))) return false
    start = end
    if (slicer.due()) await slicer.pause()
  }
  return true
}

function isContinuation (byte: number): boolean {
  return (byte & 0xc0) === 0x80
}

/**
 * Characters no room map contains, in its UTF-8 bytes: a NUL (the file is
 * UTF-16, or binary) and a byte order mark after the start (files joined
 * together). One problem per line and kind, found with `indexOf`, so that a
 * large file costs linear time.
 */
export function strayCharacters (text: Buffer): RoomMapProblem[] {
  return [
    ...linesWith(text, '\0', 'contains a NUL character; save the file as UTF-8 text (is it UTF-16?)'),
    ...linesWith(text, BOM, 'contains a byte order mark (U+FEFF) after the start of the file; remove it')
  ].sort((a, b) => (a.line as number) - (b.line as number))
}

// Buffer#indexOf looks for a string's UTF-8 bytes.
function linesWith (text: Buffer, char: string, message: string): RoomMapProblem[] {
  const problems: RoomMapProblem[] = []
  let line = 1
  let counted = 0
  for (let at = text.indexOf(char); at >= 0;) {
    for (let newline = text.indexOf('\n', counted); newline >= 0 && newline < at; newline = text.indexOf('\n', newline + 1)) {
      line++
      counted = newline + 1
    }
    problems.push({ line, message })
    const lineEnd = text.indexOf('\n', at)
    at = lineEnd < 0 ? -1 : text.indexOf(char, lineEnd)
  }
  return problems
}
