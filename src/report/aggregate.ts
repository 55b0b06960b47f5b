import { OUTCOMES, type Outcome } from '../room-outcomes.ts'
import { parseAccessLine } from './access-line.ts'

/** The time range a report covers: `since` inclusive, `until` exclusive; either may be open. */
export interface ReportRange {
  readonly since?: Date
  readonly until?: Date
}

/** A room still answered by the MS-OCGCWEB rules. */
export interface PcwpRoom {
  readonly room: string
  readonly clicks: number
  /** ISO 8601, UTC. */
  readonly firstSeen: string
  readonly lastSeen: string
  /** Shares of the clicks from each network zone, 0 to 1 (a line without a zone counts in neither). */
  readonly internalShare: number
  readonly externalShare: number
}

/** A moved or retired room that is still clicked. */
export interface MappedRoom {
  readonly room: string
  readonly clicks: number
  readonly lastSeen: string
}

export interface Report {
  readonly since?: string
  readonly until?: string
  /** Lines read; lines that are not access lines; access lines outside the range. */
  readonly lines: { readonly read: number, readonly skipped: number, readonly outsideRange: number }
  /** Room-link clicks in the range, by outcome. */
  readonly clicks: Readonly<Record<Outcome, number>> & { readonly total: number }
  /** Each list most clicked first (ties by room). */
  readonly pcwpRooms: PcwpRoom[]
  readonly movedRooms: MappedRoom[]
  readonly retiredRooms: MappedRoom[]
}

export interface ReportBuilder {
  /** Accounts for one line of the access log (without its line break). */
  add: (line: string) => void
  result: () => Report
}

interface RoomCount { clicks: number, first: number, last: number, internal: number, external: number }

/**
 * A migration report over access lines, built line by line. It keeps one
 * small record per distinct room and outcome and nothing per line, so its
 * memory grows with the rooms, not with the log.
 */
export function createReport (range: ReportRange = {}): ReportBuilder {
  const since = range.since?.getTime() ?? -Infinity
  const until = range.until?.getTime() ?? Infinity
  const lines = { read: 0, skipped: 0, outsideRange: 0 }
  const clicks: Record<Outcome, number> = { pcwp: 0, moved: 0, retired: 0 }
  const rooms: Record<Outcome, Map<string, RoomCount>> = { pcwp: new Map(), moved: new Map(), retired: new Map() }

  const add = (text: string): void => {
    lines.read++
    const line = parseAccessLine(text)
    if (line === undefined) {
      lines.skipped++
      return
    }
    if (line.time < since || line.time >= until) {
      lines.outsideRange++
      return
    }
    const { outcome, room, zone, time } = line
    if (outcome === undefined) return
    clicks[outcome]++
    if (room === undefined) return
    const known = rooms[outcome].get(room)
    const count = known ?? { clicks: 0, first: time, last: time, internal: 0, external: 0 }
    if (known === undefined) rooms[outcome].set(room, count)
    count.clicks++
    // Files may come in any order (rotated logs): first and last are the extremes, not the order read.
    if (time < count.first) count.first = time
    if (time > count.last) count.last = time
    if (zone !== undefined) count[zone]++
  }

  const result = (): Report => ({
    ...(range.since === undefined ? {} : { since: range.since.toISOString() }),
    ...(range.until === undefined ? {} : { until: range.until.toISOString() }),
    lines: { ...lines },
    clicks: { ...clicks, total: OUTCOMES.reduce((sum, outcome) => sum + clicks[outcome], 0) },
    pcwpRooms: mostClicked(rooms.pcwp).map(([room, count]) => ({
      room,
      clicks: count.clicks,
      firstSeen: new Date(count.first).toISOString(),
      lastSeen: new Date(count.last).toISOString(),
      internalShare: count.internal / count.clicks,
      externalShare: count.external / count.clicks
    })),
    movedRooms: mappedRooms(rooms.moved),
    retiredRooms: mappedRooms(rooms.retired)
  })

  return { add, result }
}

function mostClicked (rooms: ReadonlyMap<string, RoomCount>): [string, RoomCount][] {
  return [...rooms].sort(([roomA, a], [roomB, b]) => b.clicks - a.clicks || (roomA < roomB ? -1 : 1))
}

function mappedRooms (rooms: ReadonlyMap<string, RoomCount>): MappedRoom[] {
  return mostClicked(rooms).map(([room, count]) => ({
    room,
    clicks: count.clicks,
    lastSeen: new Date(count.last).toISOString()
  }))
}
