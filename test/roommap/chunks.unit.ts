// A room map read in chunks that end anywhere (within a line, a character, the byte order mark), parsed as they come.
import { mkdtemp, open, rm, truncate, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CsvError } from 'csv-parse'
import t from 'tap'
import { readCsvRows } from '../../src/roommap/csv.ts'
import { RoomMapError } from '../../src/roommap/errors.ts'
import { fileChunks } from '../../src/roommap/loader.ts'
import { CHUNK_BYTES, parseRoomMap, parseRoomMapChunks } from '../../src/roommap/parse.ts'

const A = '61E092C7-89BB-4DC4-A3F5-8C23FA940FAB'
const B = '3F2504E0-4F89-11D3-9A0C-0305E82C3301'
const C = '0B5C1A77-2D3E-4F60-8A9B-C0D1E2F3A4B5'
const OPTIONS = { allowHttp: false }

/** `content` in chunks of `size` bytes; `pulled.count` says how many were asked for. */
async function * chunked (content: string | Buffer, size: number, pulled = { count: 0 }): AsyncGenerator<Buffer> {
  const bytes = Buffer.from(content)
  for (let start = 0; start < bytes.length; start += size) {
    pulled.count++
    yield bytes.subarray(start, start + size)
  }
}

/** The problems that refused a map read in chunks of `size` bytes, as `line: message`. */
async function problemsInChunks (
  content: string | Buffer, size: number, pulled?: { count: number }
): Promise<string[]> {
  const error = await parseRoomMapChunks(chunked(content, size, pulled), 'csv', OPTIONS)
    .then(() => undefined, (error: unknown) => error)
  if (!(error instanceof RoomMapError)) throw new Error(`expected the map to be refused, got ${String(error)}`)
  return error.problems.map(p => `${String(p.line)}: ${p.message}`)
}

t.test('a file is read in chunks up to the size taken, and as far as it goes when cut short meanwhile', async t => {
  const folder = await mkdtemp(join(tmpdir(), 'pcwp-chunks-'))
  t.teardown(() => rm(folder, { recursive: true, force: true }))
  const path = join(folder, 'map.csv')
  const content = Buffer.from('x'.repeat(2 * CHUNK_BYTES + 100))
  await writeFile(path, content)
  const handle = await open(path)
  t.teardown(() => handle.close())
  const read = async (size: number): Promise<Buffer[]> => {
    const chunks: Buffer[] = []
    for await (const chunk of fileChunks(handle, size)) chunks.push(chunk)
    return chunks
  }
  const chunks = await read(content.length)
  t.same(chunks.map(chunk => chunk.length), [CHUNK_BYTES, CHUNK_BYTES, 100])
  t.ok(Buffer.concat(chunks).equals(content), 'together, the file')
  t.same((await read(10)).map(String), ['x'.repeat(10)], 'no more than the size taken')
  await truncate(path, 6)
  t.same((await read(content.length)).map(String), ['xxxxxx'], 'cut short')
  t.same(await read(0), [], 'an empty file')
})

t.test('a CSV map read in chunks is the map read whole, whatever the chunk size', async t => {
  const text = `\uFEFF\r\n \r\nroom;target;name;extra;note\r\n${A};"https://a.example/{id};x";"Zürich ""Nord""";"spans\nthree\r\nlines";fermé\r\n\n${B};retired;東京;;\n${C};pcwp;;;\n`
  const whole = await parseRoomMap(text, 'csv', OPTIONS)
  t.same(whole.lookup(B), { kind: 'retired', name: '東京' })
  for (const size of [1, 2, 3, 7, 64, 4096]) {
    const map = await parseRoomMapChunks(chunked(text, size), 'csv', OPTIONS)
    const entries = (read: typeof map): unknown[] => [A, B, C].map(room => read.lookup(room))
    t.same(entries(map), entries(whole), `chunks of ${String(size)} bytes`)
  }
})

t.test('problems in later chunks keep their line numbers; only the file\'s first bytes may be a byte order mark', async t => {
  const rows = Array.from({ length: 30 }, () => `${A},pcwp`)
  rows[19] = `${B},pcwp\u0000\u0000`
  rows[24] = `\uFEFF${C},pcwp`
  for (const size of [1, 5, 64]) {
    t.same(await problemsInChunks(`\uFEFFroom,target\n${rows.join('\n')}\n`, size), [
      '21: contains a NUL character; save the file as UTF-8 text (is it UTF-16?)',
      '26: contains a byte order mark (U+FEFF) after the start of the file; remove it'
    ], `chunks of ${String(size)} bytes: one problem per line and kind`)
    t.same(await problemsInChunks(`room,target\n${A},pcwp\n\n${B},pcwp,extra\n`, size), ['4: expected 2 fields as in the header row, found 3; quote a value that contains the delimiter'],
      'row problems are found across chunks')
    const notUtf8 = Buffer.concat([Buffer.from(`room,target\n${A},pcwp\n`), Buffer.from([0xc3, 0x28, 0x0a])])
    t.same(await problemsInChunks(notUtf8, size),
      ['undefined: not UTF-8 text; save the file as UTF-8'], 'bytes that are not UTF-8 in a later chunk')
  }
})

t.test('a line too long ends the reading: the file is not read to its end', async t => {
  const pulled = { count: 0 }
  const problems = await problemsInChunks(`room,target,note\n${A},pcwp,x,y\n${B},pcwp,${'x'.repeat(10 * 1024 * 1024)}\n${C},pcwp,x,y\n`, 64 * 1024, pulled)
  t.same(problems, ['2: expected 3 fields as in the header row, found 4; quote a value that contains the delimiter', '3: the line is longer than 8192 characters'])
  t.ok(pulled.count < 5, `${String(pulled.count)} of 161 chunks read`)
  const noDelimiter = `room target ${'x'.repeat(30_000)}\n${A},pcwp\n`
  t.same(await problemsInChunks(noDelimiter, 1024), ['1: the line is longer than 8192 characters'],
    'a header row with no delimiter is not read to its end either')
})

t.test('a JSON map read in chunks', async t => {
  const rows = [{ room: A, target: 'retired', name: 'Zürich 東京' }, { room: B, target: 'pcwp' }]
  const json = '\uFEFF' + JSON.stringify(rows, null, 2)
  for (const size of [1, 16]) {
    const map = await parseRoomMapChunks(chunked(json, size), 'json', OPTIONS)
    t.same(map.lookup(A), { kind: 'retired', name: 'Zürich 東京' })
    t.equal(map.size, 2)
  }
})

t.test('a file of NULs has one problem per line, however many lines', async t => {
  const lines = 300_000
  const error = await parseRoomMap(Buffer.from('\u0000\n'.repeat(lines)), 'csv', OPTIONS)
    .then(() => undefined, (error: unknown) => error)
  t.ok(error instanceof RoomMapError, 'refused with a RoomMapError')
  t.equal((error as RoomMapError).problems.length, lines)
})

t.test('an error of csv-parse\'s about anything but the file\'s structure is thrown on', async t => {
  const fault = new CsvError('CSV_INVALID_OPTION_BOM', 'a fault of ours')
  async function * failing (): AsyncGenerator<Buffer> {
    yield Buffer.from(`room,target\n${A},pcwp\n`)
    throw fault
  }
  await t.rejects(readCsvRows(failing(), () => undefined, []), fault)
})
