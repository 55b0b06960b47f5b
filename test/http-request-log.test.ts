// src/http/request-log.ts: one line per request, in pino's own format, whatever the request holds.
import type { AddressInfo } from 'node:net'
import { connect } from 'node:net'
import Fastify from 'fastify'
import t from 'tap'
import { pino } from 'pino'
import { createApp } from '../src/http/app.js'
import { createMetrics } from '../src/http/metrics.js'
import { createRequestLog } from '../src/http/request-log.js'
import { config, ROOM, STANDARD_ENV } from './fixtures/app.js'
import { memoryLogger } from './fixtures/upstream.js'

async function logged (level = 'info') {
  const { logger, logs } = memoryLogger()
  logger.level = level
  // Not made ready here: a test may add a route first (inject makes it ready).
  const service = await createApp({ config: config(), logger })
  return { service, logs }
}

t.test('a redirect line carries exactly what pino would write for the same fields', async t => {
  const { service, logs } = await logged()
  t.teardown(() => service.close())
  await service.inject({ url: `/rooms/${ROOM}`, remoteAddress: '10.1.1.1', headers: { 'accept-language': 'de-AT' } })
  t.equal(logs.length, 1)
  const line = logs[0] as Record<string, unknown>
  // The reference: pino itself, through a destination that keeps the raw line.
  let reference = ''
  const pinoLogger = pino({ level: 'info' }, { write: (text: string) => { reference = text } })
  pinoLogger.info({ reqId: line.reqId, method: 'GET', url: `/rooms/${ROOM}`, status: 302, ms: line.ms, kind: 'room', zone: 'internal', lang: 'de-DE', client: '10.1.1.1' }, 'redirect')
  const expected = JSON.parse(reference) as Record<string, unknown>
  t.same(Object.keys(line), Object.keys(expected), 'the same fields in the same order')
  t.same({ ...line, time: 0 }, { ...expected, time: 0 })
  t.type(line.time, 'number')
  t.ok(typeof line.ms === 'number' && line.ms >= 0)
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
    t.match(answer, /^HTTP\/1\.1 (302|400|404) /, 'answered')
  }
  await service.close()
  t.equal(logs.length, targets.length, 'one line per request')
  for (const [i, target] of targets.entries()) {
    t.equal(logs[i]?.url, target.toString('latin1'), 'the URL logged as it came')
    t.equal(logs[i]?.level, 30)
  }
})

t.test('probes log at debug; nothing below the level is built', async t => {
  const debug = await logged('debug')
  t.teardown(() => debug.service.close())
  await debug.service.inject('/healthz')
  await debug.service.inject('/links')
  t.match(debug.logs, [{ level: 20, msg: 'probe', url: '/healthz', status: 200 }, { level: 30, msg: 'request', url: '/links', status: 200 }])
  t.notOk('kind' in (debug.logs[1] as object), 'no redirect fields on a page')

  const quiet = await logged('warn')
  t.teardown(() => quiet.service.close())
  await quiet.service.inject(`/rooms/${ROOM}`)
  await quiet.service.inject('/healthz')
  t.same(quiet.logs, [])
  const metrics = await quiet.service.inject('/metrics')
  t.match(metrics.body, /pcwp_redirects_total\{kind="room",zone="external",status="302"\} 1/, 'still counted')
})

t.test('an error nobody expected is logged with its request, and answered without it', async t => {
  const { service, logs } = await logged()
  t.teardown(() => service.close())
  service.get('/boom', () => { throw new Error('internal detail') })
  const res = await service.inject('/boom')
  t.equal(res.statusCode, 500)
  t.notMatch(res.body, /internal detail/)
  t.match(logs, [{ level: 50, msg: 'unhandled error', reqId: String, err: { message: 'internal detail' } }, { level: 30, msg: 'request', url: '/boom', status: 500 }])
  t.equal(logs.length, 2, 'answered once, logged once')
})

t.test('a page answered by the error handler is logged once, not again by the pages\' hook', async t => {
  const { logger, logs } = memoryLogger()
  const service = await createApp({ config: config({ ...STANDARD_ENV, PCWP_RATE_LIMIT_PER_MIN: '1' }), logger })
  t.teardown(() => service.close())
  t.equal((await service.inject('/links')).statusCode, 200)
  t.equal((await service.inject('/links')).statusCode, 429)
  t.match(logs, [{ url: '/links', status: 200 }, { url: '/links', status: 429 }])
  t.equal(logs.length, 2)
})

t.test('the request log needs none of the service\'s decorators: a bare app (bench/bare-server.ts) is logged and counted once per request', async t => {
  const { logger, logs } = memoryLogger()
  const metrics = createMetrics(302)
  const requestLog = createRequestLog(logger, metrics)
  const app = Fastify()
  t.teardown(() => app.close())
  app.get('/rooms/*', requestLog.accounted((request, reply) => {
    void reply.redirect('https://chat.example.com/rm/', 302)
    // A second record of the same request changes nothing.
    requestLog.record(request, 302, 0)
  }))
  const response = await app.inject({ url: `/rooms/${ROOM}` })
  t.equal(response.statusCode, 302)
  t.equal(logs.length, 1, 'one line')
  t.match(logs[0], { url: `/rooms/${ROOM}`, status: 302, msg: 'request' })
  const scrape = await metrics.registry.metrics()
  t.match(scrape, /pcwp_http_request_duration_seconds_count\{route="other"\} 1\n/, 'counted once, as no redirect of the service\'s own')
  t.notMatch(scrape, /pcwp_rejections_total\{[^}]*\} [1-9]/, 'and not as a rejection')
})
