// The real service over real sockets on loopback: zones, proxies, IPv6, start-up errors, SIGHUP and SIGTERM,
// one process per configuration.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import t from 'tap'
import { EXIT_CONFIG, EXIT_START_FAILED } from '../../src/exit-codes.ts'
import { waitFor } from '../fixtures/wait.ts'
import { EXTERNAL_BASE, INTERNAL_BASE, ROOM } from '../fixtures/app.ts'
import { get, runServiceToExit, startService } from '../fixtures/service.ts'
import { hang, serve, startUpstream, xccosReply } from '../fixtures/upstream.ts'

// Each subtest runs its own service on its own port, so they may run side by side:
// most of their time is spent waiting for a process to start.
t.jobs = 4
// A room the map names; ROOM has no row, so it redirects as without a map.
const MAPPED_ROOM = 'B2B6AC4C-0E6A-4C53-9C1B-4A7F3C1D2E5F'

const ENV = {
  HOST: '::',
  PCWP_BASE_URL_INTERNAL: INTERNAL_BASE,
  PCWP_BASE_URL_EXTERNAL: EXTERNAL_BASE,
  // 127.0.0.1 and ::1 are the reverse proxy; 127.0.0.4 stands for a desk inside the network.
  PCWP_TRUST_PROXY: '127.0.0.1,::1',
  PCWP_INTERNAL_CIDRS: '127.0.0.4/32,10.0.0.0/8',
  PCWP_NETWORK_HEADER: 'X-Network-Zone'
}
const internal = (lang: string) => `${INTERNAL_BASE}?clientlang=${lang}&id=${ROOM}`
const external = (lang: string) => `${EXTERNAL_BASE}&clientlang=${lang}&id=${ROOM}`

// One service serves every check that needs the standard configuration: a
// hanging getserverinfo upstream (redirects go ahead with the provisioned
// URLs meanwhile), a room map for SIGHUP and a misspelt variable to warn about.
// Its subtests run in order; the last stops it with SIGTERM.
t.test('the standard configuration over real sockets', async t => {
  const upstream = await startUpstream(hang)
  t.teardown(upstream.close)
  const dir = await mkdtemp(join(tmpdir(), 'pcwp-sighup-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const map = join(dir, 'rooms.csv')
  await writeFile(map, `room,target\n${MAPPED_ROOM},https://before.example.com/{id}\n`)
  const service = await startService({
    ...ENV,
    PCWP_SERVERINFO_URL: upstream.url,
    PCWP_SERVERINFO_TIMEOUT_MS: '60000',
    PCWP_ROOM_MAP: map,
    PCWP_BASE_URL_INTERNL: 'https://x.example/'
  })
  t.teardown(service.stop)
  const { port } = service

  await t.test('redirects, zones, proxies and IPv6 (a room without a row, the provisioned URLs while the upstream hangs)', async t => {
    const path = `/rooms/${ROOM.toLowerCase()}`
    const cases: [string, Parameters<typeof get>[2], string][] = [
      ['an internal desk, IPv4-mapped on the dual-stack socket',
        { localAddress: '127.0.0.4', headers: { 'accept-language': 'de-AT' } }, internal('de-DE')],
      ['an outside client',
        { localAddress: '127.0.0.2', headers: { 'accept-language': 'fr-CA,fr;q=0.8' } }, external('fr-FR')],
      ['an outside client forging X-Forwarded-For',
        { localAddress: '127.0.0.2', headers: { 'x-forwarded-for': '10.1.1.1' } }, external('en-US')],
      ['an outside client forging the zone header',
        { localAddress: '127.0.0.2', headers: { 'x-network-zone': 'internal' } }, external('en-US')],
      ['the proxy forwarding an internal client',
        { localAddress: '127.0.0.1', headers: { 'x-forwarded-for': '10.1.1.1' } }, internal('en-US')],
      // The left part of X-Forwarded-For is the client's to forge: only the proxy's own entry counts.
      ['the proxy forwarding an outside client',
        { localAddress: '127.0.0.1', headers: { 'x-forwarded-for': '10.9.9.9, 203.0.113.7' } }, external('en-US')],
      ['the proxy saying internal',
        { localAddress: '127.0.0.1', headers: { 'x-forwarded-for': '203.0.113.7', 'x-network-zone': 'internal' } },
        internal('en-US')],
      ['the proxy over IPv6 ::1',
        { host: '::1', headers: { 'x-forwarded-for': '10.2.2.2', 'accept-language': 'ja' } }, internal('ja-JP')],
      ['the proxy over IPv6 saying external',
        { host: '::1', headers: { 'x-forwarded-for': '10.2.2.2', 'x-network-zone': 'external' } }, external('en-US')]
    ]
    for (const [label, options, location] of cases) {
      const res = await get(port, path, options)
      t.equal(res.status, 302, label)
      t.equal(res.headers.location, location, label)
      t.equal(res.headers['cache-control'], 'no-store', label)
      t.equal(res.headers.vary, 'Accept-Language', label)
    }
    t.equal(upstream.requests.length, 1, 'the getserverinfo fetch is under way meanwhile')
    const head = await get(port, '/rooms/new?lang=pt', { method: 'HEAD', localAddress: '127.0.0.4' })
    t.equal(head.headers.location, `${INTERNAL_BASE}?clientlang=pt-BR`)
    const bad = await get(port, '/rooms/nope', { headers: { accept: 'application/json' } })
    t.equal(bad.status, 400)
    t.equal(JSON.parse(bad.body).error, 'PCWP_ROOM_ID_INVALID')
  })

  await t.test('the log: one concise line per request, probes not at info', async t => {
    t.equal((await get(port, '/healthz')).status, 200)
    await get(port, '/rooms/new?lang=last')
    t.ok(await service.waitForLog(entry => entry.url === '/rooms/new?lang=last'), 'every request is logged')
    t.notOk(service.logs.some(entry => entry.url === '/healthz'), 'probes are not logged at info')
    const line = service.logs.find(entry => entry.msg === 'request' && entry.kind === 'room')
    t.match(line, {
      level: 30, method: 'GET', status: 302, kind: 'room', zone: 'internal', lang: 'de-DE', reqId: String
    }, 'one concise line per request')
    t.equal(
      service.logs.filter(entry => entry.msg === 'incoming request' || entry.msg === 'request completed').length,
      0,
      'no fastify request/response pairs'
    )
  })

  await t.test('unknown PCWP_ variables are warned about at start-up', async t => {
    t.ok(await service.waitForLog(entry => entry.level === 40 &&
      String(entry.msg).includes('PCWP_BASE_URL_INTERNL is not a pcwp-links setting')))
  })

  await t.test('SIGHUP re-reads the room map and the service keeps serving', async t => {
    t.equal((await get(port, `/rooms/${MAPPED_ROOM}`)).headers.location, `https://before.example.com/${MAPPED_ROOM}`)
    await writeFile(map, `room,target\n${MAPPED_ROOM},retired\n`)
    service.child.kill('SIGHUP')
    const answer = await waitFor(async () => {
      const res = await get(port, `/rooms/${MAPPED_ROOM}`)
      return res.status === 410 ? res : undefined
    }, { what: 'the edited map to answer 410 after SIGHUP' })
    t.equal(answer.status, 410)
    t.equal(service.child.exitCode, null, 'still running')
    t.ok(await service.waitForLog(entry => entry.msg === 'room map reloaded', 'the reload logged'))
  })

  // In-flight requests finishing on SIGTERM: security-load.test.ts, under load.
  await t.test('SIGTERM: the process exits 0 without waiting for the hanging fetch', async t => {
    t.equal(upstream.requests.length, 1, 'the first getserverinfo fetch is still unanswered')
    t.equal(await service.stop(), 0)
    t.ok(service.logs.some(entry => entry.msg === 'shutting down: finishing in-flight requests' &&
      entry.signal === 'SIGTERM'))
  })
})

t.test('demo mode over a real socket, announced loudly', async t => {
  const service = await startService({})
  t.teardown(service.stop)
  const res = await get(service.port, `/rooms/${ROOM}`)
  t.equal(res.headers.location, `/demo/rm/?clientlang=en-US&id=${ROOM}`)
  const page = await get(service.port, res.headers.location as string)
  t.match(page.body, /Room management \(demo\)/)
  t.ok(await service.waitForLog(entry => entry.level === 40 && String(entry.msg).startsWith('DEMO MODE')),
    'a warning says demo mode is on')
})

t.test('bad configuration stops start-up with one line per variable', async t => {
  const result = await runServiceToExit({ PORT: 'eighty', PCWP_BASE_URL_INTERNAL: 'http://pool.corp.example/rm/', PCWP_DEFAULT_NETWORK: 'dmz' })
  t.equal(result.code, EXIT_CONFIG)
  t.match(result.stderr, /^pcwp-links: Invalid configuration:\n/)
  t.match(result.stderr, /\n {2}- PCWP_BASE_URL_INTERNAL: .*https/)
  t.match(result.stderr, /\n {2}- PORT: "eighty" is not a whole number in range; expected a whole number/)
  t.match(result.stderr, /\n {2}- PCWP_DEFAULT_NETWORK: "dmz" is not a known value; expected one of internal, external/)
  t.notMatch(result.stderr, /at .*\.ts:\d+/, 'no stack trace')
  t.equal(result.stdout, '')
})

t.test('getserverinfo override over real sockets: used for every zone once known (MS-OCGCWEB 3.1.3)', async t => {
  const upstream = await startUpstream(serve(xccosReply('roomManagementUrl="https://chatadmin.contoso.com/rooms/"')))
  t.teardown(upstream.close)
  const service = await startService({ ...ENV, PCWP_SERVERINFO_URL: upstream.url })
  t.teardown(service.stop)
  const ready = await waitFor(async () => {
    const answer = await get(service.port, '/readyz')
    return answer.body.includes('"internal":"override"') ? answer : undefined
  }, { what: 'the override in /readyz' })
  t.match(JSON.parse(ready.body), { zones: { internal: 'override', external: 'override' }, override: { url: 'https://chatadmin.contoso.com/rooms/', source: upstream.url } })
  for (const localAddress of ['127.0.0.4', '127.0.0.2']) {
    const res = await get(service.port, `/rooms/${ROOM}`, { localAddress })
    t.equal(res.headers.location, `https://chatadmin.contoso.com/rooms/?clientlang=en-US&id=${ROOM}`, localAddress)
  }
  t.ok(await service.waitForLog(entry => entry.msg === 'getserverinfo: override set' &&
    entry.component === 'serverinfo'))
})

// The other refusals before listening (production without base URLs, page
// catalogs, room map) and the failure line's forms (IPv6, an unresolvable
// HOST) are proven in process by test/service-process.unit.ts.
t.test('a start-up failure is seen: a fatal JSON line on stdout and a plain line on stderr, exit 1, even at LOG_LEVEL=warn', async t => {
  const taken = createServer()
  await new Promise<void>(resolve => taken.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise(resolve => taken.close(resolve)))
  const { port } = taken.address() as AddressInfo
  const exited = await runServiceToExit({ ...ENV, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn' })
  t.equal(exited.code, EXIT_START_FAILED, 'port in use')
  const reason = `cannot listen on 127.0.0.1:${port}: address already in use`
  t.equal(exited.stderr, `pcwp-links: ${reason}\n`, 'one plain line on stderr')
  const fatal = exited.stdout.split('\n')
    .filter(line => line !== '')
    .map(line => JSON.parse(line) as Record<string, unknown>)
    .find(entry => entry.level === 60)
  t.match(fatal, { msg: reason, err: { code: 'EADDRINUSE' } }, 'the JSON fatal line, flushed before exit')
})

t.test('a crash after start is seen the same way: a fatal line and a plain line, exit 1', async t => {
  const preload = fileURLToPath(new URL('../fixtures/crash-after-listening.ts', import.meta.url))
  const exited = await runServiceToExit(
    { ...ENV, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn' }, undefined, ['--import', preload]
  )
  t.equal(exited.code, EXIT_START_FAILED)
  t.equal(exited.stderr, 'pcwp-links: crashed: a deliberate crash for the test\n')
  t.ok(exited.stdout.split('\n').some(line => line.includes('"level":60') &&
    line.includes('crashed: a deliberate crash for the test')), 'the JSON fatal line')
})
