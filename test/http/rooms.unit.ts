// The redirect routes through fastify's inject (docs/design.md "Room links", MS-OCGCWEB 2.2, 3.1.1, 3.1.3).
import t from 'tap'
import type { OverrideSource } from '../../src/serverinfo/source.ts'
import { app, EXTERNAL_BASE, fixedOverride, INTERNAL_BASE, ROOM, STANDARD_ENV } from '../fixtures/app.ts'

const INTERNAL = '10.20.30.40'
const EXTERNAL = '203.0.113.9'

t.test('create a room: MS-OCGCWEB 2.2.1', async t => {
  const service = await app()
  t.teardown(() => service.close())
  const res = await service.inject({
    url: '/rooms/new', remoteAddress: INTERNAL, headers: { 'accept-language': 'de-DE,de;q=0.9' }
  })
  t.equal(res.statusCode, 302)
  t.equal(res.headers.location, `${INTERNAL_BASE}?clientlang=de-DE`)
  t.equal(res.headers['cache-control'], 'no-store')
  t.equal(res.headers.vary, 'Accept-Language')
  t.equal(res.headers['referrer-policy'], 'no-referrer', 'helmet\'s headers that act on a redirect are set')
  t.equal(res.body, '')
})

t.test('view or edit a room: MS-OCGCWEB 2.2.2, every accepted spelling', async t => {
  const service = await app()
  t.teardown(() => service.close())
  const spellings = [
    `/rooms/${ROOM}`,
    `/rooms/${ROOM.toLowerCase()}`,
    `/rooms/%7B${ROOM}%7D`,
    `/rooms/{${ROOM.toLowerCase()}}`,
    `/rooms/${encodeURIComponent(`ma-chan://contoso.com/${ROOM}`)}`,
    `/rooms?uri=${encodeURIComponent(`ma-chan://contoso.com/${ROOM}`)}`,
    `/rooms?uri=${ROOM}`,
    `/rooms/${ROOM}/`
  ]
  for (const url of spellings) {
    const res = await service.inject({ url, remoteAddress: EXTERNAL, headers: { 'accept-language': 'en-GB' } })
    t.equal(res.statusCode, 302, url)
    t.equal(res.headers.location, `${EXTERNAL_BASE}&clientlang=en-US&id=${ROOM}`, url)
  }
})

t.test('HEAD answers like GET without a body', async t => {
  const service = await app()
  t.teardown(() => service.close())
  const res = await service.inject({ method: 'HEAD', url: `/rooms/${ROOM}`, remoteAddress: INTERNAL })
  t.equal(res.statusCode, 302)
  t.equal(res.headers.location, `${INTERNAL_BASE}?clientlang=en-US&id=${ROOM}`)
  t.equal(res.body, '')
})

t.test('language: lang parameter, then Accept-Language, then the default', async t => {
  const service = await app({ ...STANDARD_ENV, PCWP_DEFAULT_LANGUAGE: 'fr-FR' })
  t.teardown(() => service.close())
  const cases: [string, Record<string, string>, string][] = [
    ['/rooms/new?lang=ja', { 'accept-language': 'de' }, 'ja-JP'],
    ['/rooms/new?lang=zz', { 'accept-language': 'de' }, 'de-DE'],
    ['/rooms/new?lang=ja&lang=ko', { 'accept-language': 'de' }, 'de-DE'],
    ['/rooms/new', { 'accept-language': 'zh-HK, en;q=0.5' }, 'zh-TW'],
    ['/rooms/new', {}, 'fr-FR'],
    ['/rooms/new', { 'accept-language': 'tlh' }, 'fr-FR']
  ]
  for (const [url, headers, lang] of cases) {
    const res = await service.inject({ url, headers, remoteAddress: INTERNAL })
    t.equal(res.headers.location, `${INTERNAL_BASE}?clientlang=${lang}`, `${url} ${JSON.stringify(headers)}`)
  }
})

t.test('zone: trusted proxy header, forwarded address, peer address, default (MS-OCGCWEB 3.1.3)', async t => {
  const service = await app()
  t.teardown(() => service.close())
  const cases: [string, Record<string, string>, string][] = [
    [INTERNAL, {}, INTERNAL_BASE],
    [EXTERNAL, {}, EXTERNAL_BASE],
    [`::ffff:${INTERNAL}`, {}, INTERNAL_BASE],
    ['fd12::1', {}, INTERNAL_BASE],
    [EXTERNAL, { 'x-forwarded-for': INTERNAL }, EXTERNAL_BASE],
    [EXTERNAL, { 'x-network-zone': 'internal' }, EXTERNAL_BASE],
    ['127.0.0.1', { 'x-forwarded-for': INTERNAL }, INTERNAL_BASE],
    ['127.0.0.1', { 'x-forwarded-for': EXTERNAL }, EXTERNAL_BASE],
    ['127.0.0.1', { 'x-forwarded-for': EXTERNAL, 'x-network-zone': 'internal' }, INTERNAL_BASE],
    ['::1', { 'x-forwarded-for': INTERNAL, 'x-network-zone': 'external' }, EXTERNAL_BASE]
  ]
  for (const [remoteAddress, headers, base] of cases) {
    const res = await service.inject({ url: '/rooms/new', headers, remoteAddress })
    t.equal(res.headers.location, `${base}${base.includes('?') ? '&' : '?'}clientlang=en-US`,
      `${remoteAddress} ${JSON.stringify(headers)}`)
  }
})

t.test('the redirect status is configurable', async t => {
  for (const status of [303, 307]) {
    const service = await app({ ...STANDARD_ENV, PCWP_REDIRECT_STATUS: String(status) })
    const res = await service.inject({ url: '/rooms/new', remoteAddress: EXTERNAL })
    t.equal(res.statusCode, status)
    await service.close()
  }
})

t.test('a bad room is a 400, as a page or as JSON, echoing nothing', async t => {
  const service = await app()
  t.teardown(() => service.close())
  const evil = '<script>alert(1)</script>'
  const html = await service.inject({ url: `/rooms/${encodeURIComponent(evil)}`, headers: { accept: 'text/html' } })
  t.equal(html.statusCode, 400)
  t.equal(html.headers.location, undefined)
  t.match(html.headers['content-type'], /^text\/html/)
  t.match(html.body, /This link is not valid/)
  t.match(html.body, /PCWP_ROOM_ID_INVALID/)
  t.notMatch(html.body, /<script>alert/)
  t.equal(html.headers['cache-control'], 'no-store')

  const json = await service.inject({ url: `/rooms/${encodeURIComponent(`ma-chan://evil.example/${evil}`)}`, headers: { accept: 'application/json' } })
  t.equal(json.statusCode, 400)
  t.same(Object.keys(json.json()), ['error', 'message'])
  t.equal(json.json().error, 'PCWP_ROOM_URI_INVALID')
  t.notMatch(json.body, /evil/)

  const missing = await service.inject({ url: '/rooms', headers: { accept: 'application/json' } })
  t.equal(missing.statusCode, 400)
  t.equal(missing.json().error, 'PCWP_ROOM_URI_MISSING')
  const repeated = await service.inject({
    url: `/rooms?uri=${ROOM}&uri=${ROOM}`, headers: { accept: 'application/json' }
  })
  t.equal(repeated.json().error, 'PCWP_ROOM_URI_MISSING', 'a repeated uri parameter names no single room')
  const browser = await service.inject({ url: '/rooms/x', headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' } })
  t.match(browser.headers['content-type'], /^text\/html/, 'a browser gets the page')
  const none = await service.inject({ url: '/rooms/x' })
  t.match(none.headers['content-type'], /^text\/html/, 'no Accept: the page')
})

t.test('no base URL for the zone: 503, room management disabled, no fallback (MS-OCGCWEB 3.1.1)', async t => {
  const service = await app({ PCWP_BASE_URL_INTERNAL: INTERNAL_BASE, PCWP_INTERNAL_CIDRS: '10.0.0.0/8' })
  t.teardown(() => service.close())
  const inside = await service.inject({ url: '/rooms/new', remoteAddress: INTERNAL })
  t.equal(inside.statusCode, 302)
  const outside = await service.inject({
    url: `/rooms/${ROOM}`, remoteAddress: EXTERNAL, headers: { accept: 'application/json' }
  })
  t.equal(outside.statusCode, 503)
  t.equal(outside.headers.location, undefined)
  t.equal(outside.headers['cache-control'], 'no-store')
  t.same(outside.json(), {
    error: 'PCWP_ROOM_MANAGEMENT_DISABLED',
    message: 'Room management is not available from the external network: no room management address is configured for it. Please contact your administrator.'
  })
  const page = await service.inject({ url: '/rooms/new', remoteAddress: EXTERNAL })
  t.match(page.body, /Room management is not available/)
})

t.test('the getserverinfo override wins for every zone (MS-OCGCWEB 3.1.3)', async t => {
  let inForce = fixedOverride('https://override.example.com/rm/')
  // The source the service holds asks the override in force at each request.
  const override: OverrideSource = { current: () => inForce.current(), state: () => inForce.state() }
  const service = await app({ PCWP_BASE_URL_INTERNAL: INTERNAL_BASE, PCWP_INTERNAL_CIDRS: '10.0.0.0/8' }, override)
  t.teardown(() => service.close())
  for (const remoteAddress of [INTERNAL, EXTERNAL]) {
    const res = await service.inject({ url: `/rooms/${ROOM}`, remoteAddress })
    t.equal(res.headers.location, `https://override.example.com/rm/?clientlang=en-US&id=${ROOM}`, remoteAddress)
  }
  inForce = fixedOverride('https://override2.example.com/rm/?x=1')
  const res = await service.inject({ url: '/rooms/new', remoteAddress: EXTERNAL })
  t.equal(res.headers.location, 'https://override2.example.com/rm/?x=1&clientlang=en-US', 'a changed override applies at once')
})

t.test('unknown paths: 404 pages; a path below a room is not a room: 400', async t => {
  const service = await app()
  t.teardown(() => service.close())
  for (const [method, url] of [['GET', '/'], ['GET', '/demo/rm/'], ['POST', '/elsewhere']] as const) {
    const res = await service.inject({ method, url, headers: { accept: 'application/json' } })
    t.equal(res.statusCode, 404, `${method} ${url}`)
    t.equal(res.json().error, 'NOT_FOUND')
  }
  const extra = await service.inject({ url: '/rooms/new/extra', headers: { accept: 'application/json' } })
  t.equal(extra.statusCode, 400)
  t.equal(extra.json().error, 'PCWP_ROOM_ID_INVALID')
})

t.test('every method but GET and HEAD on a room link: 405 with Allow, page or JSON, counted', async t => {
  const service = await app()
  t.teardown(() => service.close())
  for (const [method, url] of [['POST', '/rooms/new'], ['DELETE', `/rooms/${ROOM}`], ['PUT', '/rooms'], ['PATCH', `/rooms/ma-chan://contoso.com/${ROOM}`], ['OPTIONS', '/rooms/new']] as const) {
    const res = await service.inject({
      method,
      url,
      headers: { accept: 'application/json', 'content-type': 'application/x-anything' },
      payload: 'ignored body'
    })
    t.equal(res.statusCode, 405, `${method} ${url}`)
    t.equal(res.headers.allow, 'GET, HEAD')
    t.equal(res.json().error, 'PCWP_METHOD_NOT_ALLOWED')
    t.notOk(res.headers.location)
  }
  const page = await service.inject({ method: 'POST', url: '/rooms/new', headers: { 'accept-language': 'de' } })
  t.match(page.body, '<html lang="de-DE">')
  const metrics = await service.inject('/metrics')
  t.match(metrics.body, /pcwp_rejections_total\{reason="pcwp_method_not_allowed"\} 6\n/)
})

t.test('links as they exist in the wild: unencoded room URIs, braced GUIDs inside them, mail punctuation', async t => {
  const service = await app()
  t.teardown(() => service.close())
  for (const url of [
    `/rooms/ma-chan://contoso.com/${ROOM}`, `/rooms/ma-chan://contoso.com/{${ROOM}}`, `/rooms/${ROOM}.`, `/rooms/${ROOM}),`,
    `/rooms/${ROOM}%3E`, `/rooms/${ROOM}>`, `/ROOMS/${ROOM}`, `/rooms?uri=ma-chan://contoso.com/${ROOM}.`
  ]) {
    const res = await service.inject({ url, remoteAddress: '203.0.113.9' })
    t.equal(res.statusCode, 302, url)
    t.equal(res.headers.location, `${EXTERNAL_BASE}&clientlang=en-US&id=${ROOM}`, url)
  }
  for (const url of [`/rooms/${ROOM}x`, `/rooms/ma-chan://contoso.com/${ROOM}/more`, `/rooms/${ROOM};`]) {
    t.equal((await service.inject(url)).statusCode, 400, url)
  }
})

t.test('a room longer than any room URI gets the protocol core\'s code, from the route schema or the core itself',
  async t => {
    const service = await app()
    t.teardown(() => service.close())
    const long = await service.inject({ url: `/rooms/${'a'.repeat(330)}`, headers: { accept: 'application/json' } })
    t.equal(long.statusCode, 400)
    t.equal(long.json().error, 'PCWP_ROOM_ID_INVALID')
    const huge = await service.inject({ url: `/rooms/${'a'.repeat(3000)}`, headers: { accept: 'application/json' } })
    t.equal(huge.statusCode, 400, 'beyond the router\'s parameter bound the wildcard route takes it')
    t.equal(huge.json().error, 'PCWP_ROOM_ID_INVALID')
    t.notOk(huge.headers.location)
  })
