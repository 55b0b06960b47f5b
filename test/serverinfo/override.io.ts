// The getserverinfo override against a real upstream on 127.0.0.1 (MS-OCGCWEB 3.1.3).
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import t, { type Test } from 'tap'
import { Agent, MockAgent } from 'undici'
import type { ServerInfoConfig } from '../../src/config.ts'
import { MAX_REPLY_BYTES } from '../../src/serverinfo/fetch.ts'
import {
  createServerInfoOverride, type FetchResult, type ServerInfoOverrideOptions
} from '../../src/serverinfo/override.ts'
import { app, ROOM } from '../fixtures/app.ts'
import { mapFile } from '../fixtures/room-map.ts'
import {
  drip, hang, memoryLogger, reset, selfSignedCertificate, serve, startUpstream, status, upstream, xccosReply,
  type Behaviour
} from '../fixtures/upstream.ts'
import { waitFor } from '../fixtures/wait.ts'

const OVERRIDE = 'https://chatadmin.contoso.com/rooms/'
const good = (url = OVERRIDE) => serve(xccosReply(`roomManagementUrl="${url}"`))

// Generous, so that a fetch that should succeed does on a loaded machine; the tests that
// wait for a timeout to fire set a short one.
const SHORT_TIMEOUT = { timeoutMs: 300 }

function settings (url: string, overrides: Partial<ServerInfoConfig> = {}): ServerInfoConfig {
  return { url: new URL(url), refreshMs: 60_000, timeoutMs: 10_000, maxStaleMs: 10_000, ...overrides }
}

function override (t: Test, options: Partial<ServerInfoOverrideOptions> & { config: ServerInfoConfig }) {
  const { logger, logs } = memoryLogger()
  const results: FetchResult[] = []
  const source = createServerInfoOverride({
    allowHttp: false, logger, onFetch: result => results.push(result), ...options
  })
  t.teardown(source.stop)
  return { source, logs, results }
}

t.test('a good XML reply sets the override; state shows it', async t => {
  const server = await upstream(t, good())
  const { source, logs, results } = override(t, { config: settings(server.url) })
  t.equal(source.current(), undefined, 'nothing before the first fetch')
  t.same(source.state(),
    { source: server.url, url: null, ageSeconds: null, lastFetchAt: null, lastError: null, refused: false })
  await source.refresh()
  t.equal(source.current()?.href, OVERRIDE)
  t.match(source.state(), { source: server.url, url: OVERRIDE, ageSeconds: 0, lastFetchAt: String, lastError: null })
  t.equal(server.requests[0]?.headers.accept, 'application/xml, application/json')
  t.same(results, ['override'])
  t.match(logs, [{ level: 30, msg: 'getserverinfo: override set', url: OVERRIDE }])
  await source.refresh()
  t.equal(logs.length, 1, 'an unchanged override is not logged again')
})

t.test('a reply without a content type is sniffed', async t => {
  const server = await upstream(t, (_req, res) => { res.end(xccosReply(`roomManagementUrl="${OVERRIDE}"`)) })
  const { source } = override(t, { config: settings(server.url) })
  await source.refresh()
  t.equal(source.current()?.href, OVERRIDE)
})

t.test('a JSON reply', async t => {
  const server = await upstream(t, serve(JSON.stringify({ roomManagementUrl: OVERRIDE }), 'application/json'))
  const { source } = override(t, { config: settings(server.url) })
  await source.refresh()
  t.equal(source.current()?.href, OVERRIDE)
})

t.test('unusable override URLs are ignored and logged once (same validation as configured bases)', async t => {
  const server = await upstream(t, good('http://chatadmin.contoso.com/rooms/'))
  const { source, logs, results } = override(t, { config: settings(server.url) })
  await source.refresh()
  await source.refresh()
  t.equal(source.current(), undefined, 'http refused without PCWP_ALLOW_HTTP')
  t.same(results, ['none', 'none'], 'a refused URL counts as none')
  t.equal(logs.filter(l => l.msg === 'getserverinfo: ignoring the roomManagementUrl of the reply').length, 1,
    'logged once')
  t.match(source.state(), { refused: true, lastError: /^PCWP_BASE_URL_SCHEME: .*https/ }, '/readyz says why, in the service\'s own words')
  t.notMatch(source.state().lastError, /chatadmin/, 'never quoting the upstream')
  for (const bad of ['javascript:alert(1)', '//evil.example/', 'https://chatadmin.contoso.com/rooms/?id=x', 'https://u:p@evil.example/']) {
    server.behave(good(bad.replace(/&/g, '&amp;')))
    await source.refresh()
    t.equal(source.current(), undefined, bad)
  }
  t.equal(logs.filter(l => l.msg === 'getserverinfo: ignoring the roomManagementUrl of the reply').length, 5,
    'each new bad value once')
  t.notOk(JSON.stringify(logs).includes('javascript:'), 'the refused value itself is not logged')

  const allowed = override(t, { config: settings(server.url), allowHttp: true })
  server.behave(good('http://chatadmin.contoso.com/rooms/'))
  await allowed.source.refresh()
  t.equal(allowed.source.current()?.href, 'http://chatadmin.contoso.com/rooms/', 'http accepted when allowed')
  t.match(allowed.source.state(), { refused: false, lastError: null })
  server.behave(serve(xccosReply('')))
  await source.refresh()
  t.match(source.state(), { refused: false, lastError: null }, 'a reply without a URL is no refusal')
})

t.test('status and parse cases through undici\'s MockAgent as the dispatcher', async t => {
  const agent = new MockAgent()
  agent.disableNetConnect()
  const pool = agent.get('https://pool.example')
  pool.intercept({ path: '/getserverinfo' })
    .reply(200, xccosReply(`roomManagementUrl="${OVERRIDE}"`), { headers: { 'content-type': 'application/xml' } })
  pool.intercept({ path: '/getserverinfo' }).reply(503, 'busy')
  pool.intercept({ path: '/getserverinfo' }).reply(200, '{"roomManagementUrl": ""}',
    { headers: { 'content-type': 'application/json' } })
  const { source, results } = override(t, { config: settings('https://pool.example/getserverinfo'), dispatcher: agent })
  await source.refresh()
  t.equal(source.current()?.href, OVERRIDE)
  await source.refresh()
  t.match(source.state().lastError, /^PCWP_SERVERINFO_HTTP_STATUS: the upstream answered HTTP 503$/)
  await source.refresh()
  t.equal(source.current(), undefined)
  t.same(results, ['override', 'error', 'none'])
})

t.test('a 304 is no redirect; a malformed answer is named by its kind; a bug of ours is thrown on', async t => {
  const server = await upstream(t, status(304))
  const { source } = override(t, { config: settings(server.url) })
  await source.refresh()
  t.equal(source.state().lastError, 'PCWP_SERVERINFO_HTTP_STATUS: the upstream answered HTTP 304')
  server.behave(req => { req.socket.end('HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n<') })
  await source.refresh()
  t.equal(source.state().lastError, 'PCWP_SERVERINFO_UNREACHABLE: the upstream could not be read (HTTPParserError)')
  const broken = new (class extends Agent {
    override dispatch (): boolean { throw new TypeError('a bug') }
  })()
  const { source: buggy, results } = override(t, { config: settings(server.url), dispatcher: broken })
  await t.rejects(buggy.refresh(), { name: 'TypeError', message: 'a bug' })
  t.same(results, [], 'not counted as the upstream\'s failure')
})

t.test('a reply reset in the middle of its body is an error, not a partial override', async t => {
  const server = await upstream(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/xml', 'content-length': '5000' })
    res.write('<xccos xmlns="urn:parlano:xml:ns:xccos">')
    setImmediate(() => res.socket?.destroy())
  })
  const { source, results } = override(t, { config: settings(server.url) })
  await source.refresh()
  t.equal(source.current(), undefined)
  t.match(source.state().lastError, /^PCWP_SERVERINFO_UNREACHABLE: /)
  t.same(results, ['error'])
})

t.test('every kind of upstream failure is recorded, not thrown', async t => {
  const server = await upstream(t, good())
  const cases: [string, Behaviour, RegExp, Partial<ServerInfoConfig>?][] = [
    ['resp code 500', serve(xccosReply(`roomManagementUrl="${OVERRIDE}"`, '500')), /resp code 500/],
    ['HTTP 404', status(404), /HTTP 404/],
    ['HTTP 500', status(500), /HTTP 500/],
    ['a redirect, not followed', status(302, { location: 'https://evil.example/' }), /HTTP 302 \(redirects are not followed\)/],
    ['malformed XML', serve('<xccos xmlns="urn:parlano:xml:ns:xccos"><rpl>'), /not well-formed/],
    ['a DOCTYPE', serve('<!DOCTYPE x [<!ENTITY a "b">]><xccos/>'), /DOCTYPE/],
    ['a body far over the cap', serve('<'.repeat(MAX_REPLY_BYTES * 2)), /larger than 1048576 bytes/],
    ['a declared length over the cap', (_req, res) => { res.writeHead(200, { 'content-length': String(MAX_REPLY_BYTES + 1) }); res.write('<') }, /larger than/],
    ['a connection reset', reset, /could not be read \(UND_ERR_SOCKET\)/],
    ['a server that never answers', hang, /did not answer in time/, SHORT_TIMEOUT],
    ['a slow-drip body', drip, /did not answer in time/, SHORT_TIMEOUT]
  ]
  for (const [label, behaviour, message, timeout] of cases) {
    server.behave(behaviour)
    const { source, results } = override(t, { config: settings(server.url, timeout) })
    await source.refresh()
    t.equal(source.current(), undefined, label)
    t.match(source.state().lastError, message, label)
    t.same(results, ['error'], label)
  }
  const before = server.requests.length
  server.behave(status(302, { location: `${server.url}?again` }))
  const { source } = override(t, { config: settings(server.url) })
  await source.refresh()
  t.equal(server.requests.length, before + 1, 'the redirect target is never fetched')
})

t.test('an https upstream is fetched over TLS with its certificate checked: a self-signed one is refused', async t => {
  const server = await upstream(t, good(), await selfSignedCertificate())
  const { source, results } = override(t, { config: settings(server.url, { timeoutMs: 5000 }) })
  await source.refresh()
  t.equal(server.requests.length, 0, 'no request is sent to a server that could not prove who it is')
  t.equal(source.current(), undefined)
  t.match(source.state().lastError, /could not be read \(DEPTH_ZERO_SELF_SIGNED_CERT\)/)
  t.same(results, ['error'])
})

t.test('nothing listening: unreachable', async t => {
  const server = await startUpstream(good())
  await server.close()
  const { source } = override(t, { config: settings(server.url) })
  await source.refresh()
  t.match(source.state().lastError, /could not be read \(ECONNREFUSED\)/)
})

t.test('stale-if-error, then expiry after the maximum staleness; recovery with a new URL', async t => {
  let now = 1_000_000
  const server = await upstream(t, good())
  const { source, logs } = override(t, { config: settings(server.url, { maxStaleMs: 5000 }), clock: () => now })
  await source.refresh()
  t.equal(source.current()?.href, OVERRIDE)

  server.behave(status(503))
  now += 2000
  await source.refresh()
  t.equal(source.current()?.href, OVERRIDE, 'a failed refresh keeps the last good value')
  t.match(source.state(), { url: OVERRIDE, ageSeconds: 2, lastError: 'the upstream answered HTTP 503' })
  now += 2000
  await source.refresh()
  t.equal(source.current()?.href, OVERRIDE, 'still within the maximum staleness')
  t.equal(logs.filter(l => l.msg.startsWith('getserverinfo: upstream failing')).length, 1,
    'the failing upstream is logged once')

  now += 2000
  await source.refresh()
  t.equal(source.current(), undefined, 'dropped once older than the maximum staleness')
  t.match(source.state(), { url: null, ageSeconds: null })
  t.equal(logs.filter(l => l.msg.startsWith('getserverinfo: override lost')).length, 1)

  server.behave(good('https://new.contoso.com/rm/'))
  now += 1000
  await source.refresh()
  t.equal(source.current()?.href, 'https://new.contoso.com/rm/')
  t.match(logs.slice(-2),
    [{ msg: 'getserverinfo: upstream recovered', failedAttempts: 3 }, { msg: 'getserverinfo: override set' }])
  server.behave(good('https://newer.contoso.com/rm/'))
  await source.refresh()
  t.match(logs.at(-1), { msg: 'getserverinfo: override changed', url: 'https://newer.contoso.com/rm/', previous: 'https://new.contoso.com/rm/' })
})

t.test('a successful reply without a URL clears the override at once', async t => {
  const server = await upstream(t, good())
  const { source, logs } = override(t, { config: settings(server.url) })
  await source.refresh()
  server.behave(serve(xccosReply('roomManagementUrl=""')))
  await source.refresh()
  t.equal(source.current(), undefined)
  t.match(logs.at(-1), { msg: 'getserverinfo: no override any more; the provisioned base URLs apply', previous: OVERRIDE })
})

t.test('a file: source', async t => {
  const dir = await mkdtemp(join(tmpdir(), 'pcwp-serverinfo-'))
  t.teardown(() => rm(dir, { recursive: true }))
  const xml = join(dir, 'serverinfo.xml')
  await writeFile(xml, xccosReply(`roomManagementUrl="${OVERRIDE}"`))
  const fromXml = override(t, { config: settings(pathToFileURL(xml).href) })
  await fromXml.source.refresh()
  t.equal(fromXml.source.current()?.href, OVERRIDE)
  t.equal(fromXml.source.state().source, pathToFileURL(xml).href)

  const json = join(dir, 'serverinfo.json')
  await writeFile(json, JSON.stringify({ roomManagementUrl: 'https://json.contoso.com/rm/' }))
  const fromJson = override(t, { config: settings(pathToFileURL(json).href) })
  await fromJson.source.refresh()
  t.equal(fromJson.source.current()?.href, 'https://json.contoso.com/rm/')

  const big = join(dir, 'big.xml')
  await writeFile(big, Buffer.alloc(MAX_REPLY_BYTES + 1, 0x3c))
  const fromBig = override(t, { config: settings(pathToFileURL(big).href) })
  await fromBig.source.refresh()
  t.match(fromBig.source.state().lastError, /larger than/)

  const missing = override(t, { config: settings(pathToFileURL(join(dir, 'missing.xml')).href) })
  await missing.source.refresh()
  t.match(missing.source.state().lastError, /could not be read \(ENOENT\)/)
})

t.test('the background loop refreshes with jitter, backs off after failures, and stops', async t => {
  const refreshMs = 40
  const server = await upstream(t, good())
  const { source } = override(t, { config: settings(server.url, { refreshMs }), random: () => 0.5 })
  source.start()
  await waitFor(() => server.requests.length >= 3, { what: 'three refreshes' })
  t.equal(source.current()?.href, OVERRIDE)
  server.behave(status(500))
  const failedFrom = server.requests.length
  await waitFor(() => server.requests.length >= failedFrom + 2, { what: 'two retries after failures' })
  t.equal(source.current()?.href, OVERRIDE, 'retries keep the last good value meanwhile')
  await source.stop()
  const stoppedAt = server.requests.length
  // Nothing to wait for but the absence of a fetch: a few refresh periods (an option, small here) must pass.
  await new Promise(resolve => setTimeout(resolve, 4 * refreshMs))
  t.equal(server.requests.length, stoppedAt, 'no fetch after stop')
})

t.test('stop aborts a hanging fetch instead of waiting for it', async t => {
  const server = await upstream(t, hang)
  const { source, results } = override(t, { config: settings(server.url, { timeoutMs: 60_000 }) })
  source.start()
  await waitFor(() => server.requests.length >= 1, { what: 'the fetch to reach the upstream' })
  await source.stop()
  t.equal(source.state().lastError, null, 'the fetch stop() cut short is no failure')
  t.same(results, [], 'nor counted')
})

t.test('while the upstream hangs, redirects are answered from memory without waiting', async t => {
  const server = await upstream(t, good())
  const { source } = override(t, { config: settings(server.url, { timeoutMs: 5000 }) })
  await source.refresh()
  server.behave(hang)
  const service = await app({ PCWP_BASE_URL_INTERNAL: 'https://pool.corp.example/rm/', PCWP_SERVERINFO_URL: server.url }, source)
  t.teardown(() => service.close())
  let refreshed = false
  const pending = source.refresh().then(() => { refreshed = true })
  await waitFor(() => server.requests.length >= 2, { what: 'the second fetch to reach the hanging upstream' })
  for (let i = 0; i < 50; i++) {
    const res = await service.inject({ url: `/rooms/${ROOM}`, remoteAddress: '203.0.113.9' })
    t.equal(res.headers.location, `${OVERRIDE}?clientlang=en-US&id=${ROOM}`)
  }
  t.equal(refreshed, false, 'fifty redirects were answered while the fetch was still hanging')
  const ready = await service.inject('/readyz')
  t.match(ready.json(), {
    status: 'ready',
    zones: { internal: 'override', external: 'override' },
    override: { url: OVERRIDE }
  })
  await source.stop()
  await pending
})

t.test('the clients\' RoomManagementUrl set to this service: the override is refused, and the clients\' links follow the map',
  async t => {
    // Set-CsPersistentChatConfiguration -RoomManagementUrl https://links.example.com/rm/, and pcwp-links serving /rm/.
    const server = await upstream(t, good('https://links.example.com/rm/'))
    const { source, results, logs } = override(t, { config: settings(server.url), publicUrl: 'https://links.example.com' })
    await source.refresh()
    t.equal(source.current(), undefined, 'never followed')
    t.same(results, ['none'], 'counted as a refused URL is')
    t.match(source.state(), { refused: true, lastError: /^PCWP_SERVERINFO_SELF: .*PCWP_PUBLIC_URL/ })
    t.match(logs, [{ code: 'PCWP_SERVERINFO_SELF', msg: 'getserverinfo: ignoring the roomManagementUrl of the reply' }])

    const moved = '3F2504E0-4F89-11D3-9A0C-0305E82C3301'
    const map = await mapFile(t, 'rooms.csv', `room,target\n${moved},https://teams.example.com/l/channel/{id}\n`)
    const service = await app({
      PCWP_BASE_URL_INTERNAL: 'https://pool.corp.example/PersistentChat/RM/',
      PCWP_PUBLIC_URL: 'https://links.example.com',
      PCWP_LEGACY_PATHS: '/rm/',
      PCWP_SERVERINFO_URL: server.url,
      PCWP_DEFAULT_NETWORK: 'internal',
      PCWP_ROOM_MAP: map
    }, source)
    t.teardown(() => service.close())
    const get = async (url: string) => service.inject({ url, headers: { host: 'links.example.com' } })
    const unlisted = await get(`/rm/?clientlang=de-DE&id=${ROOM}`)
    t.equal(unlisted.headers.location, `https://pool.corp.example/PersistentChat/RM/?clientlang=de-DE&id=${ROOM}`,
      'a client\'s link to an unlisted room reaches the real room management application')
    t.equal((await get(`/rm/?clientlang=de-DE&id=${moved}`)).headers.location, `https://teams.example.com/l/channel/${moved}`,
      'a moved room follows the map, from the clients too')
    t.equal((await get(`/rooms/${ROOM}`)).headers.location,
      `https://pool.corp.example/PersistentChat/RM/?clientlang=en-US&id=${ROOM}`, '/rooms/<GUID> as well')
    const ready = await get('/readyz')
    t.equal(ready.statusCode, 200)
    t.match(ready.json(), { override: { refused: true, lastError: /^PCWP_SERVERINFO_SELF: / }, zones: { internal: 'provisioned' } },
      '/readyz names the refused override')
  })

t.test('an override on another host is followed; a reply naming this host is refused only where the host is known',
  async t => {
    const server = await upstream(t, good('https://links.example.com/rm/'))
    const unknown = override(t, { config: settings(server.url) })
    await unknown.source.refresh()
    t.equal(unknown.source.current()?.href, 'https://links.example.com/rm/', 'without PCWP_PUBLIC_URL: followed (the answer checks)')
    const elsewhere = override(t, { config: settings(server.url), publicUrl: 'https://links.example.com:8443' })
    await elsewhere.source.refresh()
    t.equal(elsewhere.source.current()?.href, 'https://links.example.com/rm/', 'another port is another host')
  })
