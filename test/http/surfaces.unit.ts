// Health, readiness, robots, error answers and the demo application.
import t from 'tap'
import { PAGE_SECURITY_HEADERS, REDIRECT_SECURITY_HEADERS } from '../../src/http/plugins/security-headers.ts'
import { createApp } from '../../src/http/app.ts'
import { parseBaseUrl } from '../../src/pcwp/index.ts'
import type { OverrideSource } from '../../src/serverinfo/source.ts'
import { app, config, INTERNAL_BASE, ROOM } from '../fixtures/app.ts'

t.test('/healthz and /robots.txt', async t => {
  const service = await app()
  t.teardown(() => service.close())
  const health = await service.inject('/healthz')
  t.equal(health.statusCode, 200)
  t.same(health.json(), { status: 'ok' })
  const robots = await service.inject('/robots.txt')
  t.equal(robots.body, 'User-agent: *\nDisallow: /\n')
  t.match(robots.headers['content-type'], /^text\/plain/)
  const favicon = await service.inject('/favicon.ico')
  t.equal(favicon.statusCode, 204, 'browsers asking for a favicon get an empty answer, not a 404')
})

t.test('/readyz shows which zones can be served', async t => {
  const both = await app()
  t.same((await both.inject('/readyz')).json(), {
    status: 'ready', demo: false, zones: { internal: 'provisioned', external: 'provisioned' }, override: null
  })
  await both.close()

  const one = await app({ PCWP_BASE_URL_INTERNAL: INTERNAL_BASE })
  const res = await one.inject('/readyz')
  t.equal(res.statusCode, 200)
  t.same(res.json().zones, { internal: 'provisioned', external: 'disabled' })
  await one.close()

  const demo = await app({})
  t.match((await demo.inject('/readyz')).json(), { status: 'ready', demo: true })
  await demo.close()
})

t.test('/readyz with an override source: unready until the override is known when nothing is provisioned', async t => {
  const override: { current: ReturnType<OverrideSource['current']> } = { current: undefined }
  const state = () => ({ source: 'https://chat.example.com/getserverinfo', url: override.current?.href ?? null, ageSeconds: null, lastFetchAt: null, lastError: 'connect ECONNREFUSED', refused: false })
  const service = await app({ PCWP_SERVERINFO_URL: 'https://chat.example.com/getserverinfo' }, { current: () => override.current, state })
  t.teardown(() => service.close())
  const before = await service.inject('/readyz')
  t.equal(before.statusCode, 503)
  t.match(before.json(), {
    status: 'unready',
    zones: { internal: 'disabled', external: 'disabled' },
    override: { lastError: 'connect ECONNREFUSED' }
  })
  override.current = parseBaseUrl('https://override.example.com/rm/')
  const after = await service.inject('/readyz')
  t.equal(after.statusCode, 200)
  t.match(after.json(), { status: 'ready', zones: { internal: 'override', external: 'override' }, override: { url: 'https://override.example.com/rm/' } })
})

t.test('framework client errors get a generic message; crashes a 500 that reveals nothing', async t => {
  const service = await createApp({ config: config() })
  service.get('/boom', () => {
    throw new Error('secret internals at /srv/app.js:12')
  })
  service.get('/teapot', () => {
    throw Object.assign(new Error('quoting the request: <evil>'), { statusCode: 418 })
  })
  t.teardown(() => service.close())
  const boom = await service.inject({ url: '/boom', headers: { accept: 'application/json' } })
  t.equal(boom.statusCode, 500)
  t.same(boom.json(), { error: 'INTERNAL_ERROR', message: 'The service failed to answer. Please try again later.' })
  const page = await service.inject('/boom')
  t.notMatch(page.body, /secret|srv|stack/)
  const teapot = await service.inject({ url: '/teapot', headers: { accept: 'application/json' } })
  t.equal(teapot.statusCode, 418)
  t.same(teapot.json(), { error: 'BAD_REQUEST', message: 'The request is malformed.' })
  const html = await service.inject('/teapot')
  t.match(html.body, /This request is not valid/)
  const badEncoding = await service.inject({ url: '/rooms/%E0%A4%A<b>', headers: { accept: 'application/json' } })
  t.equal(badEncoding.statusCode, 400, "the router's own errors are answered the same way")
  t.same(badEncoding.json(), { error: 'BAD_REQUEST', message: 'The request is malformed.' })
  t.equal(badEncoding.headers['x-content-type-options'], 'nosniff')
  t.match(badEncoding.headers['content-security-policy'], /default-src 'none'/)
  const badPage = await service.inject('/rooms/%E0%A4%A<b>')
  t.notMatch(badPage.body, /<b>|%E0/)
})

t.test('demo mode: the landing page and the stand-in room management application', async t => {
  const service = await app({})
  t.teardown(() => service.close())
  const landing = await service.inject('/')
  t.equal(landing.statusCode, 200)
  t.match(landing.body, /Demo mode/)
  t.match(landing.body, /href="\/rooms\/new"/)
  const redirect = await service.inject({ url: `/rooms/${ROOM}`, headers: { 'accept-language': 'de' } })
  t.equal(redirect.headers.location, `/demo/rm/?clientlang=de-DE&id=${ROOM}`)
  const view = await service.inject(redirect.headers.location as string)
  t.equal(view.statusCode, 200)
  t.match(view.body, /view or edit a room/)
  t.match(view.body, new RegExp(`<code>${ROOM}</code>`))
  const create = await service.inject('/demo/rm/?clientlang=en-US')
  t.match(create.body, /create a new room/)
  t.notMatch(create.body, /<dt>id<\/dt>/)
  const hostile = await service.inject('/demo/rm/?clientlang=%3Cscript%3E&id=%22%3E%3Cimg%3E')
  t.notMatch(hostile.body, /<script>|<img>/)
  t.match(hostile.body, /&lt;script&gt;/)
  const repeated = await service.inject('/demo/rm/?clientlang=a&clientlang=b')
  t.match(repeated.body, /\(none\)/)
})

t.test('security headers: @fastify/helmet on pages, its redirect subset on redirects, the page set on every error answer', async t => {
  const service = await app({})
  t.teardown(() => service.close())
  const page = await service.inject('/')
  const security = Object.entries(page.headers)
    .filter(([name]) => name in PAGE_SECURITY_HEADERS || name === 'content-security-policy')
  const { 'content-security-policy': csp, ...pageSet } = Object.fromEntries(security)
  t.same(pageSet, PAGE_SECURITY_HEADERS, 'the error answers\' constant is exactly what @fastify/helmet sends on a page')
  t.notMatch(String(csp), /upgrade-insecure-requests/, 'pages work over plain HTTP (#19 item 9)')
  t.match(String(csp), /default-src 'self'/)
  const redirect = await service.inject('/rooms/new')
  t.equal(redirect.statusCode, 302)
  t.same(
    Object.fromEntries(Object.entries(redirect.headers)
      .filter(([name]) => name in PAGE_SECURITY_HEADERS || name === 'content-security-policy')),
    {
      'strict-transport-security': page.headers['strict-transport-security'],
      'referrer-policy': 'no-referrer',
      'cross-origin-resource-policy': 'same-origin',
      'x-content-type-options': 'nosniff'
    },
    'a redirect carries exactly HSTS, Referrer-Policy, CORP and nosniff'
  )
  t.same(REDIRECT_SECURITY_HEADERS, {
    'strict-transport-security': 'max-age=31536000; includeSubDomains',
    'referrer-policy': 'no-referrer',
    'cross-origin-resource-policy': 'same-origin',
    'x-content-type-options': 'nosniff'
  })
  for (const url of ['/rooms/nope', '/nowhere', '/rooms/%E0%A4%A']) {
    const problem = await service.inject(url)
    t.ok(problem.statusCode >= 400, url)
    t.match(problem.headers, PAGE_SECURITY_HEADERS, `${url}: the page set`)
    t.match(problem.headers['content-security-policy'], /^default-src 'none'/, `${url}: an error page keeps its own stricter policy`)
  }
})
