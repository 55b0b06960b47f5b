import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { writeAccessLog } from '../../bench/access-log-fixture.js'
import { PLAIN_ROOMS, requestMix, spelled, wrkScript } from '../../bench/mix.js'
import { seeded } from '../../bench/random.js'
import { mixRooms, writeRoomMap } from '../../bench/room-map-fixture.js'

const GUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/
const dir = mkdtempSync(join(tmpdir(), 'pcwp-bench-test-'))

t.test('a seed gives the same numbers, GUIDs and picks every time', async t => {
  const draw = () => { const r = seeded(7); return [r.next(), r.below(10), r.pick(['a', 'b', 'c']), r.guid()] }
  t.same(draw(), draw())
  t.not(seeded(8).guid(), seeded(7).guid())
  const random = seeded(1)
  for (let i = 0; i < 200; i++) {
    const n = random.below(3)
    t.ok(n >= 0 && n < 3 && Number.isInteger(n), `below(3) gave ${String(n)}`)
    t.match(random.guid(), GUID)
  }
})

t.test('rooms are spelled in the four accepted forms in turn', async t => {
  const room = '61e092c7-89bb-4dc4-a3f5-8c23fa940fab'
  t.same([0, 1, 2, 3].map(n => spelled(room, n)), [
    '61E092C7-89BB-4DC4-A3F5-8C23FA940FAB',
    '61e092c7-89bb-4dc4-a3f5-8c23fa940fab',
    '{61E092C7-89BB-4DC4-A3F5-8C23FA940FAB}',
    'ma-chan%3A%2F%2Fcontoso.com%2F61E092C7-89BB-4DC4-A3F5-8C23FA940FAB'
  ])
})

t.test('the mix: forty requests, one in five a create link, every room asked', async t => {
  const mix = requestMix()
  t.equal(mix.length, 40)
  t.equal(mix.filter(({ path }) => path === '/rooms/new').length, 8)
  t.ok(mix.some(({ path }) => path.startsWith('/rooms?uri=')))
  for (const room of PLAIN_ROOMS) t.ok(mix.some(({ path }) => path.toUpperCase().includes(room)), room)
  const custom = requestMix(['AAAAAAAA-AAAA-AAAA-AAAA-AAAAAAAAAAAA'])
  t.ok(custom.filter(({ path }) => path !== '/rooms/new').every(({ path }) => path.toUpperCase().includes('AAAAAAAA-AAAA')))
})

t.test('the wrk script sends the mix with Lua-escaped strings and counts unexpected statuses', async t => {
  const script = wrkScript([{ path: '/rooms/"x"\\y', headers: { 'accept-language': 'en' } }], [302, 410])
  t.match(script, 'wrk.format("GET", "/rooms/\\"x\\"\\\\y", { ["accept-language"] = "en" })')
  t.match(script, 'local expected = { [302] = true, [410] = true }')
  t.match(script, 'io.write("Unexpected statuses: " .. n .. "\\n")')
})

t.test('the room map: header, a row per room in thirds moved, retired and kept, CSV-quoted where needed', async t => {
  const file = join(dir, 'map.csv')
  const sample = writeRoomMap(file, 300, 3)
  const text = readFileSync(file, 'utf8')
  t.equal(text, (writeRoomMap(join(dir, 'again.csv'), 300, 3), readFileSync(join(dir, 'again.csv'), 'utf8')), 'deterministic')
  const lines = text.trimEnd().split('\n')
  t.equal(lines[0], 'room,target,name,note')
  t.equal(lines.length, 301)
  const rows = lines.slice(1)
  t.equal(rows.filter(row => row.includes(',retired,')).length, 100)
  t.equal(rows.filter(row => row.includes(',pcwp,')).length, 100)
  t.equal(rows.filter(row => /^[^,]+,https:\/\//.test(row)).length, 100)
  t.ok(rows.some(row => row.includes('{id}')), 'some targets hold {id}')
  t.ok(rows.some(row => row.includes('""morning call""')), 'quotes doubled inside a quoted field')
  t.ok(rows.some(row => /[^ -~]/.test(row)), 'some text is not ASCII')
  for (const row of rows) t.match(row, /^[0-9A-F-]{36},/)
  t.equal(sample.moved.length, 4)
  t.ok(sample.moved.some(({ target }) => target.includes('{id}')) && sample.moved.some(({ target }) => !target.includes('{id}')))
  for (const { room, target } of sample.moved) t.ok(text.includes(`${room},${target},`), room)
  for (const room of sample.retired) t.ok(text.includes(`${room},retired,`), room)
  for (const room of sample.kept) t.ok(text.includes(`${room},pcwp,`), room)
  for (const room of sample.unlisted) t.notOk(text.includes(room), `${room} has no row`)
  const rooms = mixRooms(sample)
  t.equal(new Set(rooms).size, 12)
  t.same(rooms.slice(0, 3), [sample.moved[0]?.room, sample.retired[0], sample.kept[0]])
})

t.test('the access log: JSON lines, access lines in the schema, a fixed set of rooms, other lines mixed in', async t => {
  const file = join(dir, 'access.log')
  writeAccessLog(file, { lines: 10_050, rooms: 50, seed: 4 })
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n').map(line => JSON.parse(line) as Record<string, unknown>)
  t.equal(lines.length, 10_050)
  const access = lines.filter(line => line.msg === 'request completed' && typeof line.outcome === 'string')
  t.ok(lines.length - access.length >= 100, 'other lines mixed in')
  for (const line of access.slice(0, 500)) {
    t.match(line, { level: 30, time: Number, reqId: /^req-/, method: 'GET', url: /^\//, status: Number, ms: Number, kind: /^(room|create|legacy)$/, zone: /^(internal|external)$/, lang: String, client: String })
  }
  const rooms = new Set(access.map(line => line.room).filter(room => room !== undefined))
  t.ok(rooms.size <= 50 && rooms.size > 40, `${String(rooms.size)} rooms`)
  t.same(new Set(access.map(line => line.outcome)), new Set(['pcwp', 'moved', 'retired']))
  t.ok(access.filter(line => line.outcome === 'retired').every(line => line.status === 410 && line.code === 'PCWP_ROOM_RETIRED'))
  t.ok(access.some(line => line.kind === 'create' && line.room === undefined))
})
