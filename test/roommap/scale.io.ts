// 200,000 rows (docs/design.md "Room map": under 2 s) and the shipped example map.
import { readFileSync } from 'node:fs'
import t from 'tap'
import { fillTarget, parseRoomMap, PROTOCOL_ENTRY } from '../../src/roommap/index.ts'

t.test('a 200,000-row CSV map loads', async t => {
  const rows = ['room,target,name,note']
  const guid = (i: number): string => `61E092C7-89BB-4DC4-A3F5-${i.toString(16).toUpperCase().padStart(12, '0')}`
  for (let i = 0; i < 200_000; i++) {
    const target = i % 10 === 0 ? 'retired' : i % 10 === 1 ? 'pcwp' : `https://teams.example.com/l/room/${i}?lang={lang}`
    rows.push(`${guid(i)},${target},"Room ""${i}""",note ${i}`)
  }
  const text = rows.join('\r\n')
  const started = performance.now()
  const map = await parseRoomMap(text, 'csv', { allowHttp: false })
  t.comment(`200,000 rows parsed and validated in ${(performance.now() - started).toFixed(0)} ms`)
  t.equal(map.size, 200_000)
  t.same(map.summary(), {
    entries: 200_000,
    moved: 160_000,
    retired: 20_000,
    pcwp: 20_000,
    movedByHost: [{ host: 'teams.example.com', count: 160_000 }],
    otherRooms: 'pcwp',
    newRooms: 'pcwp'
  })
  const last = map.lookup(guid(199_999))
  t.equal(last.kind === 'moved' ? fillTarget(last.target, guid(199_999), 'de-DE') : last.kind, 'https://teams.example.com/l/room/199999?lang=de-DE')
  t.same(map.lookup(guid(10)), { kind: 'retired', name: 'Room "10"', note: 'note 10' })
  t.equal(map.lookup(guid(11)), PROTOCOL_ENTRY)
})

t.test('the example map parses', async t => {
  const text = readFileSync(new URL('../../deploy/room-map.example.csv', import.meta.url), 'utf8')
  const map = await parseRoomMap(text, 'csv', { allowHttp: false })
  t.equal(map.size, 5)
  t.same(map.summary(), {
    entries: 5,
    moved: 3,
    retired: 1,
    pcwp: 1,
    movedByHost: [{ host: 'teams.example.com', count: 2 }, { host: 'chat-archive.example.com', count: 1 }],
    otherRooms: 'pcwp',
    newRooms: 'pcwp'
  })
  const room = '0B5C1A77-2D3E-4F60-8A9B-C0D1E2F3A4B5'
  const archived = map.lookup(room)
  const filled = archived.kind === 'moved' ? fillTarget(archived.target, room, 'de-DE') : archived.kind
  t.equal(filled, `https://chat-archive.example.com/rooms/${room}?lang=de-DE`)
  t.same(map.lookup('9D8E7F60-5A4B-4C3D-9E2F-1A0B9C8D7E6F'), {
    kind: 'retired', name: 'Old Intranet Chat', note: 'Closed in 2025, see the intranet news, "Chat changes"'
  })
  t.match(map.lookup('3F2504E0-4F89-11D3-9A0C-0305E82C3301'), { kind: 'moved' })
  t.equal(map.lookup('A1B2C3D4-E5F6-4789-ABCD-EF0123456789'), PROTOCOL_ENTRY)
  t.equal(map.forNew(), PROTOCOL_ENTRY)
})
