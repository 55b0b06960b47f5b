// src/service-process.ts in this process: how a failure to listen is put to an
// administrator, and each start-up refusal that comes before listening.
// test/e2e/server.test.ts proves each exit code once in a real process.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { EXIT_CONFIG } from '../src/exit-codes.ts'
import { listenFailure, listenFailureReason, startServer } from '../src/service-process.ts'
import { ROOM, STANDARD_ENV } from './fixtures/app.ts'

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
