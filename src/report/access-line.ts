import { NETWORK_ZONES, parseRoomId, type NetworkZone } from '../pcwp/index.ts'
import { OUTCOMES, type Outcome } from '../room-outcomes.ts'

/** The access line's `kind` values that are room links (legacy links included). */
const ROOM_LINK_KINDS = new Set(['create', 'room', 'legacy'])

/**
 * What the report reads from one access line. The client address is not
 * among it: the report never reads the `client` field, so it cannot print it.
 */
export interface AccessLine {
  /** Epoch milliseconds. */
  readonly time: number
  readonly kind: string
  readonly status: number
  /** Present on room-link answers only. */
  readonly outcome?: Outcome
  readonly zone?: NetworkZone
  /** The canonical (uppercase) room GUID, when the line names one. */
  readonly room?: string
}

// The largest epoch milliseconds a Date holds (ECMA-262 21.4.1.1): beyond it there is no ISO form to print.
const MAX_TIME = 8.64e15

type Fields = Partial<Record<'time' | 'kind' | 'status' | 'outcome' | 'zone' | 'room', unknown>>

/**
 * One line of the service's JSON access log, or undefined when the line is
 * not one: not a JSON object, or without a numeric `time`, a string `kind`
 * and an HTTP `status`. Room-link fields are kept only on room-link kinds and
 * only with known values; a `room` that is not a room identifier is dropped
 * (never printed back), any accepted spelling becomes the canonical GUID.
 */
export function parseAccessLine (line: string): AccessLine | undefined {
  // Cheap tests first: most non-access lines (start-up messages, warnings,
  // other programs' output) fail them without a JSON parse.
  if (line.charCodeAt(0) !== 0x7b || !line.includes('"kind"') || !line.includes('"status"')) return undefined
  let fields: Fields
  try {
    // Text that begins with '{' and parses is a JSON object.
    fields = JSON.parse(line) as Fields
  } catch {
    return undefined
  }
  const { time, kind, status, outcome, zone, room } = fields
  if (typeof time !== 'number' || !(Math.abs(time) <= MAX_TIME) ||
    typeof kind !== 'string' || !isHttpStatus(status)) return undefined
  const access: { -readonly [K in keyof AccessLine]: AccessLine[K] } = { time, kind, status }
  if (!ROOM_LINK_KINDS.has(kind) || !OUTCOMES.includes(outcome as Outcome)) return access
  access.outcome = outcome as Outcome
  if (NETWORK_ZONES.includes(zone as NetworkZone)) access.zone = zone as NetworkZone
  const canonical = typeof room === 'string' ? roomOf(room) : undefined
  if (canonical !== undefined) access.room = canonical
  return access
}

function isHttpStatus (value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 100 && (value as number) <= 599
}

function roomOf (text: string): string | undefined {
  try {
    return parseRoomId(text)
  } catch {
    return undefined
  }
}
