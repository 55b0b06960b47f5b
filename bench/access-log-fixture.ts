// The access log the report is timed on: the service's access lines (pino's
// JSON, one per answered request) over a month, for a fixed set of rooms, with
// the other lines a service writes mixed in (probes, start-up, warnings,
// rejections). A room's outcome is fixed; popular rooms are asked far more
// often than the rest, as links in mail and wikis are.
import { closeSync, openSync, writeSync } from 'node:fs'
import { seeded } from './random.ts'

export interface AccessLogOptions {
  /** Lines in all. */
  readonly lines: number
  /** Distinct rooms named by room links. */
  readonly rooms: number
  readonly seed: number
}

const START = Date.UTC(2026, 9, 1)
const MONTH_MS = 30 * 24 * 3600 * 1000
const LANGS = ['en-US', 'de-DE', 'fr-FR', 'ja-JP', 'zh-HK', 'pt-BR', 'nb-NO', 'es-ES']
const HOSTNAME = 'pcwp-links-7d9f8b6c4-x2k9q'
const OTHER_LINES = [
  (time: number) => `{"level":20,"time":${String(time)},"pid":1,"hostname":"${HOSTNAME}","reqId":"req-probe","method":"GET","url":"/readyz","status":200,"ms":0.08,"kind":"health","msg":"probe"}`,
  (time: number) => `{"level":30,"time":${String(time)},"pid":1,"hostname":"${HOSTNAME}","msg":"Server listening at http://0.0.0.0:8080"}`,
  (time: number) => `{"level":40,"time":${String(time)},"pid":1,"hostname":"${HOSTNAME}","err":{"type":"ServerInfoFetchError","code":"PCWP_SERVERINFO_TIMEOUT","message":"getserverinfo did not answer within 2000 ms"},"msg":"getserverinfo refresh failed; keeping the last good override"}`,
  (time: number) => `{"level":30,"time":${String(time)},"pid":1,"hostname":"${HOSTNAME}","reqId":"req-x","method":"GET","url":"/rooms/not-a-room","status":400,"ms":0.11,"kind":"room","code":"PCWP_ROOM_ID_INVALID","msg":"request completed"}`,
  (time: number) => `{"level":30,"time":${String(time)},"pid":1,"hostname":"${HOSTNAME}","reqId":"req-y","method":"GET","url":"/favicon.ico","status":404,"ms":0.05,"kind":"not_found","code":"NOT_FOUND","msg":"request completed"}`
]

/** A room's outcome: six in ten stay on MS-OCGCWEB, three move, one is retired. */
function outcomeOf (room: number): 'pcwp' | 'moved' | 'retired' {
  const tenth = room % 10
  return tenth < 6 ? 'pcwp' : tenth < 9 ? 'moved' : 'retired'
}

/** Writes the log to `file`, about 330 bytes a line. */
export function writeAccessLog (file: string, { lines, rooms, seed }: AccessLogOptions): void {
  const random = seeded(seed)
  const guids = Array.from({ length: rooms }, () => random.guid())
  const fd = openSync(file, 'w')
  let chunk: string[] = []
  for (let n = 0; n < lines; n++) {
    const time = START + Math.floor(n * MONTH_MS / lines)
    if (n % 97 === 0) {
      chunk.push(random.pick(OTHER_LINES)(time))
    } else {
      // Popularity: the square of a uniform number favours the first rooms.
      const room = Math.floor(random.next() ** 2 * rooms)
      const guid = guids[room] as string
      const outcome = outcomeOf(room)
      const create = n % 11 === 0
      const kind = create ? 'create' : n % 13 === 0 ? 'legacy' : 'room'
      const url = create ? '/rooms/new' : kind === 'legacy' ? `/PersistentChat/RM/?id=${guid}` : `/rooms/${guid}`
      const status = !create && outcome === 'retired' ? 410 : 302
      const internal = random.next() < 0.7
      const client = internal ? `10.${String(random.below(256))}.${String(random.below(256))}.${String(random.below(254) + 1)}` : `203.0.113.${String(random.below(254) + 1)}`
      const ms = (0.05 + random.next() * 0.4).toFixed(2)
      const roomFields = create ? '' : `,"room":"${guid.toLowerCase()}"`
      const code = status === 410 ? ',"code":"PCWP_ROOM_RETIRED"' : ''
      chunk.push(`{"level":30,"time":${String(time)},"pid":1,"hostname":"${HOSTNAME}","reqId":"req-${n.toString(36)}","method":"GET","url":"${url}","status":${String(status)},"ms":${ms},"kind":"${kind}","zone":"${internal ? 'internal' : 'external'}","lang":"${random.pick(LANGS)}","outcome":"${create ? 'pcwp' : outcome}"${roomFields},"client":"${client}"${code},"msg":"request completed"}`)
    }
    if (chunk.length === 10_000) {
      writeSync(fd, chunk.join('\n') + '\n')
      chunk = []
    }
  }
  if (chunk.length > 0) writeSync(fd, chunk.join('\n') + '\n')
  closeSync(fd)
}
