import { pipeline } from 'node:stream/promises'
import { CsvError, parse, type CsvErrorCode } from 'csv-parse'
import { expectedError } from '../expected-error.ts'
import type { RoomMapProblem } from './errors.ts'
import { ROW_FIELDS, trimBlanks, type RawRow, type RowField } from './rows.ts'
import { Slicer } from './slices.ts'

/** A record longer than this, delimiters included, is refused: no map row needs more. */
const MAX_RECORD_LENGTH = 8192
// csv-parse measures the field it is reading in bytes, and a character takes at most 3 in UTF-8: a record
// this long is refused before it is read whole. Shorter records are measured in characters.
const MAX_RECORD_BYTES = MAX_RECORD_LENGTH * 3
const TOO_LONG = `the line is longer than ${MAX_RECORD_LENGTH} characters`
const NO_HEADER = 'no header row; the first line must name the columns, for example room,target,name,note'
const BLANK = /^[ \t]*$/
const BOM = Buffer.from('\uFEFF')
const QUOTE = 0x22
const COMMA = 0x2c
const SEMICOLON = 0x3b
const LF = 0x0a
const CR = 0x0d
const SPACE = 0x20
const TAB = 0x09

// csv-parse stops at the first error in the file's structure: it is reported after every problem of the rows before.
const STRUCTURE_PROBLEMS = new Map<CsvErrorCode, string>([
  ['INVALID_OPENING_QUOTE', 'a quote may only enclose a whole field (and be doubled inside it)'],
  ['CSV_INVALID_CLOSING_QUOTE', 'a closing quote must be followed by the delimiter or the end of the line'],
  ['CSV_QUOTE_NOT_CLOSED', 'a quoted field is not closed: a closing quote is missing'],
  ['CSV_MAX_RECORD_SIZE', TOO_LONG]
])

interface Header {
  readonly columns: Map<RowField, number>
  readonly width: number
}

/**
 * Reads a room map in CSV (RFC 4180) with csv-parse: a header row naming the
 * columns `room`, `target`, `name`, `note` in any case and order (others
 * ignored), then one record per row. The delimiter is the first unquoted `,`
 * or `;` of the header row. Lines end in LF or CRLF; quoted fields may hold
 * the delimiter, line breaks and doubled quotes; blank lines are skipped; a
 * leading byte order mark is dropped. Each good row is handed to `onRow` as
 * it is read, and every problem is collected: rows with one are left out.
 * Chunks (UTF-8, ending anywhere) are parsed as they come, the file is never
 * held whole, and the event loop turns between them once a slice is used up.
 */
export async function readCsvRows (
  chunks: AsyncIterable<Buffer>, onRow: (row: RawRow) => void, problems: RoomMapProblem[]
): Promise<void> {
  const iterator = chunks[Symbol.asyncIterator]()
  const head: Buffer[] = []
  let start: HeaderStart | undefined
  while (start === undefined) {
    const next = await iterator.next()
    if (next.done !== true) head.push(next.value)
    start = headerStart(Buffer.concat(head), next.done === true)
  }

  const reader = new RecordReader(start.line, onRow, problems)
  const parser = parse({
    bom: true,
    delimiter: start.delimiter,
    record_delimiter: ['\r\n', '\n'],
    // The header row is csv-parse's first record: the blank lines before it are not records.
    from_line: start.line,
    // Fields are counted by the reader, so that every row with a wrong count is reported, not only the first.
    relax_column_count: true,
    // csv-parse makes an error (a stack trace, a copy of the record) of every record whose field count differs
    // from the first's, relaxed or not: empty lines are left out before they become records.
    skip_empty_lines: true,
    max_record_size: MAX_RECORD_BYTES,
    // Records are read as csv-parse finds them, in file order: none is lost to an error later in its chunk.
    on_record: (fields, { lines, empty_lines: emptyLines }) => {
      reader.read(fields, lines, emptyLines)
      return null
    }
  })
  try {
    await pipeline(inSlices(head, iterator), parser)
    if (!reader.headerSeen) problems.push({ message: NO_HEADER })
  } catch (error) {
    const { code } = expectedError(error, CsvError)
    const message = STRUCTURE_PROBLEMS.get(code)
    // Any other error of csv-parse's is a fault of ours, not of the file.
    if (message === undefined) throw error
    // A quote's problem is its record's; a record too long is reported where it grew too long.
    const { lines, empty_lines: emptyLines } = parser.info
    problems.push({ line: code === 'CSV_MAX_RECORD_SIZE' ? reader.line(lines) : reader.firstLine(emptyLines), message })
  }
}

/** Reads records into rows, the header row first. */
class RecordReader {
  headerSeen = false
  // Where the last record read ends, and how many empty lines csv-parse had skipped then (none read yet: the
  // header row starts on the line after).
  private lastLine: number
  private emptyLines: number | undefined
  // csv-parse counts a carriage return inside a record as a line break (CRLF as two): those it counted so far.
  private extraLines = 0
  private header: Header | undefined
  private readonly onRow: (row: RawRow) => void
  private readonly problems: RoomMapProblem[]

  constructor (headerLine: number, onRow: (row: RawRow) => void, problems: RoomMapProblem[]) {
    this.lastLine = headerLine - 1
    this.onRow = onRow
    this.problems = problems
  }

  /** The line the next record starts on, given how many empty lines csv-parse has skipped so far. */
  firstLine (emptyLines: number): number {
    return this.lastLine + 1 + (this.emptyLines === undefined ? 0 : emptyLines - this.emptyLines)
  }

  /** A line number of csv-parse's as the file's, whose lines end in LF. */
  line (counted: number): number {
    return counted - this.extraLines
  }

  /** A record's fields, the line csv-parse says it ends on, and how many empty lines it has skipped so far. */
  read (fields: readonly string[], lastLine: number, emptyLines: number): void {
    const line = this.firstLine(emptyLines)
    if (this.line(lastLine) > line) this.extraLines += fields.join('').split('\r').length - 1
    this.lastLine = this.line(lastLine)
    this.emptyLines = emptyLines
    if (fields.length === 1 && BLANK.test(fields.join(''))) return
    const tooLong = fields.reduce((length, field) => length + field.length, fields.length - 1) > MAX_RECORD_LENGTH
    if (tooLong) this.problems.push({ line, message: TOO_LONG })
    if (!this.headerSeen) {
      this.headerSeen = true
      const columns = tooLong ? undefined : headerColumns(fields, line, this.problems)
      if (columns !== undefined) this.header = { columns, width: fields.length }
      return
    }
    // Without the columns, records are still read for their own problems.
    if (tooLong || this.header === undefined) return
    const { columns, width } = this.header
    if (fields.length !== width) {
      const found = `found ${fields.length}; quote a value that contains the delimiter`
      this.problems.push({ line, message: `expected ${width} fields as in the header row, ${found}` })
    } else {
      const value = (name: RowField): string | undefined => field(fields, columns, name)
      const where = { line }
      this.onRow({ where, room: value('room'), target: value('target'), name: value('name'), note: value('note') })
    }
  }
}

function field (fields: readonly string[], columns: Map<RowField, number>, name: RowField): string | undefined {
  const at = columns.get(name)
  return at === undefined ? undefined : fields[at]
}

function headerColumns (
  fields: readonly string[], line: number, problems: RoomMapProblem[]
): Map<RowField, number> | undefined {
  const columns = new Map<RowField, number>()
  const known: readonly string[] = ROW_FIELDS
  fields.forEach((raw, at) => {
    const name = trimBlanks(raw).toLowerCase()
    if (!known.includes(name)) return
    if (columns.has(name as RowField)) problems.push({ line, message: `the header row names the column ${name} twice` })
    else columns.set(name as RowField, at)
  })
  const missing = ['room', 'target'].filter(name => !columns.has(name as RowField))
  if (missing.length > 0) {
    const names = `room and target (missing: ${missing.join(', ')})`
    problems.push({ line, message: `the header row must name the columns ${names}, separated by , or ;` })
  }
  return problems.length > 0 ? undefined : columns
}

/** The line the header row starts on, and its delimiter. */
interface HeaderStart {
  readonly line: number
  readonly delimiter: string
}

// RFC 4180 fixes the comma; a spreadsheet in a locale with a decimal comma
// writes semicolons. The header row (the first line not blank) says which:
// its first unquoted one, or `,` when its first line has none. Undefined
// while the bytes so far cannot tell; a header row longer than a record may
// be is not read to its end.
function headerStart (bytes: Buffer, end: boolean): HeaderStart | undefined {
  let quoted = false
  let blank = true
  let line = 1
  for (let at = bytes.subarray(0, BOM.length).equals(BOM) ? BOM.length : 0; at < bytes.length; at++) {
    const byte = bytes[at]
    if (byte === QUOTE) quoted = !quoted
    else if (quoted) continue
    else if (byte === COMMA || byte === SEMICOLON) return { line, delimiter: String.fromCharCode(byte) }
    else if (byte === LF) {
      if (!blank) return { line, delimiter: ',' }
      line++
      continue
    }
    if (byte !== SPACE && byte !== TAB && byte !== CR) blank = false
  }
  return end || bytes.length > MAX_RECORD_BYTES ? { line, delimiter: ',' } : undefined
}

/** The chunks read ahead, then the rest, with a turn of the event loop whenever a slice is used up. */
async function * inSlices (head: readonly Buffer[], rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  // csv-parse reads a chunk, its rows included, in one go: the clock is read after each.
  const slicer = new Slicer(1)
  yield * head
  for await (const chunk of { [Symbol.asyncIterator]: () => rest }) {
    yield chunk
    if (slicer.due()) await slicer.pause()
  }
}
