// The room map read from a file's bytes (UTF-8, in chunks) and held in columns.
import t from 'tap'
import {
  fillTarget, parseRoomMap, PROTOCOL_ENTRY, RETIRED_ENTRY, RoomMapError, type RoomMapEntry
} from '../../src/roommap/index.ts'
import { CHUNK_BYTES } from '../../src/roommap/parse.ts'

const A = '61E092C7-89BB-4DC4-A3F5-8C23FA940FAB'
const B = '3F2504E0-4F89-11D3-9A0C-0305E82C3301'
const C = '0B5C1A77-2D3E-4F60-8A9B-C0D1E2F3A4B5'

const bytes = (text: string): Buffer => Buffer.from(text)
/** The problems parseRoomMap reports, as `line: message`; none when it takes the map. */
const problemsOf = async (input: Buffer | string): Promise<string[]> => {
  const outcome = await parseRoomMap(input, 'csv', { allowHttp: false }).catch((error: unknown) => error)
  if (outcome instanceof RoomMapError) return outcome.problems.map(p => `${String(p.line)}: ${p.message}`)
  if (outcome instanceof Error) throw outcome
  return []
}

t.test('bytes and text give the same map', async t => {
  const text = `\uFEFFroom;target;name;extra;note\n${A};"https://a.example/{id};x";ignored;"spans\nlines";ignored\r\n${B};retired;"Zürich ""Nord"" 東京";;fermé\n${C};pcwp;ignored;;ignored\n`
  for (const input of [text, bytes(text)]) {
    const map = await parseRoomMap(input, 'csv', { allowHttp: false })
    const entry = map.lookup(A)
    const target = entry.kind === 'moved' ? entry.target : undefined
    t.same(entry, { kind: 'moved', target }, 'a moved row keeps its target only')
    t.equal(entry.kind === 'moved' ? fillTarget(entry.target, A, 'de') : '', `https://a.example/${A};x`)
    t.same(map.lookup(B), { kind: 'retired', name: 'Zürich "Nord" 東京', note: 'fermé' })
    t.equal(map.lookup(C), PROTOCOL_ENTRY, 'a pcwp row keeps no text')
  }
})

t.test('a room read twice is the same entry, and rooms moved to one URL have the same target', async t => {
  const map = await parseRoomMap(bytes(`room,target,name\n${A},https://a.example/r,Atlas\n${B},https://a.example/r,Boreas\n${C},retired,\n`), 'csv', { allowHttp: false })
  const moved = (entry: RoomMapEntry): unknown => entry.kind === 'moved' ? entry.target : entry.kind
  t.same(map.lookup(A), map.lookup(A))
  t.same(moved(map.lookup(A)), moved(map.lookup(B)))
  t.same(moved(map.lookup(A)), { template: 'https://a.example/r', pieces: ['https://a.example/r'], slots: [] })
  t.equal(map.lookup(C), RETIRED_ENTRY)
  t.same(map.summary().movedByHost, [{ host: 'a.example', count: 2 }])
})

t.test('line lengths count UTF-16 code units, not bytes', async t => {
  const row = (value: string): string => `room,target,extra\n${A},pcwp,${value}\n`
  const fill = (units: number, char: string): string => char.repeat(Math.floor((units - A.length - 6) / char.length))
  t.same(await problemsOf(bytes(row(fill(8192, 'é')))), [], '8192 two-byte characters are allowed')
  t.same(await problemsOf(bytes(row(fill(8192, '東')))), [], '8192 three-byte characters are allowed')
  t.same(await problemsOf(bytes(row(fill(8194, '😀')))), ['2: the line is longer than 8192 characters'],
    'a four-byte character counts two')
  t.same(await problemsOf(bytes(row(fill(8193, 'é')))), ['2: the line is longer than 8192 characters'])
})

t.test('bytes that are not UTF-8 are refused whole', async t => {
  const notUtf8 = ['undefined: not UTF-8 text; save the file as UTF-8']
  t.same(await problemsOf(Buffer.from([...bytes(`room,target\n${A},pcwp,`), 0xc3, 0x28])), notUtf8)
  t.same(await problemsOf(Buffer.from([...bytes(`room,target,name\n${A},pcwp,`), 0xe6, 0x9d])), notUtf8,
    'a character cut short by the end of the file')
  t.same(await problemsOf(Buffer.from([0xef, 0xbb, 0xbf, ...bytes(`room,target\n${A},pcwp\n`), 0xef, 0xbb, 0xbf])), ['3: contains a byte order mark (U+FEFF) after the start of the file; remove it'])
})

t.test('UTF-8 is checked across chunks, whatever character they split', async t => {
  const BLOCK = CHUNK_BYTES
  const header = bytes('room,target,name\n')
  const row = bytes(`${A},pcwp,`)
  /** A map whose bytes `middle` start `offset` bytes before the end of the first chunk. */
  const straddling = (middle: number[], offset: number): Buffer => {
    const blank = bytes('\n'.repeat(BLOCK - offset - header.length - row.length))
    return Buffer.concat([header, blank, row, Buffer.from(middle), bytes('\n')])
  }
  const emoji = [...bytes('😀')]
  for (let offset = 1; offset <= 4; offset++) {
    const input = straddling([...emoji, ...emoji], offset)
    t.equal(input.indexOf(Buffer.from(emoji)), BLOCK - offset)
    t.same(await problemsOf(input), [], `a character ${offset} bytes before the chunk's end`)
  }
  const notUtf8 = ['undefined: not UTF-8 text; save the file as UTF-8']
  t.same(await problemsOf(straddling([0x61, 0x80, 0x80, 0x80, 0x80, 0x80], 2)), notUtf8,
    'stray continuation bytes across the boundary')
  t.same(await problemsOf(straddling([0xf0, 0x9f, 0x61], 2)), notUtf8, 'a character cut short at the boundary')
})
