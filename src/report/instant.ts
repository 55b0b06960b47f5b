import { ReportUsageError } from './errors.ts'

// ISO 8601 as people type it on a command line: a date, optionally a time
// (minutes, seconds, fractions) and an offset (Z, +02:00, +0200). Without an
// offset the time is UTC: a log's epoch times are, and a report run on
// machines in different zones should cover the same lines.
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/i

/** Parses `--since`/`--until`; throws a {@link ReportUsageError} naming the option. */
export function parseInstant (text: string, option: string): Date {
  const match = INSTANT.exec(text)
  const invalid = new ReportUsageError('REPORT_DATE_INVALID',
    `${option} needs an ISO 8601 date or time, for example 2026-03-01, 2026-03-01T08:00 (UTC) or 2026-03-01T08:00+01:00`)
  if (match === null) throw invalid
  const [year, month, day, hour, minute, second] = (match.slice(1, 7) as (string | undefined)[])
    .map(part => Number(part ?? '0')) as [number, number, number, number, number, number]
  const millisecond = Number((match[7] ?? '').padEnd(3, '0').slice(0, 3))
  const offset = offsetMinutes(match[8])
  const local = Date.UTC(year, month - 1, day, hour, minute, second, millisecond)
  const check = new Date(local)
  // Date.UTC rolls 2026-02-30 over to March: a value that does not come back unchanged did not exist.
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day ||
    hour > 23 || minute > 59 || second > 59 || Number.isNaN(offset)) throw invalid
  return new Date(local - offset * 60_000)
}

function offsetMinutes (text: string | undefined): number {
  if (text === undefined || text.toUpperCase() === 'Z') return 0
  const digits = text.slice(1).replace(':', '')
  const hours = Number(digits.slice(0, 2))
  const minutes = Number(digits.slice(2))
  if (hours > 23 || minutes > 59) return NaN
  return (text.startsWith('-') ? -1 : 1) * (hours * 60 + minutes)
}
