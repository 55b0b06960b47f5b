// The room map file: load, watch (directory watch + identity check), reload, last good map kept.
import { readdirSync, readlinkSync, realpathSync, writeFileSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rename, rm, symlink, truncate, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import t, { type Test } from 'tap'
import {
  createRoomMapFileSource, DEFAULT_ROOM_MAP_TIMING, MAX_ROOM_MAP_BYTES, readRoomMapFile, type ReloadOutcome,
  type RoomMapSource
} from '../../src/roommap/loader.ts'
import { checkRoomMap } from '../../src/roommap/check.ts'
import { PROTOCOL_ENTRY } from '../../src/roommap/index.ts'
import { waitFor } from '../fixtures/wait.ts'

const A = '61E092C7-89BB-4DC4-A3F5-8C23FA940FAB'
const B = '3F2504E0-4F89-11D3-9A0C-0305E82C3301'
const FAST = { checkIntervalMs: 20, stableMs: 50 }

async function tempDir (t: Test): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pcwp-roommap-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  return dir
}

interface Harness {
  source: RoomMapSource
  logs: { level: number, msg: string, reason?: string }[]
  outcomes: ReloadOutcome[]
}

function harness (t: Test, path: string, options: { checkIntervalMs?: number, stableMs?: number } = FAST): Harness {
  const logs: Harness['logs'] = []
  const outcomes: ReloadOutcome[] = []
  const logger = pino({ level: 'info' }, { write: (line: string) => { logs.push(JSON.parse(line)) } })
  const onReload = (outcome: ReloadOutcome): void => { outcomes.push(outcome) }
  const source = createRoomMapFileSource({ path, allowHttp: false, logger, onReload, ...options })
  t.teardown(source.stop)
  return { source, logs, outcomes }
}

const kindOf = (source: RoomMapSource, room: string): string => source.current().lookup(room).kind

/**
 * Replaces a file whole, as editors and a ConfigMap's symlink swap do: on a
 * loaded machine the two steps of an in-place write (truncate, then write) can
 * lie further apart than these tests' 50 ms stable time, and the empty file
 * between them would be read, and rejected, as an edit of its own.
 */
async function replaceFile (path: string, content: string): Promise<void> {
  await writeFile(`${path}.new`, content)
  await rename(`${path}.new`, path)
}

t.test('an edit takes effect; a broken edit keeps the last good map until fixed', async t => {
  const dir = await tempDir(t)
  const path = join(dir, 'map.csv')
  await writeFile(path, `room,target\n${A},retired\n`)
  const { source, logs, outcomes } = harness(t, path)
  t.throws(() => source.current(), /not loaded yet/)
  await source.load()
  t.equal(kindOf(source, A), 'retired')
  t.match(source.state(), { entries: 1, source: path, lastError: null, loadedAt: /^\d{4}-\d\d-\d\dT/ })
  t.ok(source.lastReloadSuccessful())
  source.start()

  await replaceFile(path, `room,target\n${A},https://teams.example.com/{id}\n${B},retired\n`)
  await waitFor(() => kindOf(source, A) === 'moved', { what: 'the edit to take effect' })
  t.equal(source.state().entries, 2)
  t.same(outcomes, ['success'])

  await replaceFile(path, `room,target\n${A},javascript:alert(1)\n`)
  await waitFor(() => source.state().lastError !== null, { what: 'the broken edit to be seen' })
  t.equal(source.state().lastError, 'PCWP_ROOM_MAP_INVALID: line 2, target: expected pcwp, retired or an absolute https:// URL')
  t.equal(kindOf(source, A), 'moved', 'the last good map stays')
  t.notOk(source.lastReloadSuccessful())
  t.same(outcomes, ['success', 'failure'])
  t.match(logs.find(line => line.level === 50), { msg: 'room map rejected; the last good map stays', reason: /^PCWP_ROOM_MAP_INVALID/ })

  await replaceFile(path, `room,target\n${A},pcwp\n`)
  await waitFor(() => source.state().lastError === null, { what: 'the fixed edit to clear the error' })
  t.equal(source.current().lookup(A), PROTOCOL_ENTRY)
  t.ok(source.lastReloadSuccessful())
  t.same(outcomes, ['success', 'failure', 'success'])
})

t.test('a Kubernetes ConfigMap swap of ..data is seen', async t => {
  const dir = await tempDir(t)
  await mkdir(join(dir, '..2026_v1'))
  await writeFile(join(dir, '..2026_v1', 'map.csv'), `room,target\n${A},retired\n`)
  await symlink('..2026_v1', join(dir, '..data'))
  await symlink(join('..data', 'map.csv'), join(dir, 'map.csv'))
  const { source } = harness(t, join(dir, 'map.csv'))
  await source.load()
  source.start()
  t.equal(kindOf(source, A), 'retired')

  await mkdir(join(dir, '..2026_v2'))
  await writeFile(join(dir, '..2026_v2', 'map.csv'), `room,target\n${A},pcwp\n`)
  await symlink('..2026_v2', join(dir, '..data_tmp'))
  await rename(join(dir, '..data_tmp'), join(dir, '..data'))
  await rm(join(dir, '..2026_v1'), { recursive: true })
  await waitFor(() => kindOf(source, A) === 'pcwp', { what: 'the new map to be seen after the swap' })
})

t.test('without watch events, the periodic identity check finds the change', async t => {
  const dir = await tempDir(t)
  const elsewhere = await tempDir(t)
  // The file lives in another directory: writes to it raise no event in the watched one.
  await writeFile(join(elsewhere, 'real.json'), JSON.stringify([{ room: A, target: 'retired' }]))
  await symlink(join(elsewhere, 'real.json'), join(dir, 'map.json'))
  const { source, outcomes } = harness(t, join(dir, 'map.json'), { checkIntervalMs: 20, stableMs: 100 })
  await source.load()
  source.start()
  const rows = [{ room: A, target: 'pcwp' }, { room: B, target: 'pcwp' }]
  await replaceFile(join(elsewhere, 'real.json'), JSON.stringify(rows))
  await waitFor(() => kindOf(source, A) === 'pcwp', { what: 'the periodic check to find the change' })
  t.same(outcomes, ['success'], 'read once, after it was stable')
})

t.test('reload() (SIGHUP) reads at once; a missing file is rejected and the map stays', async t => {
  const dir = await tempDir(t)
  const path = join(dir, 'map.csv')
  await writeFile(path, `room,target\n${A},retired\n`)
  const { source, logs } = harness(t, path)
  await source.load()
  await writeFile(path, `room,target\n${A},pcwp\n`)
  t.equal(await source.reload(), true)
  t.equal(kindOf(source, A), 'pcwp')
  t.match(logs.at(-1), { level: 30, msg: 'room map reloaded' })
  await rm(path)
  const [first, second] = await Promise.all([source.reload(), source.reload()])
  t.same([first, second], [false, false], 'reloads are queued, each answered')
  t.equal(source.state().lastError, 'PCWP_ROOM_MAP_UNREADABLE: cannot read the file: no such file')
  t.equal(kindOf(source, A), 'pcwp')
})

t.test('an error that is not the file\'s (a bug of ours) is thrown on, not reported as an unreadable file', async t => {
  const dir = await tempDir(t)
  const path = join(dir, 'map.csv')
  await writeFile(path, `room,target\n${A},https://teams.example.com/r\n`)
  const bug = new TypeError('a bug of ours')
  const options = { get allowHttp (): boolean { throw bug } }
  await t.rejects(readRoomMapFile(path, options), bug)
})

t.test('the first load fails with a RoomMapError naming the file', async t => {
  const dir = await tempDir(t)
  const cases: [string, string | Buffer | null, string, RegExp][] = [
    ['missing.csv', null, 'PCWP_ROOM_MAP_UNREADABLE', /missing\.csv: 1 problem\ncannot read the file: no such file$/],
    ['map.txt', 'room,target\n', 'PCWP_ROOM_MAP_INVALID', /must end in \.csv or \.json/],
    ['latin1.csv', Buffer.from('room,target,name\nnew,pcwp,Z\xfcrich\n', 'latin1'), 'PCWP_ROOM_MAP_INVALID', /not UTF-8 text/],
    ['bad.json', '{"room": 1}', 'PCWP_ROOM_MAP_INVALID', /bad\.json: 1 problem\nexpected a JSON array/]
  ]
  for (const [name, content, code, message] of cases) {
    const path = join(dir, name)
    if (content !== null) await writeFile(path, content)
    const { source } = harness(t, path)
    await t.rejects(source.load(), { name: 'RoomMapError', code, message }, name)
    t.match(source.state(), { entries: 0, loadedAt: null, lastError: new RegExp(`^${code}: `) })
  }
  await mkdir(join(dir, 'folder.csv'))
  await t.rejects(readRoomMapFile(join(dir, 'folder.csv'), { allowHttp: false }), { code: 'PCWP_ROOM_MAP_UNREADABLE', message: /a directory, not a file/ })
  await writeFile(join(dir, 'huge.csv'), '')
  await truncate(join(dir, 'huge.csv'), MAX_ROOM_MAP_BYTES + 1)
  await t.rejects(readRoomMapFile(join(dir, 'huge.csv'), { allowHttp: false }), { code: 'PCWP_ROOM_MAP_UNREADABLE', message: /larger than 64 MiB/ })
  await symlink('loop.csv', join(dir, 'loop.csv'))
  await t.rejects(readRoomMapFile(join(dir, 'loop.csv'), { allowHttp: false }), { code: 'PCWP_ROOM_MAP_UNREADABLE', message: /symbolic link loop/ })
  await writeFile(join(dir, 'ok.CSV'), `\uFEFFroom,target\n${A},pcwp\n`)
  const withBom = await readRoomMapFile(join(dir, 'ok.CSV'), { allowHttp: false })
  t.equal(withBom.map.size, 1, 'the extension in any case; a BOM')
  await t.rejects(readRoomMapFile(join(dir, 'ok.CSV', 'x.csv'), { allowHttp: false }), { code: 'PCWP_ROOM_MAP_UNREADABLE', message: /cannot read the file: ENOTDIR$/ }, 'other reasons by their code')
})

t.test('an unwatchable directory leaves the periodic check; stop() ends it', async t => {
  const dir = await tempDir(t)
  const path = join(dir, 'sub', 'map.csv')
  await mkdir(join(dir, 'sub'))
  await writeFile(path, `room,target\n${A},retired\n`)
  const { source, logs } = harness(t, path)
  await source.load()
  await rm(join(dir, 'sub'), { recursive: true })
  source.start()
  t.match(logs.find(line => line.level === 40), { msg: 'room map: cannot watch the directory; relying on the periodic check', reason: 'ENOENT' })
  await mkdir(join(dir, 'sub'))
  await writeFile(path, `room,target\n${A},pcwp\n`)
  await waitFor(() => kindOf(source, A) === 'pcwp', { what: 'the periodic check to find the new file' })
  source.stop()
  // A check started by start() and still in flight at stop() does nothing.
  source.start()
  source.stop()
})

t.test('by default the file is checked every 5 s and read once stable for 1 s', async t => {
  const reloading = (await readFile(new URL('../../docs/room-map.md', import.meta.url), 'utf8'))
    .split(/^## /m).find(section => section.startsWith('Reloading\n'))?.replace(/\s+/g, ' ')
  const said = /check every (\d+) s; a changed file is read once it has been unchanged for (\d+) s\b/.exec(reloading ?? '')
  t.ok(said, 'docs/room-map.md "Reloading" gives both figures')
  t.same(DEFAULT_ROOM_MAP_TIMING, { checkIntervalMs: Number(said?.[1]) * 1000, stableMs: Number(said?.[2]) * 1000 },
    'as docs/room-map.md "Reloading" says')
  // Changed between start() and stop(), with them: read, and not before it has stood for the stable time.
  const dir = await tempDir(t)
  const path = join(dir, 'map.csv')
  await writeFile(path, `room,target\n${A},retired\n`)
  const source = createRoomMapFileSource({ path, allowHttp: false, logger: pino({ level: 'silent' }) })
  t.teardown(source.stop)
  await source.load()
  source.start()
  const changed = performance.now()
  await replaceFile(path, `room,target\n${A},pcwp\n`)
  await waitFor(() => kindOf(source, A) === 'pcwp', { what: 'the change to be read' })
  const readAfterMs = performance.now() - changed
  await source.stop()
  t.ok(readAfterMs >= DEFAULT_ROOM_MAP_TIMING.stableMs,
    `read ${readAfterMs.toFixed(0)} ms after the change, not before ${String(DEFAULT_ROOM_MAP_TIMING.stableMs)} ms`)
})

t.test('map check: a summary, or the problems', async t => {
  const dir = await tempDir(t)
  const good = join(dir, 'good.csv')
  await writeFile(good, `room,target\n${A},https://teams.example.com/x\n${B},retired\nnew,retired\n`)
  t.same(await checkRoomMap(good, { allowHttp: false }), {
    error: null,
    text: `${good}: valid\nentries: 2\nmoved: 1\n  teams.example.com: 1\nretired: 1\npcwp: 0\nrooms without a row (*): pcwp\nnew rooms (new): retired\n`
  })
  const bad = join(dir, 'bad.csv')
  await writeFile(bad, `room,target\n${A},javascript:x\n${'x,y\n'.repeat(60)}`)
  const result = await checkRoomMap(bad, { allowHttp: false })
  t.equal(result.error, 'PCWP_ROOM_MAP_INVALID')
  t.match(result.text, new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: invalid, 121 errors\nline 2, target: expected pcwp`))
  t.match(result.text, /\n… and 71 more\n$/)
  t.same(await checkRoomMap(join(dir, 'none.json'), { allowHttp: false }), { error: 'PCWP_ROOM_MAP_UNREADABLE', text: `${join(dir, 'none.json')}: unreadable, 1 error\ncannot read the file: no such file\n` })
})

/**
 * While this process holds `path` open (seen in /proc/self/fd), rewrites it
 * in place with `next()` every `everyMs` (the first time `everyMs` after it
 * was seen open: a read under way, past its first stat()); stops when
 * `next()` gives undefined, or at the test's end.
 */
function rewriteWhileRead (t: Test, path: string, next: () => string | undefined, everyMs = 5): void {
  const real = realpathSync(path)
  let since: number | undefined
  let stopped = false
  t.teardown(() => { stopped = true })
  const isOpen = () => readdirSync('/proc/self/fd').some(fd => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === real
    } catch {
      return false
    }
  })
  const turn = (): void => {
    if (stopped) return
    if (!isOpen()) since = undefined
    else if (since === undefined) since = performance.now()
    else if (performance.now() - since >= everyMs) {
      const version = next()
      if (version === undefined) return
      writeFileSync(path, version)
      since = performance.now()
    }
    setImmediate(turn)
  }
  setImmediate(turn)
}

/** The room of {@link bigMap}'s row `i`. */
const bigMapRoom = (i: number): string => `${i.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`.toUpperCase()

/**
 * A CSV map of `rows` rooms (the same rooms in every version), each named
 * `name`: about 190 bytes a row, so that reading it takes a while.
 */
function bigMap (rows: number, name: string): string {
  return `room,target,name\n${Array.from({ length: rows }, (_, i) => `${bigMapRoom(i)},retired,${name} ${String(i)} ${'x'.repeat(150)}`).join('\n')}\n`
}

t.test('a file rewritten while it is read is read again, never taken half old and half new', { skip: process.platform === 'linux' ? false : 'needs /proc/self/fd' }, async t => {
  const path = join(await tempDir(t), 'rooms.csv')
  const rows = 10_000
  await writeFile(path, bigMap(rows, 'Old'))
  const versions = [bigMap(rows, 'Newer')]
  rewriteWhileRead(t, path, () => versions.shift())
  const { map } = await readRoomMapFile(path, { allowHttp: false })
  const names = [0, rows - 1].map(i => map.lookup(bigMapRoom(i)))
  const read = names.map(entry => entry.kind === 'retired' ? entry.name?.split(' ')[0] : entry.kind)
  t.same(read, ['Newer', 'Newer'], 'the first and the last row are both of the new version')
})

t.test('a file that changes on every read is refused after three reads', { skip: process.platform === 'linux' ? false : 'needs /proc/self/fd' }, async t => {
  const path = join(await tempDir(t), 'rooms.csv')
  await writeFile(path, bigMap(10_000, 'Version0'))
  let version = 0
  rewriteWhileRead(t, path, () => bigMap(10_000, `Version${String(++version)}`))
  await t.rejects(readRoomMapFile(path, { allowHttp: false }), { code: 'PCWP_ROOM_MAP_UNREADABLE', message: /the file changed while it was read, 3 times in a row/ })
})

t.test('a change is read once, however much longer the read takes than the stable time', async t => {
  const path = join(await tempDir(t), 'rooms.csv')
  await writeFile(path, `room,target\n${A},retired\n`)
  const { source, outcomes } = harness(t, path, { checkIntervalMs: 5, stableMs: 5 })
  await source.load()
  source.start()
  await replaceFile(path, bigMap(20_000, 'Big'))
  await waitFor(() => source.state().entries === 20_000, { what: 'the big map to be read' })
  // A read queued meanwhile would run before this one: queued reads run in turn.
  t.equal(await source.reload(), true)
  t.same(outcomes, ['success', 'success'], 'one read for the change, one for reload()')
})
