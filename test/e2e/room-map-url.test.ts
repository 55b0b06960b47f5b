// One room map at an HTTPS URL read by two real service processes, as replicas read it: the same
// digest, a change taken by both within a refresh, and no listening before the map has loaded.
import type { ChildProcess } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { STANDARD_ENV } from '../fixtures/app.ts'
import { get, startService, type RunningService } from '../fixtures/service.ts'
import { digest } from '../fixtures/room-map.ts'
import { selfSignedCertificate, serveMap, upstream, type Behaviour } from '../fixtures/upstream.ts'
import { waitFor } from '../fixtures/wait.ts'

t.jobs = 2
const MOVED = 'B2B6AC4C-0E6A-4C53-9C1B-4A7F3C1D2E5F'
const FIRST = `room,target\n${MOVED},https://teams.example.com/l/channel/first\n`
const SECOND = `room,target\n${MOVED},https://teams.example.com/l/channel/second\n`
const REFRESH_S = 1

/** An HTTPS upstream whose certificate the services trust through NODE_EXTRA_CA_CERTS, as an internal CA is. */
async function mapServer (t: Test, behaviour: Behaviour) {
  const tls = await selfSignedCertificate()
  const dir = await mkdtemp(join(tmpdir(), 'pcwp-map-url-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const ca = join(dir, 'ca.pem')
  await writeFile(ca, tls.cert)
  const server = await upstream(t, behaviour, tls)
  const env = {
    ...STANDARD_ENV,
    PCWP_ROOM_MAP: new URL('/maps/rooms', server.url).href,
    PCWP_ROOM_MAP_REFRESH_S: String(REFRESH_S),
    NODE_EXTRA_CA_CERTS: ca
  }
  return { server, env }
}

async function service (
  t: Test, env: Record<string, string>, spawned?: Parameters<typeof startService>[1]
): Promise<RunningService> {
  const running = await startService(env, spawned)
  t.teardown(running.stop)
  return running
}

const sha256Of = async (running: RunningService): Promise<string | undefined> =>
  (JSON.parse((await get(running.port, '/readyz')).body) as { roomMap?: { sha256?: string } }).roomMap?.sha256

t.test('two replicas read one HTTPS map: the same digest, and a change taken by both within a refresh', async t => {
  const { server, env } = await mapServer(t, serveMap(FIRST))
  const replicas = await Promise.all([service(t, env), service(t, env)])
  for (const replica of replicas) {
    t.equal(await sha256Of(replica), digest(FIRST), 'the first map\'s digest')
    t.equal((await get(replica.port, `/rooms/${MOVED}`)).headers.location, 'https://teams.example.com/l/channel/first')
  }
  // A refresh or two go by: the unchanged map is asked for with its ETag and answered 304.
  await waitFor(() => server.requests.filter(req => req.headers['if-none-match'] !== undefined).length >= 2,
    { what: 'the replicas to ask again with the ETag' })

  server.behave(serveMap(SECOND))
  const changed = Date.now()
  // One refresh (±10 %) and a fetch; the deadline leaves room for a loaded machine.
  for (const replica of replicas) {
    await waitFor(async () => await sha256Of(replica) === digest(SECOND),
      { what: `replica on port ${String(replica.port)} to serve the changed map`, timeoutMs: 10_000 })
    t.equal((await get(replica.port, `/rooms/${MOVED}`)).headers.location, 'https://teams.example.com/l/channel/second')
    const metrics = (await get(replica.port, '/metrics')).body
    t.match(metrics, `pcwp_room_map_info{sha256="${digest(SECOND)}"} 1`)
    t.notMatch(metrics, digest(FIRST), 'one digest series at a time')
    t.match(metrics, /^pcwp_room_map_reloads_total\{result="success"\} 1$/m, 'one reload: the 304s counted none')
  }
  t.comment(`both replicas served the changed map ${String(Date.now() - changed)} ms after it changed`)
})

t.test('the service listens only once the map has loaded, asking an unreachable URL again meanwhile', async t => {
  let refusals = 2
  let starting: ChildProcess | undefined
  const { server, env } = await mapServer(t, (req, res) => {
    if (refusals-- > 0) {
      // An administrator's SIGHUP while the service waits for its map: it must not end the process.
      starting?.kill('SIGHUP')
      res.writeHead(503)
      res.end()
      return
    }
    serveMap(FIRST)(req, res)
  })
  const running = await service(t, env, child => { starting = child })
  t.ok(running.logs.some(line => line.msg === 'SIGHUP ignored: the room map is still loading'), 'the SIGHUP was said')
  t.ok(server.requests.length >= 3, 'two refusals, then the map')
  const listening = running.logs.findIndex(line => String(line.msg).startsWith('Server listening at'))
  const retries = running.logs.filter((line, index) =>
    line.msg === 'room map unreachable; asking again before listening' && index < listening)
  t.same(retries.map(line => [line.reason, line.attempt]),
    [['the server answered HTTP 503', 1], ['the server answered HTTP 503', 2]], 'each attempt said, before listening')
  t.equal(await sha256Of(running), digest(FIRST))
})
