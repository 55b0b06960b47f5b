// src/service-process.ts in this process: how a failure to listen is put to an
// administrator, and each start-up refusal that comes before listening.
// test/e2e/server.test.ts proves each exit code once in a real process.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { EXIT_CONFIG, EXIT_START_FAILED } from '../src/exit-codes.ts'
import { createApp } from '../src/http/app.ts'
import { listenFailure, listenFailureReason, startServer } from '../src/service-process.ts'
import { config, ROOM, STANDARD_ENV } from './fixtures/app.ts'
import { serve, startUpstream, status } from './fixtures/upstream.ts'
import { waitFor } from './fixtures/wait.ts'

const failure = (code: string, message = `failed ${code}`) => Object.assign(new Error(message), { code })

t.test('known codes in plain words; anything else as the error says it', async t => {
  t.equal(listenFailure(failure('EADDRINUSE')), 'address already in use')
  t.equal(listenFailure(failure('ENOTFOUND')), 'host name not found')
  t.equal(listenFailure(failure('EAI_AGAIN')), 'host name could not be resolved')
  t.equal(listenFailure(failure('EAFNOSUPPORT', 'listen EAFNOSUPPORT')), 'listen EAFNOSUPPORT')
  t.equal(listenFailure(new Error('no code at all')), 'no code at all')
})

t.test('the failure line names host and port, an IPv6 host in brackets', async t => {
  t.equal(listenFailureReason('127.0.0.1', 8080, failure('EADDRINUSE')),
    'cannot listen on 127.0.0.1:8080: address already in use')
  t.equal(listenFailureReason('::1', 8080, failure('EADDRINUSE')),
    'cannot listen on [::1]:8080: address already in use')
  t.equal(listenFailureReason('no-such-host.invalid', 0, failure('ENOTFOUND')), 'cannot listen on no-such-host.invalid:0: host name not found')
})

/** What startServer returns and writes to standard error (it refuses before it logs or listens). */
async function refusal (env: NodeJS.ProcessEnv): Promise<{ code: number | undefined, stderr: string }> {
  const write = process.stderr.write.bind(process.stderr)
  let stderr = ''
  process.stderr.write = (chunk: string | Uint8Array) => {
    stderr += String(chunk)
    return true
  }
  try {
    return { code: await startServer(env), stderr }
  } finally {
    process.stderr.write = write
  }
}

async function folder (t: Test, prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  return dir
}

t.test('in production nothing configured is refused: exit 78, naming the variables', async t => {
  const { code, stderr } = await refusal({ NODE_ENV: 'production' })
  t.equal(code, EXIT_CONFIG)
  t.match(stderr, /^pcwp-links: Invalid configuration:\n.*PCWP_BASE_URL_INTERNAL, PCWP_BASE_URL_EXTERNAL, PCWP_SERVERINFO_URL: none is set/)
})

t.test('invalid page catalogs are refused: exit 78, naming the file and key', async t => {
  const dir = await folder(t, 'pcwp-locales-')
  await writeFile(join(dir, 'de-DE.json'), '{"links.titel": "Tippfehler"}')
  const { code, stderr } = await refusal({ ...STANDARD_ENV, PCWP_LOCALES_DIR: dir })
  t.equal(code, EXIT_CONFIG)
  t.match(stderr, /^pcwp-links: The page catalogs are invalid:\n.*de-DE\.json.*links\.titel/)
})

t.test('an invalid room map is refused: exit 78, one message per bad line', async t => {
  const map = join(await folder(t, 'pcwp-badmap-'), 'rooms.csv')
  await writeFile(map, `room,target\nnot-a-room,https://x.example/\n${ROOM},javascript:alert(1)\n`)
  const { code, stderr } = await refusal({ ...STANDARD_ENV, PCWP_ROOM_MAP: map })
  t.equal(code, EXIT_CONFIG)
  t.match(stderr, /^pcwp-links: PCWP_ROOM_MAP: PCWP_ROOM_MAP_INVALID[^]*line 2[^]*line 3/)
})

t.test('a room map URL: an invalid map exits 78 at once; one unreachable for the start time limit exits 1', async t => {
  const server = await startUpstream(serve(`room,target\n${ROOM},javascript:alert(1)\n`, 'text/csv'))
  t.teardown(server.close)
  const url = new URL('/rooms?sig=SECRET', server.url).href
  const invalid = await refusal({ ...STANDARD_ENV, PCWP_ROOM_MAP: url, LOG_LEVEL: 'silent' })
  t.equal(invalid.code, EXIT_CONFIG)
  t.match(invalid.stderr, /^pcwp-links: PCWP_ROOM_MAP: PCWP_ROOM_MAP_INVALID: http:\/\/127\.0\.0\.1:\d+\/rooms: 1 problem\nline 2, target: /)
  t.equal(server.requests.length, 1, 'not asked again')

  server.behave(status(503))
  const unreachable = await refusal({
    ...STANDARD_ENV, PCWP_ROOM_MAP: url, PCWP_ROOM_MAP_START_TIMEOUT_S: '1', LOG_LEVEL: 'silent'
  })
  t.equal(unreachable.code, EXIT_START_FAILED)
  t.match(unreachable.stderr, /^pcwp-links: PCWP_ROOM_MAP: PCWP_ROOM_MAP_UNREACHABLE: http:\/\/127\.0\.0\.1:\d+\/rooms: 1 problem\nno map within 1 s \(PCWP_ROOM_MAP_START_TIMEOUT_S\); the last attempt: the server answered HTTP 503\n$/)
  t.notMatch(invalid.stderr + unreachable.stderr, 'SECRET', 'the URL\'s query is not shown')
})

t.test('an app built without a source of its own reads a URL map once, and lets it go when closed', async t => {
  const server = await startUpstream(serve(`room,target\n${ROOM},retired\n`, 'text/csv'))
  t.teardown(server.close)
  const env = { ...STANDARD_ENV, PCWP_ROOM_MAP: new URL('/rooms.csv', server.url).href }
  const service = await createApp({ config: config(env) })
  t.equal((await service.inject(`/rooms/${ROOM}`)).statusCode, 410)
  await service.close()
  await service.roomMap?.reload()
  t.equal(server.requests.length, 1, 'closed: the source asks no more')
})

t.test('an app that cannot load its URL map lets the source go too', async t => {
  const server = await startUpstream(serve(`room,target\n${ROOM},nowhere\n`, 'text/csv'))
  t.teardown(server.close)
  const env = { ...STANDARD_ENV, PCWP_ROOM_MAP: new URL('/rooms.csv', server.url).href }
  await t.rejects(createApp({ config: config(env) }), { code: 'PCWP_ROOM_MAP_INVALID' })
  // The keep-alive connection of the refused answer is closed at once; left alone, undici would close it
  // when idle for 4 s, so the deadline is shorter.
  await waitFor(async () => await server.connections() === 0,
    { what: 'the service\'s connection to the map server to close', timeoutMs: 1500 })
})
