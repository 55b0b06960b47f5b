// The room map in the room routes (docs/design.md "Room map", "Room links"): moved, retired, unlisted, new,
// legacy links.
import { writeFile } from 'node:fs/promises'
import t from 'tap'
import { createApp } from '../../src/http/app.ts'
import { createRoomMapFileSource } from '../../src/roommap/loader.ts'
import { app, config, EXTERNAL_BASE, INTERNAL_BASE, ROOM, STANDARD_ENV } from '../fixtures/app.ts'
import { DEFAULT_WAIT_MS } from '../fixtures/wait.ts'
import { digest, mapFile } from '../fixtures/room-map.ts'

const MOVED = '0B8E2D4A-1C3F-4E5A-9B7D-2F6A8C0E1D3B'
const RETIRED = 'A1B2C3D4-E5F6-4789-ABCD-EF0123456789'
const KEPT = '11111111-2222-4333-8444-555555555555'
const INTERNAL = '10.20.30.40'
const EXTERNAL = '203.0.113.9'
const EXAMPLE_MAP = new URL('../../deploy/room-map.example.csv', import.meta.url).pathname

const MAP = `room,target,name,note
${MOVED},https://teams.example.com/l/channel?room={id}&lang={lang},Trading desk,
${RETIRED},retired,Équipe <Zürich>,"Moved to Teams: ask ""IT"" <script>x</script>"
${KEPT},pcwp,,
`

t.test('a moved room redirects to its target, placeholders filled; never cached; counted as moved', async t => {
  const service = await app({ ...STANDARD_ENV, PCWP_ROOM_MAP: await mapFile(t, 'rooms.csv', MAP) })
  t.teardown(() => service.close())
  const res = await service.inject({
    url: `/rooms/${MOVED.toLowerCase()}`, remoteAddress: INTERNAL, headers: { 'accept-language': 'ja' }
  })
  t.equal(res.statusCode, 302)
  t.equal(res.headers.location, `https://teams.example.com/l/channel?room=${MOVED}&lang=ja-JP`)
  t.equal(res.headers['cache-control'], 'no-store')
  t.equal(res.headers['strict-transport-security'], 'max-age=31536000; includeSubDomains')
  const hostile = await service.inject({ url: `/rooms/${MOVED}?lang=x%0d%0aSet-Cookie:a&uri=https://evil.example`, headers: { 'accept-language': '"><script>', host: 'evil.example' } })
  t.equal(hostile.headers.location, `https://teams.example.com/l/channel?room=${MOVED}&lang=en-US`, 'nothing a reader sends picks a target; {lang} is a language the service offers')
  const metrics = await service.inject('/metrics')
  t.match(metrics.body, /pcwp_redirects_total\{kind="room",zone="internal",status="302",outcome="moved"\} 1\n/)
})

t.test('a retired room is 410 Gone: a page in the reader\'s language with name, note and contact, or JSON', async t => {
  const env = {
    ...STANDARD_ENV,
    PCWP_ROOM_MAP: await mapFile(t, 'rooms.csv', MAP),
    PCWP_CONTACT_URL: 'mailto:chat-admins@corp.example',
    PCWP_CONTACT_TEXT: 'Chat team'
  }
  const service = await app(env)
  t.teardown(() => service.close())
  for (const [lang, heading] of [['de-DE', 'Chatraum'], ['ja-JP', 'チャット'], ['en-US', 'retired']] as const) {
    const page = await service.inject({
      url: `/rooms/${RETIRED}`, remoteAddress: EXTERNAL, headers: { 'accept-language': lang }
    })
    t.equal(page.statusCode, 410, lang)
    t.equal(page.headers['content-language'], lang)
    t.equal(page.headers['cache-control'], 'no-store')
    t.equal(page.headers.vary, 'Accept, Accept-Language')
    t.notOk(page.headers.location)
    t.match(page.body, `<html lang="${lang}">`)
    t.match(page.body, heading)
    t.match(page.body, 'Équipe &lt;Zürich&gt;', 'the name, escaped')
    t.match(page.body, '&lt;script&gt;', 'the note, escaped')
    t.notMatch(page.body, '<script>x')
    t.match(page.body, '<a href="mailto:chat-admins@corp.example">Chat team</a>', 'who to ask')
  }
  const json = await service.inject({ url: `/rooms/${RETIRED}`, headers: { accept: 'application/json' } })
  t.same(json.json(), {
    error: 'PCWP_ROOM_RETIRED',
    message: 'This chat room has been retired; its link can no longer be opened.',
    name: 'Équipe <Zürich>',
    note: 'Moved to Teams: ask "IT" <script>x</script>',
    contact: 'mailto:chat-admins@corp.example'
  })
  const error = await service.inject({ url: '/rooms/nope', headers: { 'accept-language': 'de' } })
  t.match(error.body, '<a href="mailto:chat-admins@corp.example">Chat team</a>',
    'the contact line is on the other error pages too')
  const metrics = await service.inject('/metrics')
  t.match(metrics.body, /pcwp_redirects_total\{kind="room",zone="external",status="410",outcome="retired"\} 4\n/)
  t.match(metrics.body, /pcwp_rejections_total\{reason="pcwp_room_id_invalid"\} 1\n/, 'retired rooms are not rejections')
})

t.test('a room without a row, or with pcwp, answers exactly as without a map', async t => {
  const plain = await app()
  const mapped = await app({ ...STANDARD_ENV, PCWP_ROOM_MAP: await mapFile(t, 'rooms.csv', MAP) })
  t.teardown(() => plain.close())
  t.teardown(() => mapped.close())
  for (const url of [`/rooms/${ROOM}`, `/rooms/${KEPT}`, '/rooms/new', `/rooms/${ROOM}?lang=de`]) {
    // Status, every header with its value but the date (the one that differs from request to request), and body.
    const [a, b] = await Promise.all([plain, mapped].map(async service => {
      const { statusCode, headers: { date, ...headers }, body } = await service.inject({
        url, remoteAddress: INTERNAL, headers: { 'accept-language': 'fr' }
      })
      return { statusCode, headers, body }
    }))
    t.equal(a?.statusCode, 302, `${url}: without a map, a redirect`)
    t.strictSame(b, a, url)
  }
})

t.test('the * and new rows: everything else retired, room creation moved', async t => {
  const text = `room,target\n*,retired\nnew,https://teams.example.com/create?lang={lang}\n${KEPT},pcwp\n`
  const service = await app({ ...STANDARD_ENV, PCWP_ROOM_MAP: await mapFile(t, 'rooms.csv', text) })
  t.teardown(() => service.close())
  t.equal((await service.inject(`/rooms/${ROOM}`)).statusCode, 410, 'an unlisted room under * retired')
  t.equal((await service.inject({ url: `/rooms/${KEPT}`, remoteAddress: INTERNAL })).headers.location,
    `${INTERNAL_BASE}?clientlang=en-US&id=${KEPT}`, '"* retired except these rooms"')
  t.equal((await service.inject({ url: '/rooms/new', headers: { 'accept-language': 'zh-TW' } })).headers.location, 'https://teams.example.com/create?lang=zh-TW')
  const bare = await service.inject({ url: `/rooms/${ROOM}`, headers: { accept: 'application/json' } })
  t.same(bare.json(), { error: 'PCWP_ROOM_RETIRED', message: 'This chat room has been retired; its link can no longer be opened.' }, 'no name, note or contact when none is known')
})

t.test('the shipped example map loads, and /readyz shows it', async t => {
  const service = await app({ ...STANDARD_ENV, PCWP_ROOM_MAP: EXAMPLE_MAP })
  t.teardown(() => service.close())
  const ready = (await service.inject('/readyz')).json<{ roomMap: Record<string, unknown> }>()
  t.match(ready.roomMap, { entries: 5, source: EXAMPLE_MAP, lastError: null, loadedAt: String })
  t.equal((await service.inject({
    url: '/rooms/9D8E7F60-5A4B-4C3D-9E2F-1A0B9C8D7E6F', headers: { 'accept-language': 'de' }
  })).statusCode, 410)
})

t.test('a broken edit keeps the last good map; /readyz says why; gauges and counters follow', async t => {
  const path = await mapFile(t, 'rooms.csv', MAP)
  const source = createRoomMapFileSource({
    path, allowHttp: false, logger: { info: () => undefined, warn: () => undefined, error: () => undefined }
  })
  await source.load()
  const service = await createApp({ config: config({ ...STANDARD_ENV, PCWP_ROOM_MAP: path }), roomMap: source })
  t.teardown(() => service.close())
  await writeFile(path, 'room,target\nnot-a-room,javascript:alert(1)\n')
  t.equal(await source.reload(), false)
  t.equal((await service.inject(`/rooms/${RETIRED}`)).statusCode, 410, 'the old map stays in force')
  const ready = await service.inject('/readyz')
  t.equal(ready.statusCode, 200)
  t.match(ready.json(), { roomMap: { entries: 3, lastError: /^PCWP_ROOM_MAP_INVALID: / } })
  t.match((await service.inject('/metrics')).body, /pcwp_room_map_last_reload_successful 0\n[^]*pcwp_room_map_entries 3\n|pcwp_room_map_entries 3\n[^]*pcwp_room_map_last_reload_successful 0\n/)
  await writeFile(path, `room,target\n${RETIRED},https://new.example.com/\n`)
  t.equal(await source.reload(), true)
  t.equal((await service.inject(`/rooms/${RETIRED}`)).headers.location, 'https://new.example.com/')
})

t.test('requests are answered while a large map reloads, from the map in force until the new one is complete', async t => {
  const path = await mapFile(t, 'rooms.csv', MAP)
  const source = createRoomMapFileSource({
    path, allowHttp: false, logger: { info: () => undefined, warn: () => undefined, error: () => undefined }
  })
  await source.load()
  const service = await createApp({ config: config({ ...STANDARD_ENV, PCWP_ROOM_MAP: path }), roomMap: source })
  t.teardown(() => service.close())
  const rows = Array.from({ length: 100_000 }, (_, i) => `61E092C7-89BB-4DC4-A3F5-${i.toString(16).padStart(12, '0')},https://new.example.com/{id}`)
  await writeFile(path, `room,target\n${RETIRED},https://new.example.com/\n${rows.join('\n')}\n`)
  const reload = { done: false }
  const reloading = source.reload().finally(() => { reload.done = true })
  const during: number[] = []
  const deadline = Date.now() + DEFAULT_WAIT_MS
  while (!reload.done) {
    if (Date.now() > deadline) throw new Error(`the reload did not finish within ${String(DEFAULT_WAIT_MS)} ms`)
    during.push((await service.inject(`/rooms/${RETIRED}`)).statusCode)
    // inject answers in microtasks alone, which would starve the event loop: a client's next request comes in a
    // later turn.
    await new Promise(resolve => setImmediate(resolve))
  }
  t.equal(await reloading, true)
  // A parse that held the event loop would leave only the few answered while the file is opened and read.
  t.ok(during.length > 30, `${during.length} requests answered during the reload`)
  t.same(new Set(during), new Set([410]), 'by the old map')
  t.equal((await service.inject(`/rooms/${RETIRED}`)).headers.location, 'https://new.example.com/', 'then by the new one')
  t.equal(source.state().entries, 100_001)
})

t.test('the room management application\'s own links on the legacy paths', async t => {
  const env = { ...STANDARD_ENV, PCWP_ROOM_MAP: await mapFile(t, 'rooms.csv', MAP), PCWP_LEGACY_PATHS: '/Chat/Old' }
  const service = await app(env)
  t.teardown(() => service.close())
  const cases: [string, Record<string, string>, number, string | undefined][] = [
    [`/PersistentChat/RM/?clientlang=en-US&id=${ROOM}`, {}, 302, `${EXTERNAL_BASE}&clientlang=en-US&id=${ROOM}`],
    [`/persistentchat/rm?id=${ROOM.toLowerCase()}).&clientlang=de-DE&foo=bar`, {}, 302, `${EXTERNAL_BASE}&clientlang=de-DE&id=${ROOM}`],
    [`/PersistentChat/RM/?clientlang=de-DE&id=${ROOM}`, { 'accept-language': 'fr' }, 302,
      `${EXTERNAL_BASE}&clientlang=fr-FR&id=${ROOM}`],
    [`/PersistentChat/RM/?clientlang=de-DE&id=${ROOM}&lang=ja`, {}, 302,
      `${EXTERNAL_BASE}&clientlang=ja-JP&id=${ROOM}`],
    ['/PersistentChat/RM/?clientlang=it-IT', {}, 302, `${EXTERNAL_BASE}&clientlang=it-IT`],
    [`/chat/old/?id=${MOVED}`, {}, 302, `https://teams.example.com/l/channel?room=${MOVED}&lang=en-US`],
    [`/CHAT/OLD?id=${RETIRED}`, {}, 410, undefined],
    ['/PersistentChat/RM/?id=not-a-guid', {}, 400, undefined]
  ]
  for (const [url, headers, status, location] of cases) {
    const res = await service.inject({ url, remoteAddress: EXTERNAL, headers })
    t.equal(res.statusCode, status, url)
    t.equal(res.headers.location, location, url)
  }
  const line = await service.inject({
    method: 'POST', url: '/PersistentChat/RM/', headers: { accept: 'application/json' }
  })
  t.equal(line.statusCode, 405)
  t.equal(line.headers.allow, 'GET, HEAD')
})

t.test('a legacy link that would redirect to itself is PCWP_REDIRECT_LOOP, not a loop', async t => {
  const service = await app({ ...STANDARD_ENV, PCWP_BASE_URL_EXTERNAL: 'https://chat.example.com/PersistentChat/RM/' })
  t.teardown(() => service.close())
  const res = await service.inject({
    url: `/PersistentChat/RM/?clientlang=en-US&id=${ROOM}`,
    remoteAddress: EXTERNAL,
    headers: { host: 'chat.example.com', accept: 'application/json' }
  })
  t.equal(res.statusCode, 500)
  t.equal(res.json().error, 'PCWP_REDIRECT_LOOP')
  t.notOk(res.headers.location)
  const elsewhere = await service.inject({
    url: `/PersistentChat/RM/?clientlang=en-US&id=${ROOM}`,
    remoteAddress: EXTERNAL,
    headers: { host: 'chat-links.corp.example' }
  })
  t.equal(elsewhere.statusCode, 302, 'asked on another host: a redirect')
})

t.test('demo mode serves no legacy path', async t => {
  const service = await app({})
  t.teardown(() => service.close())
  t.equal((await service.inject(`/demo/rm/?clientlang=en-US&id=${ROOM}`)).statusCode, 200,
    'the demo application itself')
  t.equal((await service.inject(`/PersistentChat/RM/?id=${ROOM}`)).statusCode, 404)
})

t.test('/links shows what the room map says of the entered room, and where each zone\'s readers are sent', async t => {
  const service = await app({ ...STANDARD_ENV, PCWP_ROOM_MAP: await mapFile(t, 'rooms.csv', MAP) })
  t.teardown(() => service.close())
  const json = async (room: string) => (await service.inject({
    url: `/links?room=${encodeURIComponent(room)}`, headers: { accept: 'application/json', 'accept-language': 'de' }
  })).json<{ status: unknown, preview: unknown }>()
  const target = `https://teams.example.com/l/channel?room=${MOVED}&lang=de-DE`
  t.same(await json(MOVED), {
    ...await json(MOVED),
    status: { kind: 'moved', text: `Umgezogen nach ${target}` },
    preview: { internal: target, external: target }
  }, 'a moved room: its new home, from both zones, as the redirect sends readers')
  t.match(await json(RETIRED), { status: { kind: 'retired' }, preview: { internal: null, external: null } },
    'a retired room: nowhere')
  t.match(await json(KEPT), {
    status: { kind: 'pcwp' },
    preview: {
      internal: `${INTERNAL_BASE}?clientlang=de-DE&id=${KEPT}`,
      external: `${EXTERNAL_BASE}&clientlang=de-DE&id=${KEPT}`
    }
  })
  const page = await service.inject({ url: `/links?room=${RETIRED}`, headers: { 'accept-language': 'en' } })
  t.match(page.body, '<span id="status">Retired</span>')
  t.match(page.body, '<dd id="preview-internal" class="disabled">Retired</dd>',
    'the preview says why, not "no base URL"')
})

t.test('the map in force has a SHA-256 digest of its bytes: /readyz shows it, one series of pcwp_room_map_info has it',
  async t => {
    const path = await mapFile(t, 'rooms.csv', MAP)
    const service = await app({ ...STANDARD_ENV, PCWP_ROOM_MAP: path })
    t.teardown(() => service.close())
    const infoSeries = async (): Promise<string[]> =>
      (await service.inject('/metrics')).body.split('\n').filter(line => line.startsWith('pcwp_room_map_info{'))
    t.match((await service.inject('/readyz')).json(), { roomMap: { sha256: digest(MAP) } })
    t.same(await infoSeries(), [`pcwp_room_map_info{sha256="${digest(MAP)}"} 1`])
    const changed = `${MAP}${KEPT.replace('5555', '6666')},retired,,\n`
    await writeFile(path, changed)
    t.ok(await service.roomMap?.reload(), 'the changed file is taken')
    t.match((await service.inject('/readyz')).json(), { roomMap: { sha256: digest(changed) } })
    t.same(await infoSeries(), [`pcwp_room_map_info{sha256="${digest(changed)}"} 1`],
      'the old digest\'s series is gone')
    await writeFile(path, 'room,target\nnot a room,pcwp\n')
    t.notOk(await service.roomMap?.reload(), 'a bad file is refused')
    t.same(await infoSeries(), [`pcwp_room_map_info{sha256="${digest(changed)}"} 1`],
      'the map in force keeps its digest')
  })
