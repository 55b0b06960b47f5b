import type { RoomMapProblem } from './errors.ts'
import { ROW_FIELDS, trimBlanks, type RawRow, type RowField } from './rows.ts'
import type { Slicer } from './slices.ts'

/** A physical line longer than this is refused: no map row needs more. */
export const MAX_LINE_LENGTH = 8192

const LF = 0x0a
const CR = 0x0d
const BLANK_LINE = /^[ \t]*$/

// Where the scanner is within a field (RFC 4180 section 2).
const FIELD_START = 0
const UNQUOTED = 1
const QUOTED = 2
const AFTER_QUOTE = 3
type ScanState = typeof FIELD_START | typeof UNQUOTED | typeof QUOTED | typeof AFTER_QUOTE

interface CsvRecord {
  readonly line: number
  readonly fields: readonly string[]
}

/**
 * Reads a room map in CSV (RFC 4180): a header row naming the columns
 * `room`, `target`, `name`, `note` in any case and order (others ignored),
 * then one record per row. The delimiter is the first unquoted `,` or `;` of
 * the header row. Lines end in LF or CRLF; quoted fields may hold the
 * delimiter, line breaks and doubled quotes; blank lines are skipped.
 * Each good row is handed to `onRow` as it is read; every problem is
 * collected, and rows with one are left out. The bytes are UTF-8, in
 * blocks that end at a line's end, decoded a line at a time: the file is
 * never held as one string. Lines are read in
 * slices ({@link Slicer}), `onRow` included, so that the event loop turns
 * while a large map is read.
 */
export async function readCsvRows (blocks: AsyncIterable<Buffer>, onRow: (row: RawRow) => void, problems: RoomMapProblem[], slicer: Slicer): Promise<void> {
  let headerSeen = false
  let layout: { readonly columns: Map<RowField, number>, readonly width: number } | undefined
  const records = await scanRecords(blocks, problems, slicer, record => {
    if (!headerSeen) {
      headerSeen = true
      const columns = record === null ? undefined : headerColumns(record, problems)
      if (record !== null && columns !== undefined) layout = { columns, width: record.fields.length }
      return
    }
    // Without the columns, records are still scanned for their own problems.
    if (record === null || layout === undefined) return
    const { line, fields } = record
    const { columns, width } = layout
    if (fields.length !== width) {
      problems.push({ line, message: `expected ${width} fields as in the header row, found ${fields.length}; quote a value that contains the delimiter` })
    } else {
      onRow({ where: { line }, room: field(fields, columns, 'room'), target: field(fields, columns, 'target'), name: field(fields, columns, 'name'), note: field(fields, columns, 'note') })
    }
  })
  if (records === 0) problems.push({ message: 'no header row; the first line must name the columns, for example room,target,name,note' })
}

function field (fields: readonly string[], columns: Map<RowField, number>, name: RowField): string | undefined {
  const at = columns.get(name)
  return at === undefined ? undefined : fields[at]
}

function headerColumns (header: CsvRecord, problems: RoomMapProblem[]): Map<RowField, number> | undefined {
  const columns = new Map<RowField, number>()
  const known: readonly string[] = ROW_FIELDS
  header.fields.forEach((raw, at) => {
    const name = trimBlanks(raw).toLowerCase()
    if (!known.includes(name)) return
    if (columns.has(name as RowField)) problems.push({ line: header.line, message: `the header row names the column ${name} twice` })
    else columns.set(name as RowField, at)
  })
  const missing = ['room', 'target'].filter(name => !columns.has(name as RowField))
  if (missing.length > 0) {
    problems.push({ line: header.line, message: `the header row must name the columns room and target (missing: ${missing.join(', ')}), separated by , or ;` })
  }
  return problems.length > 0 ? undefined : columns
}

/**
 * Splits the blocks into records in one pass over their lines, handing each
 * to `onRecord`, or null for a record with a problem (reported). A line too
 * long is skipped undecoded, and the record it belongs to has a problem.
 * Returns how many records there were.
 */
async function scanRecords (blocks: AsyncIterable<Buffer>, problems: RoomMapProblem[], slicer: Slicer, onRecord: (record: CsvRecord | null) => void): Promise<number> {
  let delimiter: string | undefined
  let fields: string[] = []
  let field = ''
  let state = FIELD_START as ScanState
  let recordLine = 0
  let failed = false
  let line = 0

  const fail = (at: number, message: string): void => {
    if (!failed) problems.push({ line: at, message })
    failed = true
  }
  let records = 0
  const endRecord = (): void => {
    records++
    onRecord(failed ? null : { line: recordLine, fields })
    fields = []
    failed = false
  }

  // One physical line: its text, or undefined when it is too long to be read.
  const scanLine = (text: string | undefined): void => {
    line++
    if (text === undefined) {
      problems.push({ line, message: `the line is longer than ${MAX_LINE_LENGTH} characters` })
      failed = true
      state = FIELD_START
      endRecord()
      return
    }
    if (state !== QUOTED) {
      if (BLANK_LINE.test(text)) return
      recordLine = line
      delimiter ??= detectDelimiter(text)
    }
    // Set by the first record's first line, before any field is read.
    const separator = delimiter as string
    const end = text.length
    // The next quote at or after i (end when none): found once, not once per field.
    let quoteAt = -1
    const nextQuote = (from: number): number => {
      if (quoteAt < from) quoteAt = text.indexOf('"', from)
      if (quoteAt < 0) quoteAt = end
      return quoteAt
    }
    let chunk = 0
    // Fields are cut with indexOf jumps: only a quote and what follows it are looked at one by one.
    for (let i = 0; i < end;) {
      if (state === QUOTED) {
        const quote = nextQuote(i)
        if (quote === end) break
        field += text.slice(chunk, quote)
        state = AFTER_QUOTE
        i = quote + 1
      } else if (state === UNQUOTED) {
        const next = text.indexOf(separator, i)
        if (nextQuote(i) < (next < 0 ? end : next)) fail(recordLine, 'a quote may only enclose a whole field (and be doubled inside it)')
        if (next < 0) break
        fields.push(text.slice(chunk, next))
        state = FIELD_START
        chunk = i = next + 1
      } else {
        const char = text.charAt(i)
        if (char === '"') {
          if (state === AFTER_QUOTE) {
            // A doubled quote inside a quoted field stands for one quote.
            field += '"'
          } else {
            field = ''
          }
          chunk = i + 1
          state = QUOTED
        } else if (char === separator) {
          fields.push(state === AFTER_QUOTE ? field : '')
          state = FIELD_START
          chunk = i + 1
        } else if (state === AFTER_QUOTE) {
          fail(recordLine, 'a closing quote must be followed by the delimiter or the end of the line')
        } else {
          state = UNQUOTED
          continue
        }
        i++
      }
    }
    if (state === QUOTED) {
      // The quoted field goes on: its line break is part of the value.
      field += text.slice(chunk) + '\n'
    } else {
      fields.push(state === AFTER_QUOTE ? field : text.slice(chunk))
      state = FIELD_START
      endRecord()
    }
  }

  for await (const bytes of blocks) {
    for (const text of linesOf(bytes)) {
      if (slicer.due()) await slicer.pause()
      scanLine(text)
    }
  }
  if (state === QUOTED) {
    fail(recordLine, 'a quoted field is not closed: a closing quote is missing')
    endRecord()
  }
  return records
}

/** The lines of a block (ending in LF or CRLF), each as {@link lineText} gives it. */
function * linesOf (bytes: Buffer): Generator<string | undefined> {
  for (let start = 0; start < bytes.length;) {
    const newline = bytes.indexOf(LF, start)
    const end = newline < 0 ? bytes.length : newline
    yield lineText(bytes, start, end > start && bytes[end - 1] === CR ? end - 1 : end)
    start = end + 1
  }
}

/** A line's text, or undefined when it is longer than {@link MAX_LINE_LENGTH} UTF-16 code units. */
function lineText (bytes: Buffer, start: number, end: number): string | undefined {
  // A code unit takes at most 3 bytes in UTF-8: a longer line need not be decoded to be refused.
  if (end - start > MAX_LINE_LENGTH * 3) return undefined
  const text = bytes.toString('utf8', start, end)
  return text.length > MAX_LINE_LENGTH ? undefined : text
}

// RFC 4180 fixes the comma; a spreadsheet in a locale with a decimal comma
// writes semicolons. The header row says which: its first unquoted one.
function detectDelimiter (text: string): string {
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const char = text.charAt(i)
    if (char === '"') quoted = !quoted
    else if (!quoted && (char === ',' || char === ';')) return char
  }
  return ','
}
