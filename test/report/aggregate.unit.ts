// src/report/aggregate.ts: clicks by outcome, rooms still on MS-OCGCWEB, moved and retired rooms, line counts.
import t from 'tap'
import { createReport } from '../../src/report/aggregate.ts'
import { accessLine, click, ROOM_A, ROOM_B, ROOM_C, T0 } from './fixtures/lines.ts'

const MINUTE = 60_000
const iso = (time: number): string => new Date(time).toISOString()

t.test('an empty report', async t => {
  t.same(createReport().result(), {
    lines: { read: 0, skipped: 0, outsideRange: 0 },
    clicks: { pcwp: 0, moved: 0, retired: 0, total: 0 },
    pcwpRooms: [],
    movedRooms: [],
    retiredRooms: []
  })
})

t.test('clicks by outcome; rooms most clicked first with first and last seen and zone shares', async t => {
  const report = createReport()
  const lines = [
    click(ROOM_B, T0 + 5 * MINUTE),
    click(ROOM_A, T0 + 3 * MINUTE, { zone: 'external' }),
    click(ROOM_A, T0 + 1 * MINUTE),
    click(ROOM_A, T0 + 9 * MINUTE, { zone: 'external' }),
    click(ROOM_A, T0 + 2 * MINUTE, { zone: undefined }),
    click(undefined, T0),
    click(ROOM_C, T0 + 4 * MINUTE, { outcome: 'moved' }),
    click(ROOM_C, T0 + 6 * MINUTE, { outcome: 'moved', kind: 'legacy' }),
    click(ROOM_B, T0 + 7 * MINUTE, { outcome: 'retired', status: 410 }),
    click(ROOM_A, T0 + 8 * MINUTE, { outcome: 'moved' }),
    accessLine({ kind: 'not_found', status: 404, time: T0 }),
    'not an access line',
    '{"level":30,"time":1,"msg":"server listening"}'
  ]
  for (const line of lines) report.add(line)
  const result = report.result()
  t.same(result.lines, { read: 13, skipped: 2, outsideRange: 0 })
  t.same(result.clicks, { pcwp: 6, moved: 3, retired: 1, total: 10 }, 'a create link counts, though it names no room')
  t.same(result.pcwpRooms, [
    {
      room: ROOM_A,
      clicks: 4,
      firstSeen: iso(T0 + MINUTE),
      lastSeen: iso(T0 + 9 * MINUTE),
      internalShare: 0.25,
      externalShare: 0.5
    },
    {
      room: ROOM_B,
      clicks: 1,
      firstSeen: iso(T0 + 5 * MINUTE),
      lastSeen: iso(T0 + 5 * MINUTE),
      internalShare: 1,
      externalShare: 0
    }
  ], 'first and last are the extremes, whatever the order of lines; a line without a zone counts in neither share')
  t.same(result.movedRooms, [
    { room: ROOM_C, clicks: 2, lastSeen: iso(T0 + 6 * MINUTE) },
    { room: ROOM_A, clicks: 1, lastSeen: iso(T0 + 8 * MINUTE) }
  ], 'a room moved during the period is in both tables')
  t.same(result.retiredRooms, [{ room: ROOM_B, clicks: 1, lastSeen: iso(T0 + 7 * MINUTE) }])
})

t.test('rooms with as many clicks are ordered by room', async t => {
  for (const order of [[ROOM_C, ROOM_A, ROOM_B], [ROOM_B, ROOM_A, ROOM_C], [ROOM_A, ROOM_C, ROOM_B]]) {
    const report = createReport()
    for (const room of order) report.add(click(room, T0))
    t.same(report.result().pcwpRooms.map(room => room.room), [ROOM_B, ROOM_A, ROOM_C])
  }
})

t.test('since is inclusive, until exclusive', async t => {
  const since = new Date(T0)
  const until = new Date(T0 + 10 * MINUTE)
  const report = createReport({ since, until })
  for (const time of [T0 - 1, T0, T0 + 10 * MINUTE - 1, T0 + 10 * MINUTE]) report.add(click(ROOM_A, time))
  report.add(accessLine({ kind: 'not_found', status: 404, time: T0 - 1 }))
  const result = report.result()
  t.equal(result.since, '2026-03-01T00:00:00.000Z')
  t.equal(result.until, '2026-03-01T00:10:00.000Z')
  t.same(result.clicks, { pcwp: 2, moved: 0, retired: 0, total: 2 })
  t.same(result.lines, { read: 5, skipped: 0, outsideRange: 3 })
  t.same(result.pcwpRooms.map(room => [room.firstSeen, room.lastSeen]), [[iso(T0), iso(T0 + 10 * MINUTE - 1)]])
  t.same(createReport({ until }).result().until, '2026-03-01T00:10:00.000Z', 'either end may be open')
  t.notOk('since' in createReport({ until }).result())
})

t.test('memory grows with distinct rooms, not lines', async t => {
  const report = createReport()
  for (let i = 0; i < 20_000; i++) report.add(click(ROOM_A, T0 + i))
  const result = report.result()
  t.equal(result.pcwpRooms.length, 1)
  t.equal(result.pcwpRooms[0]?.clicks, 20_000)
})
