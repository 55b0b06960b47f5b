// The room map of the room-map scenario: rows in thirds moved (https targets,
// some with {id}), retired and kept on MS-OCGCWEB (`pcwp`), each with a name and
// a note of realistic length, some not ASCII, some needing CSV quotes. No `*`
// row, so rooms without a row stay on MS-OCGCWEB.
import { writeFileSync } from 'node:fs'
import { seeded } from './random.ts'

export interface MovedRoom { readonly room: string, readonly target: string }

export interface RoomMapSample {
  /** Rooms the map moves, with their target as written in the map. */
  readonly moved: readonly MovedRoom[]
  /** Rooms the map retires. */
  readonly retired: readonly string[]
  /** Rooms the map lists as `pcwp`. */
  readonly kept: readonly string[]
  /** Rooms without a row. */
  readonly unlisted: readonly string[]
}

const TEAMS = [
  'Trading', 'Fixed Income', 'Compliance', 'Treasury', 'Equity Research', 'Risk', 'Operations', 'FX Desk', 'Legal',
  'IT Service Desk'
]
const PLACES = [
  'London', 'New York', 'Frankfurt', 'Zürich', 'São Paulo', 'Tokyo', 'Singapore', 'Hong Kong', 'Paris', 'Oslo'
]
const NAMES = [
  (team: string, place: string, n: number) => `${team} — ${place} ${String(n)}`,
  (_team: string, place: string) => `Équipe trading — ${place}`,
  (_team: string, _place: string, n: number) => `東京チーム ${String(n)}`,
  (team: string, place: string) => `${team} (${place}), "morning call"`,
  (team: string, _place: string, n: number) => `Desk ${String(n)}; ${team}`
]
const NOTES = [
  'Moved to Teams on the weekend of the migration; ask the service desk if you cannot see the new channel.',
  'Retired: the desk was merged, see the "Markets, daily" room for the history.',
  'Archiv liegt bei der Compliance-Abteilung, Anfragen bitte über das Ticketsystem.',
  'アーカイブはコンプライアンス部門が保管しています。',
  'Kept on Persistent Chat until the regulators sign off the new recording.'
]
const TARGETS = [
  'https://teams.microsoft.com/l/channel/19%3A{id}%40thread.tacv2/General?tenantId=3f2a8c1e-0b6d-4f7a-9c2e-5d8b1a7e4c90',
  'https://chat.contoso.net/rooms/{id}',
  'https://wiki.contoso.com/display/MIG/Room+moved?lang={lang}'
]

function csvField (text: string): string {
  return /[",;\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/**
 * Writes a map of `rows` rows to `file` (CSV, the header `room,target,name,note`)
 * and returns a few rooms of each kind for the request mix.
 */
export function writeRoomMap (file: string, rows: number, seed: number): RoomMapSample {
  const random = seeded(seed)
  const lines = ['room,target,name,note']
  const moved: MovedRoom[] = []
  const retired: string[] = []
  const kept: string[] = []
  for (let i = 0; i < rows; i++) {
    const room = random.guid()
    const kind = i % 3
    // Targets of realistic variety: many with {id}, some fixed per room.
    const target = kind === 0
      ? i % 6 === 0 ? random.pick(TARGETS) : `https://teams.microsoft.com/l/team/19%3A${room.toLowerCase()}%40thread.tacv2/conversations`
      : kind === 1 ? 'retired' : 'pcwp'
    const name = random.pick(NAMES)(random.pick(TEAMS), random.pick(PLACES), random.below(100))
    lines.push([room, target, name, random.pick(NOTES)].map(csvField).join(','))
    if (kind === 0 && moved.length < 4 && (i % 6 === 0) === (moved.length % 2 === 0)) moved.push({ room, target })
    else if (kind === 1 && retired.length < 4) retired.push(room)
    else if (kind === 2 && kept.length < 2) kept.push(room)
  }
  writeFileSync(file, lines.join('\n') + '\n')
  const unlisted = Array.from({ length: 2 }, () => random.guid())
  return { moved, retired, kept, unlisted }
}

/** The rooms of the room-map request mix: moved, retired, kept and unlisted, interleaved. */
export function mixRooms (sample: RoomMapSample): string[] {
  const kinds = [sample.moved.map(({ room }) => room), sample.retired, [...sample.kept, ...sample.unlisted]]
  return Array.from({ length: 12 }, (_, i) => kinds[i % 3]?.[Math.floor(i / 3)] as string)
}
