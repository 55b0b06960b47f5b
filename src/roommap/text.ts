import type { RoomMapProblem } from './errors.js'

const BOM = '\uFEFF'
const BOM_BYTES = Buffer.from(BOM)

/** The bytes without the one byte order mark a UTF-8 file may start with. */
export function stripBom (bytes: Buffer): Buffer {
  return bytes.subarray(0, BOM_BYTES.length).equals(BOM_BYTES) ? bytes.subarray(BOM_BYTES.length) : bytes
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
