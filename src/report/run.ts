import { createReadStream } from 'node:fs'
import { open } from 'node:fs/promises'
import { createInterface } from 'node:readline'
import { pipeline, type Readable } from 'node:stream'
import { parseArgs } from 'node:util'
import { createGunzip } from 'node:zlib'
import { EXIT_USAGE } from '../exit-codes.ts'
import { createReport, type ReportBuilder, type ReportRange } from './aggregate.ts'
import { ReportUsageError } from './errors.ts'
import { FORMATS, formatReport, type Format } from './format.ts'
import { parseInstant } from './instant.ts'

export interface ReportIo {
  readonly out: (text: string) => void
  readonly err: (text: string) => void
  readonly stdin: NodeJS.ReadableStream
}

export const REPORT_HELP = `Usage: pcwp-links report [options] [FILE ...]

Reads the service's JSON access lines from the files (plain, or gzip when the
name ends in .gz) or from standard input (no FILE, or -), and prints a
migration report: room-link clicks by outcome, the rooms still answered by
MS-OCGCWEB (most clicked first, with first and last click and the share from
each network zone), and the moved and retired rooms that are still clicked.
It never prints a client address.

Options:
  --since <time>    only lines at or after this ISO 8601 date or time
  --until <time>    only lines before this one (exclusive)
                    Without an offset (Z, +01:00) a time is UTC; a bare date is
                    its midnight UTC, e.g. --since 2026-03-01 --until 2026-04-01
  --format <name>   table (default), csv or json
  -h, --help        show this help
`

/** Runs `pcwp-links report`; resolves with the exit code (0, or 2 for a usage error or an unreadable file). */
export async function runReport (argv: readonly string[], io: ReportIo): Promise<number> {
  try {
    const { values, positionals } = parseOptions(argv)
    if (values.help === true) {
      io.out(REPORT_HELP)
      return 0
    }
    const format = parseFormat(values.format)
    const range = parseRange(values.since, values.until)
    const report = createReport(range)
    const files = positionals.length === 0 ? ['-'] : positionals
    // Every file is opened before any is read: an unreadable one stops the report before it prints half a result.
    const opened = await Promise.allSettled(files.map(async file => file === '-' ? undefined : openInput(file)))
    try {
      const inputs = opened.map(result => {
        if (result.status === 'rejected') throw result.reason
        return result.value ?? io.stdin
      })
      for (const [index, input] of inputs.entries()) {
        await readLines(input, files[index] === '-' ? 'standard input' : files[index] as string, report)
      }
    } finally {
      // A file left open when another fails is closed now, not by the garbage collector (an error since Node 26).
      for (const result of opened) if (result.status === 'fulfilled') result.value?.destroy()
    }
    io.out(formatReport(report.result(), format))
    return 0
  } catch (error) {
    if (!(error instanceof ReportUsageError)) throw error
    io.err(`pcwp-links report: ${error.message}\n\nRun pcwp-links report --help for the options.\n`)
    return EXIT_USAGE
  }
}

function parseOptions (argv: readonly string[]): {
  values: { since?: string, until?: string, format?: string, help?: boolean }
  positionals: string[]
} {
  try {
    return parseArgs({
      args: [...argv],
      options: {
        since: { type: 'string' },
        until: { type: 'string' },
        format: { type: 'string', default: 'table' },
        help: { type: 'boolean', short: 'h' }
      },
      strict: true,
      allowPositionals: true
    })
  } catch (error) {
    // parseArgs's message names the option; its first line is the whole of it.
    throw new ReportUsageError('REPORT_OPTION_INVALID', (error as Error).message.split('\n')[0] as string)
  }
}

function parseFormat (text: string | undefined): Format {
  if (FORMATS.includes(text as Format)) return text as Format
  throw new ReportUsageError('REPORT_FORMAT_INVALID', `--format must be one of ${FORMATS.join(', ')}`)
}

function parseRange (since: string | undefined, until: string | undefined): ReportRange {
  const range = {
    ...(since === undefined ? {} : { since: parseInstant(since, '--since') }),
    ...(until === undefined ? {} : { until: parseInstant(until, '--until') })
  }
  if (range.since !== undefined && range.until !== undefined && range.since >= range.until) {
    throw new ReportUsageError('REPORT_RANGE_EMPTY', '--until must be later than --since (--until is exclusive)')
  }
  return range
}

async function openInput (file: string): Promise<Readable> {
  let handle
  try {
    handle = await open(file, 'r')
    // A directory opens, but cannot be read: say so now rather than mid-report.
    if (!(await handle.stat()).isFile()) throw new Error('not a file')
  } catch (error) {
    await handle?.close()
    throw unreadable(file, error)
  }
  const stream = createReadStream('', { fd: handle, highWaterMark: 1 << 20 })
  // pipeline hands an error of either stream on to the gunzip stream, which the reader watches.
  return file.endsWith('.gz') ? pipeline(stream, createGunzip(), () => undefined) : stream
}

function unreadable (file: string, error: unknown): ReportUsageError {
  const { code, message } = error as NodeJS.ErrnoException
  const reason = code?.startsWith('Z_') === true
    ? 'not a valid gzip file (corrupt or cut short)'
    : message.split(',')[0] as string
  return new ReportUsageError('REPORT_FILE_UNREADABLE', `cannot read ${file}: ${reason}`)
}

async function readLines (input: NodeJS.ReadableStream, name: string, report: ReportBuilder): Promise<void> {
  const lines = createInterface({ input, crlfDelay: Infinity })
  // readline hands on the input's errors (a read error; a truncated or corrupt gzip file).
  const failed = new Promise<never>((_resolve, reject) => lines.once('error', error => {
    reject(unreadable(name, error))
  }))
  lines.on('line', report.add)
  await Promise.race([new Promise<void>(resolve => lines.once('close', resolve)), failed])
}
