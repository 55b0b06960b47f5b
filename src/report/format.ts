import { OUTCOMES } from '../room-outcomes.ts'
import type { MappedRoom, PcwpRoom, Report } from './aggregate.ts'

export const FORMATS = ['table', 'csv', 'json'] as const
export type Format = typeof FORMATS[number]

/** The report as text in one of the formats; every format ends with a line break. */
export function formatReport (report: Report, format: Format): string {
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`
  return format === 'csv' ? formatCsv(report) : formatTable(report)
}

const percent = (share: number): string => `${(share * 100).toFixed(1)} %`

function rangeText (report: Report): string {
  return `${report.since ?? 'the first line'} to ${report.until === undefined ? 'the last line' : `${report.until} (exclusive)`}`
}

function formatTable (report: Report): string {
  const sections = [
    `Room-link clicks from ${rangeText(report)}\n\n${table(['outcome', 'clicks'], [...OUTCOMES.map(outcome => [outcome, String(report.clicks[outcome])]), ['total', String(report.clicks.total)]])}`,
    `Rooms still answered by MS-OCGCWEB: ${report.pcwpRooms.length}\n\n${table(
      ['room', 'clicks', 'first seen', 'last seen', 'internal', 'external'],
      report.pcwpRooms.map(room => [
        room.room, String(room.clicks), room.firstSeen, room.lastSeen,
        percent(room.internalShare), percent(room.externalShare)
      ])
    )}`,
    `Moved rooms still clicked: ${report.movedRooms.length}\n\n${mappedTable(report.movedRooms)}`,
    `Retired rooms still clicked: ${report.retiredRooms.length}\n\n${mappedTable(report.retiredRooms)}`,
    `Lines read: ${report.lines.read}; not access lines (skipped): ${report.lines.skipped}; outside the time range: ${report.lines.outsideRange}\n`
  ]
  return sections.join('\n')
}

function mappedTable (rooms: readonly MappedRoom[]): string {
  return table(['room', 'clicks', 'last seen'], rooms.map(room => [room.room, String(room.clicks), room.lastSeen]))
}

/** Columns padded to their widest cell; numbers and shares (every column but the first) right-aligned. */
function table (header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) => Math.max(
    title.length,
    ...rows.map(row => (row[column] as string).length)
  ))
  const line = (cells: readonly string[]): string => cells
    .map((cell, column) => column === 0
      ? cell.padEnd(widths[column] as number)
      : cell.padStart(widths[column] as number))
    .join('  ')
    .trimEnd()
  return [header, ...rows].map(line).join('\n') + '\n'
}

const CSV_HEADER = ['section', 'key', 'clicks', 'first_seen', 'last_seen', 'internal_share', 'external_share']

/**
 * One RFC 4180 table (CRLF line ends) for every section, told apart by the
 * first column: `clicks` (key: an outcome or total), `pcwp`, `moved` and
 * `retired` (key: the room), `lines` (key: read, skipped, outside_range).
 */
function formatCsv (report: Report): string {
  const rows: (string | number)[][] = [
    CSV_HEADER,
    ...OUTCOMES.map(outcome => ['clicks', outcome, report.clicks[outcome]]),
    ['clicks', 'total', report.clicks.total],
    ...report.pcwpRooms.map((room: PcwpRoom) => [
      'pcwp', room.room, room.clicks, room.firstSeen, room.lastSeen, room.internalShare, room.externalShare
    ]),
    ...report.movedRooms.map(room => ['moved', room.room, room.clicks, '', room.lastSeen]),
    ...report.retiredRooms.map(room => ['retired', room.room, room.clicks, '', room.lastSeen]),
    ['lines', 'read', report.lines.read],
    ['lines', 'skipped', report.lines.skipped],
    ['lines', 'outside_range', report.lines.outsideRange]
  ]
  return rows.map(row => csvRecord([...row, ...Array<string>(CSV_HEADER.length - row.length).fill('')])).join('')
}

/**
 * One CSV record with its CRLF: a field holding a quote, comma or line break is quoted, its quotes doubled
 * (RFC 4180 2.6, 2.7).
 */
export function csvRecord (fields: readonly (string | number)[]): string {
  return fields.map(field => {
    const text = String(field)
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
  }).join(',') + '\r\n'
}
