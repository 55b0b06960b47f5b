// The access line (docs/design.md "Access log"): one pino line per answered request, through fastify.
import type { AddressInfo } from 'node:net'
import { connect } from 'node:net'
import t from 'tap'
import { pino } from 'pino'
import { createApp } from '../../src/http/app.ts'
import { loggerOptions } from '../../src/logger.ts'
import { config, ROOM, STANDARD_ENV } from '../fixtures/app.ts'
import { memoryLogger, type LogEntry } from '../fixtures/upstream.ts'

async function logged (level = 'info', env: Readonly<Record<string, string>> = STANDARD_ENV) {
  const settings = config(env)
  // As server.ts builds it: the logger's redaction follows PCWP_LOG_CLIENT.
  const { logger, logs } = memoryLogger(settings.logClient)
  logger.level = level
  // Not made ready here: a test may add a route first (inject makes it ready).
  const service = await createApp({ config: settings, logger })
  return { service, logs }
}

const KINDS = [
  'create', 'room', 'legacy', 'links', 'asset', 'health', 'metrics', 'openapi', 'demo', 'not_found', 'other'
]

t.test('every line has the schema\'s fields; room links add zone, lang, outcome, room and client; errors their code', async t => {
  const { service, logs } = await logged('debug')
  t.teardown(() => service.close())
  const requests = [
    `/rooms/${ROOM}`, '/rooms/new', '/rooms/nope', '/links', '/links/links.css', '/healthz', '/readyz', '/metrics',
    '/openapi.json', '/elsewhere', '/robots.txt'
  ]
  for (const url of requests) {
    await service.inject({ url, remoteAddress: '10.1.1.1', headers: { 'accept-language': 'de-AT' } })
  }
  t.equal(logs.length, requests.length, 'one line per request')
  for (const line of logs) {
    t.match(line, {
      reqId: String, method: 'GET', url: String, status: Number, ms: Number, msg: 'request', time: Number
    }, String(line.url))
    t.ok(KINDS.includes(line.kind as string), `${String(line.url)}: kind ${String(line.kind)}`)
    t.equal('code' in line, (line.status as number) >= 400, `${String(line.url)}: code exactly on errors`)
  }
  t.match(logs[0], {
    kind: 'room', status: 302, zone: 'internal', lang: 'de-DE', outcome: 'pcwp', room: ROOM, client: '10.1.1.1'
  })
  t.match(logs[1], { kind: 'create', zone: 'internal', outcome: 'pcwp', client: '10.1.1.1' })
  t.notOk('room' in (logs[1] as LogEntry), 'a create link names no room')
  t.match(logs[2], { kind: 'room', status: 400, code: 'PCWP_ROOM_ID_INVALID' })
  t.notOk('zone' in (logs[2] as LogEntry), 'a link that named no room decided no zone')
  t.same(logs.slice(3).map(line => [line.kind, line.level]), [
    ['links', 30], ['asset', 30], ['health', 20], ['health', 20], ['metrics', 20], ['openapi', 30], ['not_found', 30],
    ['asset', 30]
  ], 'kinds, with probes and scrapes at debug')
  t.equal(logs[9]?.code, 'NOT_FOUND')
  for (const line of logs.slice(3)) {
    t.notOk('client' in line || 'zone' in line, `${String(line.url)}: no room-link fields`)
  }
})

t.test('a request fastify refuses before routing is logged once, as other, with its code', async t => {
  const { service, logs } = await logged()
  t.teardown(() => service.close())
  const res = await service.inject('/rooms/%E0%A4%A')
  t.equal(res.statusCode, 400)
  t.match(logs, [{ kind: 'other', status: 400, code: 'BAD_REQUEST', url: '/rooms/%E0%A4%A', msg: 'request' }])
  t.equal(logs.length, 1)
  const metrics = await service.inject('/metrics')
  t.match(metrics.body, /pcwp_rejections_total\{reason="bad_request"\} 1\n/, 'and counted')
})

t.test('hostile request values stay inside their JSON strings, over a real socket: one line per request, nothing injected', async t => {
  const { service, logs } = await logged()
  t.teardown(() => service.close())
  await service.listen({ host: '127.0.0.1', port: 0 })
  const { port } = service.server.address() as AddressInfo
  // Raw bytes, as a client may send them: quotes, backslashes, braces, encoded line breaks.
  const targets = [
    Buffer.from('/rooms/"},{"level":60,"msg":"forged'),
    Buffer.from('/x"\\{}'),
    Buffer.from('/rooms?uri=%22%0A%7B%22level%22%3A60%7D')
  ]
  for (const target of targets) {
    const request = Buffer.concat([Buffer.from('GET '), target, Buffer.from(' HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: "forged", 10.0.0.1\r\nConnection: close\r\n\r\n')])
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => { socket.end(request) })
      let text = ''
      socket.on('data', chunk => { text += chunk.toString('latin1') })
      socket.on('end', () => { resolve(text) })
      socket.on('error', reject)
    })
    t.match(answer, /^HTTP\/1\.1 (400|404) /, 'answered')
  }
  await service.close()
  const lines = logs.filter(line => line.msg === 'request')
  t.equal(lines.length, targets.length, 'one line per request')
  for (const [i, target] of targets.entries()) {
    t.equal(lines[i]?.url, target.toString('latin1'), 'the URL logged as it came')
    t.equal(lines[i]?.level, 30)
  }
})

t.test('below the level nothing is written, and everything is still counted', async t => {
  const quiet = await logged('warn')
  t.teardown(() => quiet.service.close())
  await quiet.service.inject(`/rooms/${ROOM}`)
  await quiet.service.inject('/healthz')
  t.same(quiet.logs, [])
  const metrics = await quiet.service.inject('/metrics')
  t.match(metrics.body, /pcwp_redirects_total\{kind="room",zone="external",status="302",outcome="pcwp"\} 1/, 'still counted')
})

t.test('an error nobody expected is logged with its request, headers redacted, and answered without it', async t => {
  const { service, logs } = await logged()
  t.teardown(() => service.close())
  service.get('/boom', () => { throw new Error('internal detail') })
  const res = await service.inject({
    url: '/boom', headers: { authorization: 'Bearer secret-token', cookie: 'session=secret-cookie', 'x-trace': 'kept' }
  })
  t.equal(res.statusCode, 500)
  t.notMatch(res.body, /internal detail/)
  t.match(logs, [
    {
      level: 50,
      msg: 'unhandled error',
      reqId: String,
      err: { message: 'internal detail' },
      req: { headers: { authorization: '[Redacted]', cookie: '[Redacted]', 'x-trace': 'kept' } }
    },
    { level: 30, msg: 'request', url: '/boom', status: 500, code: 'INTERNAL_ERROR', kind: 'other' }
  ])
  t.equal(logs.length, 2, 'answered once, logged once')
  t.notMatch(JSON.stringify(logs), /secret-(token|cookie)/)
})

t.test('redaction is the logger options\' doing: without them the same line carries the secrets', async t => {
  const line = {
    req: { headers: { authorization: 'Bearer secret-token', cookie: 'a=b' } }, res: { headers: { 'set-cookie': 'c=d' } }
  }
  const write = (options: pino.LoggerOptions): Record<string, unknown> => {
    let text = ''
    pino(options, { write: (chunk: string) => { text = chunk } }).info(line, 'x')
    return JSON.parse(text) as Record<string, unknown>
  }
  t.match(write({}), line, 'plain pino writes them')
  t.match(write(loggerOptions('info')), {
    req: { headers: { authorization: '[Redacted]', cookie: '[Redacted]' } },
    res: { headers: { 'set-cookie': '[Redacted]' } }
  })
})

t.test('an answer from the error handler is logged once', async t => {
  const { service, logs } = await logged('info', { ...STANDARD_ENV, PCWP_RATE_LIMIT_PER_MIN: '1' })
  t.teardown(() => service.close())
  t.equal((await service.inject('/links')).statusCode, 200)
  t.equal((await service.inject('/links')).statusCode, 429)
  t.match(logs, [{ url: '/links', status: 200 }, { url: '/links', status: 429, code: 'RATE_LIMITED', kind: 'links' }])
  t.equal(logs.length, 2)
})

t.test('PCWP_LOG_CLIENT: the address in full, truncated to its network, or absent; forwarding headers redacted unless full', async t => {
  const cases: [string, string, string | undefined][] = [
    ['full', '10.1.2.3', '10.1.2.3'],
    ['truncated', '10.1.2.3', '10.1.2.0/24'],
    ['truncated', '2001:db8:abcd:12::1', '2001:db8:abcd::/48'],
    ['none', '10.1.2.3', undefined]
  ]
  for (const [mode, address, expected] of cases) {
    const { service, logs } = await logged('info', { ...STANDARD_ENV, PCWP_LOG_CLIENT: mode })
    t.teardown(() => service.close())
    await service.inject({ url: `/rooms/${ROOM}`, remoteAddress: address })
    t.equal(logs[0]?.client, expected, `${mode} ${address}`)
    t.equal('client' in (logs[0] as LogEntry), expected !== undefined,
      `${mode}: the field is there only when an address is logged`)
  }
  for (const [mode, kept] of [['full', true], ['truncated', false], ['none', false]] as const) {
    const { service, logs } = await logged('info', { ...STANDARD_ENV, PCWP_LOG_CLIENT: mode })
    t.teardown(() => service.close())
    service.get('/boom', () => { throw new Error('x') })
    await service.inject({
      url: '/boom', headers: { 'x-forwarded-for': '198.51.100.7', forwarded: 'for=198.51.100.7' }
    })
    const text = JSON.stringify(logs[0])
    t.equal(text.includes('198.51.100.7'), kept, `${mode}: forwarding headers ${kept ? 'kept' : 'redacted'} on lines that log headers`)
  }
})

t.test('an answer is counted and logged as what it was: a loop as its error only, /links\'s invalid room by its code', async t => {
  const JSON_ONLY = 'application/json'
  const PAGE_FIRST = 'text/html, application/json;q=0.1'
  // The application's own link, asked on the host it redirects to: with no other base URL, a loop.
  const env = { PCWP_BASE_URL_INTERNAL: 'https://chat.example.com/rm/', PCWP_INTERNAL_CIDRS: '10.0.0.0/8' }
  const { service, logs } = await logged('info', env)
  t.teardown(() => service.close())
  for (const host of ['chat.example.com', 'Chat.Example.com:443', 'chat.example.com:80']) {
    const headers = { host, accept: JSON_ONLY }
    const answer = await service.inject({ url: `/rm/?id=${ROOM}`, remoteAddress: '10.1.1.1', headers })
    t.equal(answer.json().error, 'PCWP_REDIRECT_LOOP', `${host}: a Host naming the default port is the same host`)
  }
  const elsewhere = { host: 'chat.example.com:8443' }
  const other = await service.inject({ url: `/rm/?id=${ROOM}`, remoteAddress: '10.1.1.1', headers: elsewhere })
  t.equal(other.statusCode, 302, 'another port is another place')

  const invalid = await service.inject({ url: '/links?room=nope', headers: { accept: PAGE_FIRST } })
  t.equal(invalid.statusCode, 400)
  t.match(invalid.headers['content-type'], /^text\/html/, 'Accept\'s q-values choose the page, as for every other answer')
  t.equal((await service.inject({ url: '/links?room=nope', headers: { accept: JSON_ONLY } })).json().error,
    'PCWP_ROOM_ID_INVALID')

  const loops = logs.filter(line => line.kind === 'legacy' && line.status === 500)
  t.equal(loops.length, 3)
  for (const line of loops) {
    t.equal(line.code, 'PCWP_REDIRECT_LOOP')
    t.notOk('outcome' in line, 'a loop has no outcome: it is no redirect')
  }
  t.same(logs.filter(line => line.kind === 'links').map(line => line.code), Array(2).fill('PCWP_ROOM_ID_INVALID'))

  const metrics = (await service.inject('/metrics')).body
  t.notMatch(metrics, /pcwp_redirects_total\{[^}]*status="500"/, 'no redirect series with a 500')
  t.match(metrics, /^pcwp_rejections_total\{reason="pcwp_redirect_loop"\} 3$/m)
  t.match(metrics, /^pcwp_rejections_total\{reason="pcwp_room_id_invalid"\} 2$/m)
})
