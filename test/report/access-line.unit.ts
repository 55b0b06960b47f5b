// src/report/access-line.ts: which lines are access lines, and what the report takes from them.
import t from 'tap'
import { parseAccessLine } from '../../src/report/access-line.ts'
import { hostileLines, SKIP_WITHOUT_CORPUS } from '../fixtures/hostile-corpus.ts'
import { accessLine, ROOM_A, T0 } from './fixtures/lines.ts'

t.test('a room-link line gives its time, kind, status, outcome, zone and room', async t => {
  t.same(parseAccessLine(accessLine({ outcome: 'moved', zone: 'external', room: ROOM_A, client: '10.1.2.3' })),
    { time: T0, kind: 'room', status: 302, outcome: 'moved', zone: 'external', room: ROOM_A })
  t.same(parseAccessLine(accessLine({ kind: 'create', outcome: 'pcwp', zone: 'internal' })),
    { time: T0, kind: 'create', status: 302, outcome: 'pcwp', zone: 'internal' })
  t.same(parseAccessLine(accessLine({
    kind: 'legacy', status: 410, outcome: 'retired', room: ROOM_A, code: 'PCWP_ROOM_RETIRED'
  })), { time: T0, kind: 'legacy', status: 410, outcome: 'retired', room: ROOM_A })
})

t.test('the client address is never part of what is read', async t => {
  const line = parseAccessLine(accessLine({ outcome: 'pcwp', zone: 'internal', room: ROOM_A, client: '10.1.2.3' }))
  t.ok(line)
  t.notOk(Object.keys(line ?? {}).includes('client'))
  t.notMatch(JSON.stringify(line), /10\.1\.2\.3/)
})

t.test('other access lines keep only time, kind and status', async t => {
  t.same(parseAccessLine(accessLine({ kind: 'not_found', status: 404, code: 'NOT_FOUND' })),
    { time: T0, kind: 'not_found', status: 404 })
  t.same(parseAccessLine(accessLine({ kind: 'links', status: 200, outcome: 'pcwp', room: ROOM_A })),
    { time: T0, kind: 'links', status: 200 }, 'an outcome on another kind is ignored')
  t.same(parseAccessLine(accessLine({ outcome: 'elsewhere', room: ROOM_A })),
    { time: T0, kind: 'room', status: 302 }, 'an unknown outcome is none')
})

t.test('room and zone are kept only when valid; a room in another spelling becomes canonical', async t => {
  t.same(parseAccessLine(accessLine({ outcome: 'pcwp', zone: 'dmz', room: `{${ROOM_A.toLowerCase()}}` })),
    { time: T0, kind: 'room', status: 302, outcome: 'pcwp', room: ROOM_A })
  t.same(parseAccessLine(accessLine({ outcome: 'pcwp', zone: 7, room: '<script>alert(1)</script>' })),
    { time: T0, kind: 'room', status: 302, outcome: 'pcwp' })
  t.same(parseAccessLine(accessLine({ outcome: 'pcwp', room: 42 })),
    { time: T0, kind: 'room', status: 302, outcome: 'pcwp' })
})

t.test('lines that are not access lines give undefined', async t => {
  const lines = [
    '', ' ', 'plain text', '2026-03-01 GET /rooms/x 302', '[1,2,3]', 'null',
    '{', '{"kind":"room","status":302,"time":1', '{"kind":"room","status":302}',
    ' {"level":30,"time":1,"kind":"room","status":302}',
    JSON.stringify({ level: 30, time: T0, msg: 'server listening' }),
    JSON.stringify({ time: T0, status: 302 }),
    JSON.stringify({ time: T0, kind: 'room' }),
    JSON.stringify({ time: String(T0), kind: 'room', status: 302 }),
    JSON.stringify({ time: T0, kind: 3, status: 302 }),
    JSON.stringify({ time: T0, kind: 'room', status: '302' }),
    JSON.stringify({ time: T0, kind: 'room', status: 302.5 }),
    JSON.stringify({ time: T0, kind: 'room', status: 99 }),
    JSON.stringify({ time: T0, kind: 'room', status: 600 }),
    JSON.stringify({ time: 8.7e15, kind: 'room', status: 302 }),
    '{"time":1e999,"kind":"room","status":302}',
    JSON.stringify({ nested: { time: T0, kind: 'room', status: 302 } }),
    '{"time":1,"kind":"room","status":302}'.replace('{', '["x",').replace(/}$/, ']')
  ]
  for (const line of lines) t.equal(parseAccessLine(line), undefined, line)
  t.same(parseAccessLine(JSON.stringify({ time: -1, kind: 'other', status: 500 })),
    { time: -1, kind: 'other', status: 500 }, 'the bounds are what a date holds')
})

t.test('hostile lines and fields never throw and never become a room', { skip: SKIP_WITHOUT_CORPUS }, async t => {
  const payloads = hostileLines()
  const accepted: string[] = []
  const rooms: string[] = []
  for (const payload of payloads) {
    if (parseAccessLine(payload) !== undefined) accepted.push(payload)
    for (const field of ['room', 'zone', 'outcome', 'kind', 'client', 'url', '__proto__']) {
      const line = parseAccessLine(accessLine({ outcome: 'pcwp', room: ROOM_A, [field]: payload }))
      if (line?.room !== undefined && line.room !== ROOM_A) rooms.push(line.room)
    }
  }
  t.ok(payloads.length > 1000, `${payloads.length} payloads`)
  t.same(accepted, [], 'no payload is an access line')
  t.same(rooms, [], 'no room but a canonical GUID')
})
