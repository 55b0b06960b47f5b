// GET /links, the link builder page, without a browser (the browser test drives it in Chromium).
import t from 'tap'
import { app, fixedOverride, INTERNAL_BASE, ROOM, STANDARD_ENV } from '../fixtures/app.ts'

const URI = `ma-chan://contoso.com/${ROOM.toLowerCase()}`

t.test('a room URI becomes a link, a snippet and a preview for each zone (server-rendered)', async t => {
  const service = await app({ PCWP_BASE_URL_INTERNAL: INTERNAL_BASE })
  t.teardown(() => service.close())
  const res = await service.inject({
    url: `/links?room=${encodeURIComponent(URI)}`,
    headers: { host: 'chat-links.corp.example', 'accept-language': 'en-GB' }
  })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/html/)
  t.match(res.headers['content-security-policy'], /default-src 'none'; script-src 'self'; style-src 'self'/)
  t.notMatch(res.headers['content-security-policy'], /unsafe-inline/)
  t.equal(res.headers['cache-control'], 'no-store')
  t.match(res.body, `value="http://chat-links.corp.example/rooms/${ROOM}"`)
  t.match(res.body, `value="&lt;a href=&quot;http://chat-links.corp.example/rooms/${ROOM}&quot;&gt;Open the chat room&lt;/a&gt;"`)
  t.match(res.body, `<dd id="preview-internal" class="">${INTERNAL_BASE}?clientlang=en-US&amp;id=${ROOM}</dd>`)
  t.match(res.body, '<dd id="preview-external" class="disabled">room management is not available')
  t.notMatch(res.body, /<script>|style="/, 'no inline script or style')
  t.match(res.body, '<html lang="en-US">')
  t.equal(res.headers['content-language'], 'en-US')
})

t.test('JSON for the script; a new-room link; the override in the preview', async t => {
  const service = await app(STANDARD_ENV, fixedOverride('https://override.example.com/rm/'))
  t.teardown(() => service.close())
  const json = await service.inject({
    url: '/links?new=1&lang=de', headers: { host: 'links.example:8443', accept: 'application/json' }
  })
  t.same(json.json(), {
    link: 'http://links.example:8443/rooms/new',
    snippet: '<a href="http://links.example:8443/rooms/new">Chatraum erstellen</a>',
    preview: { internal: 'https://override.example.com/rm/?clientlang=de-DE', external: 'https://override.example.com/rm/?clientlang=de-DE' },
    status: { kind: 'pcwp', text: 'Öffnet sich in der Raumverwaltung' }
  })
  const empty = await service.inject({ url: '/links', headers: { accept: 'application/json' } })
  t.equal(empty.body, 'null', 'no input: no result')
  const invalid = await service.inject({ url: '/links?room=nope', headers: { accept: 'application/json' } })
  t.equal(invalid.statusCode, 400)
  t.match(invalid.json(), { error: 'PCWP_ROOM_ID_INVALID', message: /ma-chan:\/\/contoso\.com\// })
})

t.test('localised by the same negotiation as the redirects', async t => {
  const service = await app()
  t.teardown(() => service.close())
  const de = await service.inject({ url: '/links', headers: { 'accept-language': 'de-AT,de;q=0.9' } })
  t.match(de.body, '<html lang="de-DE">')
  t.equal(de.headers['content-language'], 'de-DE')
  t.match(de.body, 'Raumlinks erstellen')
  t.match(de.body, 'name="lang" value="de-DE"')
  const explicit = await service.inject({ url: '/links?lang=en', headers: { 'accept-language': 'de' } })
  t.match(explicit.body, 'Room link builder')
  const fr = await service.inject({ url: '/links', headers: { 'accept-language': 'fr' } })
  t.match(fr.body, '<html lang="fr-FR">', 'every shipped catalog')
  const ja = await service.inject({ url: '/links', headers: { 'accept-language': 'ja' } })
  t.match(ja.body, '<html lang="ja-JP">')
  const da = await service.inject({ url: '/links', headers: { 'accept-language': 'da, de;q=0.8' } })
  t.match(da.body, '<html lang="de-DE">', 'the page language is negotiated against the catalogs that exist')
  t.match(da.body, 'name="lang" value="da-DK"', 'while clientlang keeps the reader\'s own')
  const xx = await service.inject({ url: '/links', headers: { 'accept-language': 'tlh' } })
  t.match(xx.body, '<html lang="en-US">', 'English where there is no translation')
})

t.test('invalid input: an inline message; hostile input is escaped; an unfit Host gives relative links', async t => {
  const service = await app()
  t.teardown(() => service.close())
  const invalid = await service.inject(`/links?room=${encodeURIComponent('"><script>alert(1)</script>')}`)
  t.equal(invalid.statusCode, 400)
  t.match(invalid.body, '<p id="error" class="error" role="alert">That is not a room. A room URI looks like ma-chan://')
  t.match(invalid.body, 'aria-invalid="true"')
  t.notMatch(invalid.body, /<script>alert/)
  t.match(invalid.body, 'value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"')
  const ok = await service.inject({ url: `/links?room=${ROOM}`, headers: { host: 'evil.example"><x' } })
  t.match(ok.body, `value="/rooms/${ROOM}"`, 'a Host that is not a host name is not printed')
  const repeated = await service.inject('/links?room=a&room=b&lang=x&lang=y')
  t.equal(repeated.statusCode, 200, 'repeated parameters count as absent')
  t.match(repeated.body, '<section id="result" aria-live="polite" hidden>')
})

t.test('the page\'s script and style sheet are served from this origin', async t => {
  const service = await app()
  t.teardown(() => service.close())
  const js = await service.inject('/links/links.js')
  t.equal(js.statusCode, 200)
  t.match(js.headers['content-type'], /^text\/javascript/)
  t.match(js.body, /navigator\.clipboard/)
  const css = await service.inject('/links/links.css')
  t.match(css.headers['content-type'], /^text\/css/)
  t.equal((await service.inject('/links/other.js')).statusCode, 404)
})
