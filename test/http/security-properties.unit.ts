// Invariants over the real app (SECURITY.md): for any path, query and headers,
// no 5xx, no Location outside the configured bases, nothing reflected into a
// header, and an untrusted peer's forwarding headers change nothing.
import t from 'tap'
import fc from 'fast-check'
import { app, EXTERNAL_BASE, fixedOverride, INTERNAL_BASE, STANDARD_ENV } from '../fixtures/app.ts'
import { DEFAULT_LANGUAGES } from '../../src/negotiate/language.ts'

const SEED = 424242
const RUNS = 1500
const BASES = [INTERNAL_BASE, EXTERNAL_BASE]
const CLIENTLANG = /^[a-z]{2,3}-[A-Z]{2}$/
const GUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/
const HOSTILE = ['//evil.example', 'https://evil.example/', '\\\\evil.example', 'javascript:alert(1)', '%0d%0aSet-Cookie: x=1',
  '<script>alert(1)</script>', 'ma-chan://evil.example/61E092C7-89BB-4DC4-A3F5-8C23FA940FAB/../x', '{61e092c7-89bb-4dc4-a3f5-8c23fa940fab}',
  'ma-chan://contoso.com/61e092c7-89bb-4dc4-a3f5-8c23fa940fab', '61E092C7-89BB-4DC4-A3F5-8C23FA940FAB', 'new', '*', 'de-DE;q=0.5, zh-HK', 'ｅｖｉｌ．ｅｘａｍｐｌｅ', '\tnew']
// Header values must be valid HTTP field values (the parser refuses the rest before the app sees them).
const fieldValue = fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ maxLength: 60 }),
  fc.string({ unit: 'binary-ascii', maxLength: 60 }))
  .map(v => v.replace(/[\r\n\0]/g, ' ').replace(/[^\t\x20-\x7e]/g, '?'))
const pathPart = fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 40 }))
const peer = fc.constantFrom('127.0.0.1', '::1', '10.9.8.7', '203.0.113.9', '::ffff:10.1.2.3', '2001:db8::1')

const request = fc.record({
  shape: fc.constantFrom('room', 'uri', 'new', 'raw'),
  part: pathPart,
  lang: fc.option(fieldValue, { nil: undefined }),
  peer,
  headers: fc.record({
    'accept-language': fieldValue,
    'x-forwarded-for': fieldValue,
    'x-network-zone': fc.oneof(fc.constantFrom('internal', 'external', 'INTERNAL'), fieldValue),
    'x-forwarded-host': fieldValue,
    host: fieldValue,
    accept: fc.constantFrom('application/json', 'text/html', '*/*', '')
  }, { requiredKeys: [] })
})

function url (r: { shape: string, part: string, lang: string | undefined }): string {
  const lang = r.lang === undefined ? '' : `${r.shape === 'uri' ? '&' : '?'}lang=${encodeURIComponent(r.lang)}`
  if (r.shape === 'room') return `/rooms/${encodeURIComponent(r.part)}${lang}`
  if (r.shape === 'uri') return `/rooms?uri=${encodeURIComponent(r.part)}${lang}`
  if (r.shape === 'new') return `/rooms/new${lang}`
  return `/${encodeURI(r.part).replace(/[?#]/g, '')}`
}

t.test(`invariants hold for ${RUNS} generated requests (seed ${SEED})`, async t => {
  const service = await app()
  t.teardown(() => service.close())
  await t.resolves(fc.assert(fc.asyncProperty(request, async r => {
    const res = await service.inject({ method: 'GET', url: url(r), headers: r.headers, remoteAddress: r.peer })
    if (res.statusCode >= 500) throw new Error(`status ${res.statusCode}`)
    const location = res.headers.location
    if (location !== undefined) {
      if (typeof location !== 'string' || !BASES.some(base => location.startsWith(base))) {
        throw new Error(`Location outside the bases: ${JSON.stringify(location)}`)
      }
      const params = new URL(location).searchParams
      const clientlang = params.get('clientlang') ?? ''
      if (!CLIENTLANG.test(clientlang) || !DEFAULT_LANGUAGES.includes(clientlang)) {
        throw new Error(`bad clientlang ${clientlang}`)
      }
      const id = params.get('id')
      if (id !== null && !GUID.test(id)) throw new Error(`bad id ${id}`)
    }
    // Nothing the client sent comes back in a header, beyond what the protocol
    // itself emits (the canonical GUID, a supported clientlang) and the media
    // type it negotiated from Accept.
    const { accept, ...echoable } = r.headers
    const sent = [...Object.values(echoable), r.part, r.lang ?? ''].filter(v => v.length >= 12 && !GUID.test(v))
    for (const [name, value] of Object.entries(res.headers)) {
      for (const v of sent) {
        if (String(value).includes(v)) throw new Error(`header ${name} reflects ${JSON.stringify(v)}`)
      }
    }
  }), { seed: SEED, numRuns: RUNS }), `seed ${SEED}: no 5xx, no foreign Location, no reflection`)
})

t.test(`an untrusted peer's X-Forwarded-For and zone header never change the answer (seed ${SEED})`, async t => {
  const service = await app()
  t.teardown(() => service.close())
  const untrusted = fc.constantFrom('10.9.8.7', '203.0.113.9', '::ffff:10.1.2.3', '2001:db8::1')
  await t.resolves(fc.assert(fc.asyncProperty(request, untrusted, async (r, remoteAddress) => {
    const { 'x-forwarded-for': forwardedFor, 'x-network-zone': zone, ...plain } = r.headers
    const forged = await service.inject({ url: url(r), headers: r.headers, remoteAddress })
    const honest = await service.inject({ url: url(r), headers: plain, remoteAddress })
    return forged.statusCode === honest.statusCode && forged.headers.location === honest.headers.location
  }), { seed: SEED, numRuns: 500 }), 'forged headers from an untrusted peer change nothing')
})

t.test('the same holds with a getserverinfo override in force', async t => {
  const service = await app(STANDARD_ENV, fixedOverride('https://override.example.com/rm/#top'))
  t.teardown(() => service.close())
  await t.resolves(fc.assert(fc.asyncProperty(request, async r => {
    const res = await service.inject({ url: url(r), headers: r.headers, remoteAddress: r.peer })
    const location = res.headers.location
    return res.statusCode < 500 && (location === undefined || (location.startsWith('https://override.example.com/rm/?clientlang=') && location.endsWith('#top')))
  }), { seed: SEED, numRuns: 500 }), 'every Location is on the override')
})
