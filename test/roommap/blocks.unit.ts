// A room map file read in blocks that end at a line's end, and parsed as they come.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { open, truncate } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { lineBlocks } from '../../src/roommap/blocks.ts'
import { RoomMapError } from '../../src/roommap/errors.ts'
import { parseRoomMap, parseRoomMapBlocks, type RoomMapFormat } from '../../src/roommap/parse.ts'

const A = '61E092C7-89BB-4DC4-A3F5-8C23FA940FAB'
const B = '3F2504E0-4F89-11D3-9A0C-0305E82C3301'
const C = '0B5C1A77-2D3E-4F60-8A9B-C0D1E2F3A4B5'
const OPTIONS = { allowHttp: false }

const folder = mkdtempSync(join(tmpdir(), 'pcwp-blocks-'))
t.teardown(() => { rmSync(folder, { recursive: true, force: true }) })
let files = 0

/** Opens a new file holding `content`; closed when the test ends. */
async function fileWith (t: Test, content: string | Buffer): Promise<{ path: string, handle: Awaited<ReturnType<typeof open>>, size: number }> {
  const path = join(folder, `map-${String(++files)}`)
  writeFileSync(path, content)
  const handle = await open(path)
  t.teardown(() => handle.close())
  return { path, handle, size: (await handle.stat()).size }
}

/** Every block lineBlocks yields, copied (each is valid only until the next is asked for). */
async function blocksOf (t: Test, content: string | Buffer, blockBytes: number, limit?: number): Promise<string[]> {
  const { handle, size } = await fileWith(t, content)
  const blocks: string[] = []
  for await (const block of lineBlocks(handle, limit ?? size, blockBytes)) blocks.push(block.toString())
  return blocks
}

/** The map parsed from a file read in blocks of `blockBytes`, or the problems that refused it. */
async function parsedInBlocks (t: Test, content: string | Buffer, blockBytes: number, format: RoomMapFormat = 'csv') {
  const { handle, size } = await fileWith(t, content)
  return parseRoomMapBlocks(lineBlocks(handle, size, blockBytes), format, OPTIONS)
}

async function problemsInBlocks (t: Test, content: string | Buffer, blockBytes: number): Promise<string[]> {
  const error = await parsedInBlocks(t, content, blockBytes).then(() => undefined, (error: unknown) => error)
  if (!(error instanceof RoomMapError)) throw new Error(`expected the map to be refused, got ${String(error)}`)
  return error.problems.map(p => `${String(p.line)}: ${p.message}`)
}

t.test('blocks end at a line end, are no larger than asked while lines are shorter, and together are the file', async t => {
  const text = Array.from({ length: 40 }, (_, i) => `line ${String(i)} ${'x'.repeat(i % 7)}`).join('\n') + '\n'
  const blocks = await blocksOf(t, text, 64)
  t.ok(blocks.length > 5, `${String(blocks.length)} blocks`)
  t.equal(blocks.join(''), text)
  t.ok(blocks.every(block => block.endsWith('\n') && Buffer.byteLength(block) <= 64), 'each ends with a line break, within 64 bytes')
  t.same(await blocksOf(t, 'a\nb\nlast without a line break', 4), ['a\nb\n', 'last without a line break'], 'a line longer than the buffer grows it; the last block ends where the file does')
  t.same(await blocksOf(t, 'one\ntwo\nthree\n', 64, 6), ['one\n', 'tw'], 'no more than the limit is read')
  t.same(await blocksOf(t, '', 64), [], 'an empty file has no blocks')
})

t.test('a file cut short after its size was taken is read as far as it goes', async t => {
  const { path, handle, size } = await fileWith(t, 'one\ntwo\nthree\n')
  await truncate(path, 6)
  const blocks: string[] = []
  for await (const block of lineBlocks(handle, size, 64)) blocks.push(block.toString())
  t.same(blocks, ['one\n', 'tw'])
})

t.test('a CSV map read in blocks is the map read whole, whatever the block size', async t => {
  const text = `\uFEFFroom;target;name;extra;note\r\n${A};"https://a.example/{id};x";"Zürich ""Nord""";"spans\nthree\nlines";fermé\r\n\n${B};retired;東京;;\n${C};pcwp;;;\n`
  const whole = await parseRoomMap(text, 'csv', OPTIONS)
  for (const blockBytes of [1, 7, 64, 4096]) {
    const map = await parsedInBlocks(t, text, blockBytes)
    t.same([A, B, C].map(room => map.lookup(room)), [A, B, C].map(room => whole.lookup(room)), `blocks of ${String(blockBytes)} bytes`)
  }
})

t.test('problems in later blocks keep their line numbers; only the file\'s first bytes may be a byte order mark', async t => {
  const rows = Array.from({ length: 30 }, () => `${A},pcwp`)
  rows[19] = `${B},pcwp\u0000`
  rows[24] = `\uFEFF${C},pcwp`
  t.same(await problemsInBlocks(t, `room,target\n${rows.join('\n')}\n`, 64), [
    '21: contains a NUL character; save the file as UTF-8 text (is it UTF-16?)',
    '26: contains a byte order mark (U+FEFF) after the start of the file; remove it'
  ])
  t.same(await problemsInBlocks(t, `room,target\n${A},pcwp\n${B},pcwp,extra\n`, 1), ['3: expected 2 fields as in the header row, found 3; quote a value that contains the delimiter'], 'row problems are found across blocks')
  t.same(await problemsInBlocks(t, Buffer.concat([Buffer.from(`room,target\n${A},pcwp\n`), Buffer.from([0xc3, 0x28, 0x0a])]), 8), ['undefined: not UTF-8 text; save the file as UTF-8'], 'bytes that are not UTF-8 in a later block')
})

t.test('a 10 MiB line read in blocks is refused as too long, and the rows after it are read', async t => {
  const problems = await problemsInBlocks(t, `room,target,note\n${A},pcwp,${'x'.repeat(10 * 1024 * 1024)}\n${B},pcwp,x,y\n`, 64 * 1024)
  t.same(problems, ['2: the line is longer than 8192 characters', '3: expected 3 fields as in the header row, found 4; quote a value that contains the delimiter'])
})

t.test('a JSON map read in blocks', async t => {
  const json = JSON.stringify([{ room: A, target: 'retired', name: 'Atlas' }, { room: B, target: 'pcwp' }], null, 2)
  const map = await parsedInBlocks(t, json, 16, 'json')
  t.same(map.lookup(A), { kind: 'retired', name: 'Atlas' })
  t.equal(map.size, 2)
})

t.test('a file of NULs has one problem per line, however many lines', async t => {
  const lines = 300_000
  const error = await parseRoomMap(Buffer.from('\u0000\n'.repeat(lines)), 'csv', OPTIONS).then(() => undefined, (error: unknown) => error)
  t.ok(error instanceof RoomMapError, 'refused with a RoomMapError')
  t.equal((error as RoomMapError).problems.length, lines)
})
