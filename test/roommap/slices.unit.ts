// A large map is read in slices: the event loop turns while it is parsed (a reload does not hold up requests).
import t from 'tap'
import { parseRoomMap, type RoomMap } from '../../src/roommap/index.ts'

// Enough rows that parsing them takes many slices of src/roommap/slices.ts.
const ROWS = 20_000
const guid = (i: number): string => `61E092C7-89BB-4DC4-A3F5-${i.toString(16).toUpperCase().padStart(12, '0')}`
const target = (i: number): string => i % 2 === 0 ? 'retired' : `https://teams.example.com/l/${i}?lang={lang}`

/** Counts the turns of the event loop (setImmediate callbacks) until the parse settles; its map, or what it threw. */
async function turnsWhileParsing (parsing: Promise<RoomMap>): Promise<{ turns: number, outcome: unknown }> {
  let turns = 0
  let settled = false
  const turn = (): void => {
    if (settled) return
    turns++
    setImmediate(turn)
  }
  setImmediate(turn)
  const outcome = await parsing.catch((error: unknown) => error)
  settled = true
  return { turns, outcome }
}

t.test('a large CSV map: the event loop turns while it is parsed', async t => {
  const rows = Array.from({ length: ROWS }, (_, i) => `${guid(i)},${target(i)},Room ${i}`)
  const text = ['room,target,name', ...rows].join('\n')
  const { turns, outcome } = await turnsWhileParsing(parseRoomMap(text, 'csv', { allowHttp: false }))
  t.ok(turns > 1, `the event loop turned ${turns} times`)
  const map = outcome as RoomMap
  t.equal(map.size, ROWS)
  t.same(map.lookup(guid(ROWS - 2)), { kind: 'retired', name: `Room ${ROWS - 2}` })
})

t.test('a large JSON map: the event loop turns while its rows are validated', async t => {
  const text = JSON.stringify(Array.from({ length: ROWS }, (_, i) => ({ room: guid(i), target: target(i) })))
  const { turns, outcome } = await turnsWhileParsing(parseRoomMap(text, 'json', { allowHttp: false }))
  t.ok(turns > 1, `the event loop turned ${turns} times`)
  t.equal((outcome as RoomMap).size, ROWS)
})

t.test('a large map with a problem near its end is refused whole, after the event loop turned', async t => {
  const rows = Array.from({ length: ROWS }, (_, i) => `${guid(i)},${i === ROWS - 1 ? 'javascript:x' : target(i)}`)
  const parsing = parseRoomMap(['room,target', ...rows].join('\n'), 'csv', { allowHttp: false })
  const { turns, outcome } = await turnsWhileParsing(parsing)
  t.ok(turns > 1, `the event loop turned ${turns} times`)
  t.match(outcome, { name: 'RoomMapError', code: 'PCWP_ROOM_MAP_INVALID' })
  t.match(outcome, { problems: [{ line: ROWS + 1, field: 'target' }] })
  t.equal((outcome as { problems: unknown[] }).problems.length, 1)
})
