// A room map at a URL, against real upstreams on 127.0.0.1: fetched under limits, asked again with
// conditional GETs, and every kind of bad answer keeping the last good map.
import { pino } from 'pino'
import t, { type Test } from 'tap'
import { Agent } from 'undici'
import { checkRoomMap } from '../../src/roommap/check.ts'
import { createRoomMapFetcher, type RoomMapFetchLimits } from '../../src/roommap/fetch.ts'
import { shownUrl } from '../../src/quote.ts'
import { MAX_ROOM_MAP_BYTES, type ReloadOutcome, type RoomMapSource } from '../../src/roommap/loader.ts'
import { createRoomMapSource, readRoomMap } from '../../src/roommap/source.ts'
import { hostileLines, SKIP_WITHOUT_CORPUS } from '../fixtures/hostile-corpus.ts'
import { A, B, CHANGED, digest } from '../fixtures/room-map.ts'
import {
  dripOf, hang, reset, selfSignedCertificate, serveMap, status, upstream, type Behaviour, type SelfSigned, type Upstream
} from '../fixtures/upstream.ts'
import { waitFor } from '../fixtures/wait.ts'

const MAP = `room,target\n${A},https://teams.example.com/l/channel/a\n${B},retired\n`
const JSON_MAP = JSON.stringify([{ room: A, target: 'retired' }])
// Generous, for fetches that should succeed on a loaded machine; the tests that wait for a limit set theirs.
const LIMITS: RoomMapFetchLimits = { connectTimeoutMs: 10_000, timeoutMs: 10_000 }
const SHORT: RoomMapFetchLimits = { connectTimeoutMs: 1000, timeoutMs: 300 }
const drip = dripOf('text/csv', 'r')

/** The upstream's URL at another path (the fixture names one for getserverinfo). */
const at = (server: Upstream, path: string) => new URL(path, server.url)

interface Harness {
  source: RoomMapSource
  logs: { level: number, msg: string, reason?: string, attempt?: number }[]
  outcomes: ReloadOutcome[]
}

async function harness (
  t: Test,
  url: URL,
  options: { refreshMs?: number, startTimeoutMs?: number, limits?: RoomMapFetchLimits, ca?: string } = {}
): Promise<Harness> {
  const logs: Harness['logs'] = []
  const outcomes: ReloadOutcome[] = []
  const logger = pino({ level: 'info' }, { write: (line: string) => { logs.push(JSON.parse(line)) } })
  const dispatcher = options.ca === undefined ? undefined : new Agent({ connect: { ca: options.ca } })
  const source = await createRoomMapSource({
    location: url,
    allowHttp: false,
    refreshMs: options.refreshMs ?? 3_600_000,
    startTimeoutMs: options.startTimeoutMs ?? 10_000,
    limits: options.limits ?? LIMITS,
    ...(dispatcher === undefined ? {} : { dispatcher }),
    logger,
    onReload: outcome => { outcomes.push(outcome) }
  })
  t.teardown(source.stop)
  return { source, logs, outcomes }
}

t.test('an https:// map loads, without the URL\'s query shown; asked again, a 304 keeps the very map', async t => {
  const tls = await selfSignedCertificate()
  const server = await upstream(t, serveMap(MAP), tls)
  const url = at(server, '/maps/rooms?sig=SECRET')
  const { source, logs, outcomes } = await harness(t, url, { ca: tls.cert })
  await source.load()
  const map = source.current()
  t.equal(map.lookup(B).kind, 'retired')
  t.match(source.state(),
    { entries: 2, source: `${url.origin}/maps/rooms`, lastError: null, sha256: digest(MAP), loadedAt: String })
  t.notMatch(JSON.stringify(logs), 'SECRET', 'the query is in no log line')
  const loadedAt = source.state().loadedAt

  t.equal(await source.reload(), true)
  t.equal(server.requests.at(-1)?.headers['if-none-match'], `"${digest(MAP).slice(0, 16)}"`,
    'asked with the ETag it was given')
  t.equal(source.current(), map, 'a 304 is no new map: nothing parsed')
  t.equal(source.state().loadedAt, loadedAt)
  t.same(outcomes, [], 'and no reload counted')

  server.behave(serveMap(CHANGED))
  t.equal(await source.reload(), true)
  t.equal(source.current().lookup(A).kind, 'retired', 'a changed map is taken')
  t.match(source.state(), { entries: 1, sha256: digest(CHANGED), lastError: null })
  t.same(outcomes, ['success'])
})

t.test('Last-Modified is sent back as If-Modified-Since', async t => {
  const lastModified = 'Mon, 07 Dec 2026 07:00:00 GMT'
  const server = await upstream(t, (req, res) => {
    const unchanged = req.headers['if-modified-since'] === lastModified
    res.writeHead(unchanged ? 304 : 200, { 'content-type': 'text/csv', 'last-modified': lastModified })
    res.end(unchanged ? undefined : MAP)
  })
  const { source } = await harness(t, at(server, '/rooms.csv'))
  await source.load()
  const map = source.current()
  t.equal(await source.reload(), true)
  t.equal(server.requests.at(-1)?.headers['if-modified-since'], lastModified)
  t.equal(source.current(), map)
})

t.test('CSV or JSON by the media type; by the path\'s extension when the type says nothing', async t => {
  const cases: [string, string, Record<string, string | string[]>][] = [
    ['/rooms', MAP, { 'content-type': 'text/csv; charset=utf-8' }],
    ['/rooms', JSON_MAP, { 'content-type': 'application/json' }],
    ['/rooms', JSON_MAP, { 'content-type': 'application/vnd.corp.rooms+json' }],
    ['/rooms.json', JSON_MAP, { 'content-type': 'application/octet-stream' }],
    ['/ROOMS.CSV', MAP, { 'content-type': 'text/plain; charset="US-ASCII"' }],
    ['/rooms.csv', MAP, {}]
  ]
  for (const [path, body, headers] of cases) {
    const server = await upstream(t, serveMap(body, headers))
    const { map, sha256 } = await readRoomMap(at(server, path), { allowHttp: false, limits: LIMITS })
    t.equal(map.lookup(A).kind, body === MAP ? 'moved' : 'retired', `${path} ${JSON.stringify(headers)}`)
    t.equal(sha256, digest(body))
  }
})

t.test('what gives no map is refused, by what it is, without quoting the server', async t => {
  const tls = await selfSignedCertificate()
  const elsewhere = await upstream(t, serveMap(MAP))
  const cases: [string, Behaviour, RegExp, SelfSigned?][] = [
    ['a 200 with an HTML error page',
      serveMap('<!doctype html><h1>Sign in</h1>', { 'content-type': 'text/html; charset=utf-8' }),
      /not a map \(an HTML page\): expected text\/csv or application\/json, or a path ending in \.csv or \.json$/],
    ['an Excel workbook', serveMap(MAP, { 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }),
      /not a map \(an Excel workbook: save it as CSV\)/],
    ['a generic type and no extension', serveMap(MAP, { 'content-type': 'application/octet-stream' }), /not a map \(a media type that does not say which\)/],
    ['no media type and no extension', serveMap(MAP, {}), /not a map \(no media type\)/],
    ['a media type given twice, which names none', serveMap(MAP, { 'content-type': ['text/csv', 'text/html'] }),
      /not a map \(no media type\)/],
    ['a media type that is not one', serveMap(MAP, { 'content-type': 'text/<script>' }), /not a map \(another media type\): /],
    ['another charset', serveMap(MAP, { 'content-type': 'text/csv; charset=iso-8859-1' }), /not UTF-8 \(its charset says otherwise\)/],
    ['a redirect elsewhere', status(302, { location: elsewhere.url }), /the server answered HTTP 302 \(redirects are not followed\)$/],
    ['an error status', status(503), /the server answered HTTP 503$/],
    ['a 304 to a GET that named no version', status(304), /the server answered HTTP 304$/],
    ['a connection reset', reset, /the server could not be read \(UND_ERR_SOCKET\)$/],
    ['an untrusted certificate', serveMap(MAP), /the server could not be read \((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)\)$/, tls],
    ['a declared size over the cap', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/csv', 'content-length': String(MAX_ROOM_MAP_BYTES + 1) })
      res.write('room,target\n')
    }, /the answer is larger than 64 MiB$/],
    ['a slow drip', drip, /no whole answer within 0\.3 s$/],
    ['no answer', hang, /no whole answer within 0\.3 s$/]
  ]
  for (const [what, behaviour, message, secure] of cases) {
    const server = await upstream(t, behaviour, secure)
    const url = at(server, '/rooms?token=SECRET')
    const { error, text } = await checkRoomMap(url, { allowHttp: false, limits: SHORT })
    t.equal(error, 'PCWP_ROOM_MAP_UNREACHABLE', what)
    t.match(text, new RegExp(`^${shownUrl(url).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: unreachable, 1 error\n`), what)
    t.match(text.trimEnd().split('\n')[1], message, what)
    t.notMatch(text, /SECRET|Sign in|script/, `${what}: nothing of the URL's query or the answer is quoted`)
  }
  t.equal(elsewhere.requests.length, 0, 'the redirect was not followed')
})

t.test('an answer over 64 MiB without a declared size is cut off at the cap', async t => {
  const server = await upstream(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/csv' })
    // NUL bytes: the map is known to be bad at once, but read on to the end for every problem.
    const chunk = Buffer.alloc(1024 * 1024)
    let sent = 0
    const more = () => {
      while (sent <= MAX_ROOM_MAP_BYTES && res.write(chunk)) sent += chunk.length
      if (sent > MAX_ROOM_MAP_BYTES) res.end()
      else res.once('drain', () => { sent += chunk.length; more() })
    }
    more()
  })
  await t.rejects(readRoomMap(at(server, '/rooms.csv'), { allowHttp: false, limits: LIMITS }),
    { code: 'PCWP_ROOM_MAP_UNREACHABLE', message: /the answer is larger than 64 MiB$/ })
})

t.test('a malformed answer, or a hostile map, gives a clear error and nothing else', async t => {
  const raw = await upstream(t, req => {
    req.socket.end('HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nContent-Length: nonsense\r\n\r\nroom,target\n')
  })
  await t.rejects(readRoomMap(at(raw, '/rooms.csv'), { allowHttp: false, limits: LIMITS }),
    { code: 'PCWP_ROOM_MAP_UNREACHABLE', message: /the server could not be read \(HTTPParserError\)$/ })
  const bad = await upstream(t, serveMap(`room,target\n${A},javascript:alert(1)\n`))
  await t.rejects(readRoomMap(at(bad, '/rooms.csv'), { allowHttp: false, limits: LIMITS }),
    { code: 'PCWP_ROOM_MAP_INVALID', message: /\/rooms\.csv: 1 problem\nline 2, target: / })
})

t.test('hostile lines served as a map: refused as a map, in printable messages', { skip: SKIP_WITHOUT_CORPUS }, async t => {
  const lines = hostileLines()
  const server = await upstream(t, serveMap(`room,target\n${lines.map(line => `${A},${line}`).join('\n')}\n`))
  const { error, text } = await checkRoomMap(at(server, '/rooms.csv'), { allowHttp: false, limits: LIMITS })
  t.equal(error, 'PCWP_ROOM_MAP_INVALID')
  const unprintable = text.trimEnd().split('\n').filter(line => /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u.test(line))
  t.same(unprintable, [], 'no control or format character in the report')
})

t.test('every bad answer on a refresh keeps the last good map, said and counted', async t => {
  const tls = await selfSignedCertificate()
  const server = await upstream(t, serveMap(MAP), tls)
  const elsewhere = await upstream(t, serveMap(MAP))
  const limits = { connectTimeoutMs: 1000, timeoutMs: 500 }
  const { source, logs, outcomes } = await harness(t, at(server, '/rooms?sig=SECRET'), { ca: tls.cert, limits })
  await source.load()
  const good = source.current()
  const bad: [string, Behaviour, RegExp][] = [
    ['an HTML page', serveMap('<html>down for maintenance</html>', { 'content-type': 'text/html' }), /^PCWP_ROOM_MAP_UNREACHABLE: not a map \(an HTML page\)/],
    ['a redirect', status(307, { location: at(elsewhere, '/rooms.csv').href }), /HTTP 307 \(redirects are not followed\)$/],
    ['a slow drip', drip, /no whole answer within 0\.5 s$/],
    ['an oversized answer', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/csv', 'content-length': String(MAX_ROOM_MAP_BYTES * 2) })
      res.end()
    }, /larger than 64 MiB$/],
    ['a malformed answer', req => {
      req.socket.end('HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nContent-Length: -1\r\n\r\nroom,target\n')
    }, /\(HTTPParserError\)$/],
    ['a hostile body', serveMap(`room,target\n${'\u0000\r\n%0d%0aSet-Cookie: x=1\r\n<script>\u202e'.repeat(2000)}`),
      /^PCWP_ROOM_MAP_INVALID: line 2: contains a NUL character/],
    ['an invalid map', serveMap(`room,target\n${A},http://plain.example/\n`), /^PCWP_ROOM_MAP_INVALID: line 2, target: /]
  ]
  for (const [what, behaviour, reason] of bad) {
    server.behave(behaviour)
    t.equal(await source.reload(), false, what)
    t.equal(source.current(), good, `${what}: the last good map stays`)
    t.match(source.state(), { lastError: reason, sha256: digest(MAP) }, what)
    t.notOk(source.lastReloadSuccessful())
  }
  t.same(outcomes, Array.from(bad, () => 'failure'), 'each counted')
  t.equal(elsewhere.requests.length, 0, 'the redirect was not followed')
  t.notMatch(JSON.stringify(logs), 'SECRET', 'the URL\'s query is in no log line')
  t.equal(logs.filter(line => line.msg === 'room map: source failing; the last good map stays').length, 1,
    'an unreachable source is said once until it recovers')
  t.equal(logs.filter(line => line.msg === 'room map rejected; the last good map stays').length, 2,
    'each refused map is said')
  t.ok(logs.some(line => line.msg === 'room map: source recovered'), 'the map that came was an answer: recovered')

  t.equal(await source.reload(), false, 'the refused map, unchanged (304), is not fetched again')
  t.match(source.state(), { lastError: /^PCWP_ROOM_MAP_INVALID: / })
  t.equal(outcomes.length, bad.length, 'nor counted again')

  // The server's certificate changes to one not trusted.
  server.recertify(await selfSignedCertificate())
  server.behave(serveMap(MAP))
  t.equal(await source.reload(), false, 'a TLS failure')
  t.match(source.state(), { lastError: /\((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|ERR_SSL_[A-Z_]+|ECONNRESET|UND_ERR_SOCKET)\)$/ })
  t.equal(source.current(), good)
})

t.test('refreshing: a change is taken within a refresh, and stop() ends it', async t => {
  const server = await upstream(t, serveMap(MAP))
  const { source } = await harness(t, at(server, '/rooms.csv'), { refreshMs: 50 })
  t.throws(() => source.current(), /not loaded yet: call load\(\) first/)
  t.same(source.state(),
    { entries: 0, loadedAt: null, source: shownUrl(at(server, '/rooms.csv')), lastError: null, sha256: null })
  await source.load()
  source.start()
  await waitFor(() => server.requests.length >= 3, { what: 'the map to be asked again twice' })
  server.behave(serveMap(CHANGED))
  await waitFor(() => source.state().sha256 === digest(CHANGED), { what: 'the changed map to be taken' })
  await source.stop()
  const asked = server.requests.length
  t.equal(await source.reload(), true, 'once stopped, a reload (a SIGHUP in shutdown) asks nothing')
  t.equal(server.requests.length, asked)
  t.equal(source.state().lastError, null, 'and fails nothing')
})

t.test('stopped while a refresh is under way: no failure said, counted or kept', async t => {
  const server = await upstream(t, serveMap(MAP))
  const { source, logs, outcomes } = await harness(t, at(server, '/rooms.csv?sig=SECRET'), { refreshMs: 50 })
  await source.load()
  server.behave(hang)
  source.start()
  await waitFor(() => server.requests.length >= 2, { what: 'a refresh to be under way' })
  await source.stop()
  t.same(outcomes, [])
  t.match(source.state(), { lastError: null, sha256: digest(MAP) })
  t.same(logs.filter(line => line.level >= 40), [], 'nothing said above info')
})

t.test('a server without validators: the same bytes again are no new map; other bytes are', async t => {
  const server = await upstream(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/csv' })
    res.end(MAP)
  })
  const { source, outcomes, logs } = await harness(t, at(server, '/rooms.csv'))
  await source.load()
  const { loadedAt } = source.state()
  const map = source.current()
  t.equal(await source.reload(), true)
  t.equal(server.requests.at(-1)?.headers['if-none-match'], undefined, 'nothing to ask with')
  t.equal(source.current(), map, 'the map in force stays')
  t.equal(source.state().loadedAt, loadedAt)
  t.same(outcomes, [], 'no reload counted')
  t.notOk(logs.some(line => line.msg === 'room map reloaded'))
  server.behave(serveMap(CHANGED, { 'content-type': 'text/csv' }))
  t.equal(await source.reload(), true)
  t.same(outcomes, ['success'])
  t.equal(source.state().sha256, digest(CHANGED))
})

t.test('what the network did not raise is a bug of ours: thrown on, not called an unreachable server', async t => {
  const raising = (thrown: unknown) => new (class extends Agent {
    override dispatch (): boolean { throw thrown }
  })()
  const read = async (thrown: unknown) => readRoomMap(new URL('https://maps.corp.example/rooms.csv'),
    { allowHttp: false, dispatcher: raising(thrown) })
  await t.rejects(read(new TypeError('a bug')), { name: 'TypeError', message: 'a bug' })
  await t.rejects(read(Object.assign(new Error('a bad argument'), { code: 'ERR_INVALID_ARG_TYPE' })),
    { code: 'ERR_INVALID_ARG_TYPE' }, 'Node\'s ERR_ codes but TLS\'s are a caller\'s mistake')
  t.equal(await read('not even an Error').catch((thrown: unknown) => thrown), 'not even an Error')
  const altname = Object.assign(new Error('a certificate for another host'), { code: 'ERR_TLS_CERT_ALTNAME_INVALID' })
  await t.rejects(read(altname),
    { code: 'PCWP_ROOM_MAP_UNREACHABLE', message: /the server could not be read \(ERR_TLS_CERT_ALTNAME_INVALID\)$/ },
    'TLS\'s are the network\'s')
})

t.test('stopped while loading: load() ends, whether a fetch or a wait for the next is under way', async t => {
  const silent = await upstream(t, hang)
  const hanging = await harness(t, at(silent, '/rooms.csv'))
  // Caught at once: it ends while stop() is awaited.
  const loading = hanging.source.load().catch((error: unknown) => error)
  await waitFor(() => silent.requests.length === 1, { what: 'the first fetch to be under way' })
  await hanging.source.stop()
  t.match(await loading, { code: 'PCWP_ROOM_MAP_UNREACHABLE', message: /stopped before a map had loaded$/ })

  const refusing = await upstream(t, status(503))
  const waiting = await harness(t, at(refusing, '/rooms.csv'))
  const retrying = waiting.source.load().catch((error: unknown) => error)
  await waitFor(() => waiting.logs.some(line => line.msg === 'room map unreachable; asking again before listening'),
    { what: 'the wait before the second attempt' })
  await waiting.source.stop()
  t.match(await retrying, { message: /stopped before a map had loaded$/ })
  t.equal(refusing.requests.length, 1, 'not asked again')
})

t.test('at start: an unreachable URL is asked again, with the reason logged, until it answers', async t => {
  const server = await upstream(t, status(503))
  const { source, logs } = await harness(t, at(server, '/rooms.csv'))
  const loading = source.load()
  await waitFor(() => server.requests.length >= 1, { what: 'the first attempt' })
  server.behave(serveMap(MAP))
  await loading
  t.equal(source.current().size, 2)
  t.match(logs.find(line => line.msg === 'room map unreachable; asking again before listening'),
    { reason: 'the server answered HTTP 503', attempt: 1, retryInMs: 1000 })
  t.equal(source.state().lastError, null)
})

t.test('at start: an invalid map is refused at once; a URL unreachable for the start time limit, with the last reason', async t => {
  const bad = await upstream(t, serveMap(`room,target\n${A},nowhere\n`))
  await t.rejects((await harness(t, at(bad, '/rooms.csv'))).source.load(), { code: 'PCWP_ROOM_MAP_INVALID', message: /line 2, target/ })
  t.equal(bad.requests.length, 1, 'not asked again')

  const down = await upstream(t, status(502))
  const started = Date.now()
  await t.rejects((await harness(t, at(down, '/rooms.csv'), { startTimeoutMs: 1500 })).source.load(), {
    code: 'PCWP_ROOM_MAP_UNREACHABLE',
    message: /\/rooms\.csv: 1 problem\nno map within 1\.5 s \(PCWP_ROOM_MAP_START_TIMEOUT_S\); the last attempt: the server answered HTTP 502$/
  })
  t.ok(down.requests.length >= 2, 'asked more than once')
  t.ok(Date.now() - started < 10_000, 'and no longer than the limit allows')

  const silent = await upstream(t, hang)
  await t.rejects((await harness(t, at(silent, '/rooms.csv'), { startTimeoutMs: 300 })).source.load(),
    { message: /no map within 0\.3 s \(PCWP_ROOM_MAP_START_TIMEOUT_S\); the last attempt: no answer$/ }, 'a hanging first attempt is cut off by the limit')
})

t.test('the default limits and Agent: a map over loopback http loads', async t => {
  const server = await upstream(t, serveMap(MAP))
  const fetcher = createRoomMapFetcher(at(server, '/rooms.csv'), { allowHttp: false })
  const fetched = await fetcher.fetch()
  t.ok('loaded' in fetched && fetched.loaded.map.size === 2)
  await fetcher.close()
  await fetcher.close()
  await t.rejects(fetcher.fetch(), { message: /stopped waiting for the answer/ }, 'closed: fails at once')
})
