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
  for (let i = 0; i < 3; i++) {
    t.equal((await service.inject({ url: `/rooms/${ROOM}`, remoteAddress: '203.0.113.9' })).statusCode, 302)
  }
  const limited = await service.inject({
    url: `/rooms/${ROOM}`, remoteAddress: '203.0.113.9', headers: { accept: 'application/json' }
  })
  t.equal(limited.statusCode, 429)
  t.ok(Number(limited.headers['retry-after']) > 0, `Retry-After: ${String(limited.headers['retry-after'])}`)
  t.same(limited.json(), { error: 'RATE_LIMITED', message: 'Too many requests from your address; please try again in a minute.' })
  t.equal(limited.headers.location, undefined)
  const page = await service.inject({ url: '/rooms/new', remoteAddress: '203.0.113.9' })
  t.match(page.body, /Too many requests/)
  t.equal((await service.inject({ url: '/rooms/new', remoteAddress: '203.0.113.10' })).statusCode, 302,
    'another client is not limited')
  t.equal((await service.inject({ url: '/healthz', remoteAddress: '203.0.113.9' })).statusCode, 200,
    'probes are exempt')
  t.equal((await service.inject({ url: '/metrics', remoteAddress: '203.0.113.9' })).statusCode, 200)
  // Behind the trusted proxy, clients are told apart by X-Forwarded-For.
  const forwardedFor = async (client: string) => (await service.inject({
    url: '/rooms/new', remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': client }
  })).statusCode
  for (let i = 0; i < 3; i++) t.equal(await forwardedFor('198.51.100.1'), 302)
  t.equal(await forwardedFor('198.51.100.1'), 429)
  t.equal(await forwardedFor('198.51.100.2'), 302)
  const metrics = await service.inject('/metrics')
  t.match(metrics.body, /pcwp_rejections_total\{reason="rate_limited"\} [1-9]/)
})

// Paths match in any case and with a trailing slash (src/http/app.ts), and a probe may carry a query.
const PROBE_FORMS = ['/healthz', '/readyz', '/metrics']
  .flatMap(path => [path, `${path}?probe=1`, `${path}/`, path.toUpperCase()])

t.test('probes and scrapes are exempt in every form a path matches: the route says so, not the URL', async t => {
  const service = await app({ ...STANDARD_ENV, PCWP_RATE_LIMIT_PER_MIN: '2' })
  t.teardown(() => service.close())
  const client = { remoteAddress: '203.0.113.9' }
  for (let i = 0; i < 2; i++) t.equal((await service.inject({ ...client, url: `/rooms/${ROOM}` })).statusCode, 302)
  t.equal((await service.inject({ ...client, url: `/rooms/${ROOM}` })).statusCode, 429, 'the limit is exhausted')
  for (let round = 0; round < 3; round++) {
    for (const url of PROBE_FORMS) {
      const res = await service.inject({ ...client, url })
      t.equal(res.statusCode, 200, `${url}, round ${String(round + 1)}`)
      t.equal(res.headers['x-ratelimit-limit'], undefined, `${url}: not counted`)
    }
  }
  t.equal((await service.inject({ ...client, method: 'HEAD', url: '/HEALTHZ/' })).statusCode, 200, 'HEAD too')
  t.equal((await service.inject({ ...client, url: '/rooms/new' })).statusCode, 429, 'room links stay limited')
  t.equal((await service.inject({ ...client, url: '/ROOMS/new/' })).statusCode, 429, 'in any form')
})

t.test('/openapi.json documents 429 where the limiter applies: room routes, not probes', async t => {
  const service = await app({ ...STANDARD_ENV, PCWP_RATE_LIMIT_PER_MIN: '2' })
  t.teardown(() => service.close())
  const { paths } = (await service.inject('/openapi.json')).json()
  for (const path of ['/rooms/{room}', '/rooms/new', '/rooms']) {
    t.ok(paths[path].get.responses['429'], `${path} can answer 429`)
  }
  for (const path of ['/healthz', '/readyz', '/metrics']) t.notOk(paths[path].get.responses['429'], `${path} cannot`)
  const unlimited = await app(STANDARD_ENV)
  t.teardown(() => unlimited.close())
  t.notOk((await unlimited.inject('/openapi.json')).json().paths['/rooms/new'].get.responses['429'], 'no limit, no 429')
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
  const ask = async () => service.inject({
    url: '/rooms/new', remoteAddress: '127.0.0.1', headers: { forwarded: 'for=unknown' }
  })
  t.equal((await ask()).statusCode, 302)
  t.equal((await ask()).statusCode, 429, 'the second from the same undisclosed client')
})
