// PCWP_RATE_LIMIT_PER_MIN: optional, off by default, per client address (SECURITY.md).
import t from 'tap'
import { app, ROOM, STANDARD_ENV } from '../fixtures/app.ts'

t.test('off by default', async t => {
  const service = await app()
  t.teardown(() => service.close())
  for (let i = 0; i < 50; i++) {
    const res = await service.inject({ url: `/rooms/${ROOM}`, remoteAddress: '203.0.113.9' })
    t.equal(res.statusCode, 302)
  }
})

t.test('over the limit: 429 with Retry-After, per client address, probes exempt', async t => {
  const service = await app({ ...STANDARD_ENV, PCWP_RATE_LIMIT_PER_MIN: '3' })
  t.teardown(() => service.close())
  for (let i = 0; i < 3; i++) t.equal((await service.inject({ url: `/rooms/${ROOM}`, remoteAddress: '203.0.113.9' })).statusCode, 302)
  const limited = await service.inject({ url: `/rooms/${ROOM}`, remoteAddress: '203.0.113.9', headers: { accept: 'application/json' } })
  t.equal(limited.statusCode, 429)
  t.ok(Number(limited.headers['retry-after']) > 0, `Retry-After: ${String(limited.headers['retry-after'])}`)
  t.same(limited.json(), { error: 'RATE_LIMITED', message: 'Too many requests from your address; please try again in a minute.' })
  t.equal(limited.headers.location, undefined)
  const page = await service.inject({ url: '/rooms/new', remoteAddress: '203.0.113.9' })
  t.match(page.body, /Too many requests/)
  t.equal((await service.inject({ url: '/rooms/new', remoteAddress: '203.0.113.10' })).statusCode, 302, 'another client is not limited')
  t.equal((await service.inject({ url: '/healthz', remoteAddress: '203.0.113.9' })).statusCode, 200, 'probes are exempt')
  t.equal((await service.inject({ url: '/metrics', remoteAddress: '203.0.113.9' })).statusCode, 200)
  // Behind the trusted proxy, clients are told apart by X-Forwarded-For.
  for (let i = 0; i < 3; i++) await service.inject({ url: '/rooms/new', remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': '198.51.100.1' } })
  t.equal((await service.inject({ url: '/rooms/new', remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': '198.51.100.1' } })).statusCode, 429)
  t.equal((await service.inject({ url: '/rooms/new', remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': '198.51.100.2' } })).statusCode, 302)
  const metrics = await service.inject('/metrics')
  t.match(metrics.body, /pcwp_rejections_total\{reason="rate_limited"\} [1-9]/)
})

t.test('a bad value stops start-up', async t => {
  const { ConfigError, loadConfig } = await import('../../src/config.ts')
  t.throws(() => loadConfig({ PCWP_RATE_LIMIT_PER_MIN: '0' }), ConfigError)
  const error = t.throws(() => loadConfig({ PCWP_RATE_LIMIT_PER_MIN: 'lots' }), ConfigError)
  t.match(error, { problems: [/^PCWP_RATE_LIMIT_PER_MIN: "lots" is not a whole number in range; expected a whole number from 1 to 1000000/] })
  t.equal(loadConfig({ PCWP_RATE_LIMIT_PER_MIN: '600' }).rateLimitPerMinute, 600)
})

t.test('a client a trusted proxy cannot name (Forwarded: for=unknown) is limited by the connection\'s address', async t => {
  const { createApp } = await import('../../src/http/app.ts')
  const { loadConfig } = await import('../../src/config.ts')
  const service = await createApp({ config: loadConfig({ ...STANDARD_ENV, PCWP_RATE_LIMIT_PER_MIN: '1' }) })
  t.teardown(() => service.close())
  const ask = async () => service.inject({ url: '/rooms/new', remoteAddress: '127.0.0.1', headers: { forwarded: 'for=unknown' } })
  t.equal((await ask()).statusCode, 302)
  t.equal((await ask()).statusCode, 429, 'the second from the same undisclosed client')
})
