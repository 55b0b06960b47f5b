// Property-based checks of the protocol core (MS-OCGCWEB 2.2, 3.1.5) with fast-check.
import t from 'tap'
import fc from 'fast-check'
import { buildCreateRoomUrl, buildRoomUrl, parseBaseUrl, parseRoomId } from '../../src/pcwp/index.ts'

const SEED = 20261127
const params = { seed: SEED, numRuns: 2000 }

const hex = (n: number) =>
  fc.string({ unit: fc.constantFrom(...Array.from('0123456789abcdefABCDEF')), minLength: n, maxLength: n })
const guid = fc.tuple(hex(8), hex(4), hex(4), hex(4), hex(12)).map(parts => parts.join('-'))
const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/)
// The last label is alphabetic: WHATWG URL parsing reads a numeric one as IPv4.
const domain = fc.tuple(fc.array(label, { maxLength: 3 }), fc.stringMatching(/^[a-z]{2,6}$/))
  .map(([labels, tld]) => [...labels, tld].join('.'))
const token = fc.stringMatching(/^[A-Za-z0-9._~-]{1,8}$/).filter(s => !['clientlang', 'id'].includes(s.toLowerCase()))
const query = fc.array(fc.tuple(token, fc.stringMatching(/^[A-Za-z0-9._~%-]{0,8}$/).map(v => v.replace(/%/g, '%25'))), { maxLength: 4 })
  .map(pairs => pairs.map(([k, v]) => `${k}=${v}`).join('&'))
const base = fc.record({
  scheme: fc.constantFrom('https', 'HTTPS'),
  host: domain,
  port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
  path: fc.array(token, { maxLength: 4 }).map(segments => '/' + segments.join('/')),
  query: fc.option(fc.tuple(query, fc.constantFrom('', '&')).map(([q, tail]) => '?' + q + tail), { nil: undefined }),
  fragment: fc.option(token.map(f => '#' + f), { nil: undefined })
}).map(b => `${b.scheme}://${b.host}${b.port === undefined ? '' : ':' + String(b.port)}${b.path}${b.query ?? ''}${b.fragment ?? ''}`)
const clientlang = fc.tuple(fc.stringMatching(/^[a-z]{2,3}$/), fc.stringMatching(/^[A-Z]{2}$/)).map(([l, r]) => `${l}-${r}`)

t.test('built URLs start with the base, keep its parameters and parse back (MS-OCGCWEB 3.1.5)', async t => {
  t.doesNotThrow(() => {
    fc.assert(fc.property(base, clientlang, fc.option(guid, { nil: undefined }), (href, lang, room) => {
      const url = room === undefined ? buildCreateRoomUrl(href, lang) : buildRoomUrl(href, lang, room)
      const hash = href.indexOf('#')
      const beforeFragment = hash < 0 ? href : href.slice(0, hash)
      const fragment = hash < 0 ? '' : href.slice(hash)
      if (!url.startsWith(beforeFragment) || !url.endsWith(fragment)) return false
      const parsed = new URL(url)
      const baseParams = [...new URL(href).searchParams]
      const all = [...parsed.searchParams]
      const expectedTail: [string, string][] = room === undefined
        ? [['clientlang', lang]]
        : [['clientlang', lang], ['id', room.toUpperCase()]]
      return parsed.searchParams.getAll('clientlang').length === 1 &&
        parsed.searchParams.getAll('id').length === (room === undefined ? 0 : 1) &&
        JSON.stringify(all) === JSON.stringify([...baseParams, ...expectedTail]) &&
        parsed.hash === new URL(href).hash
    }), params)
  }, `2000 generated bases, seed ${SEED}`)
})

t.test('every generated base validates and splits losslessly', async t => {
  t.doesNotThrow(() => {
    fc.assert(fc.property(base, href => {
      const { head, fragment } = parseBaseUrl(href)
      return head.replace(/[?&]$/, '') === href.slice(0, href.length - fragment.length).replace(/[?&]$/, '')
    }), params)
  }, `2000 generated bases, seed ${SEED}`)
})

t.test('parseRoomId accepts every spelling of a GUID and is idempotent (MS-OCGCWEB 2.2.2)', async t => {
  const spelling = fc.tuple(guid, fc.constantFrom('bare', 'braced', 'uri'), domain).map(([g, form, d]) =>
    ({ g, input: form === 'bare' ? g : form === 'braced' ? `{${g}}` : `ma-chan://${d}/${g}` }))
  t.doesNotThrow(() => {
    fc.assert(fc.property(spelling, ({ g, input }) => {
      const id = parseRoomId(input)
      return id === g.toUpperCase() && parseRoomId(id) === id
    }), params)
  }, `2000 generated spellings, seed ${SEED}`)
})

t.test('parseRoomId never accepts anything but a GUID or a room URI', async t => {
  // An oracle written independently of the implementation.
  const oracle = /^(?:\{[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}\}|[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}|ma-chan:\/\/[a-z0-9.-]+\/[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12})$/i
  const nearMiss = fc.tuple(guid, fc.string({ maxLength: 3 }), fc.string({ maxLength: 3 }), fc.constantFrom('', '{', 'ma-chan://x/', 'ma-chan://'))
    .map(([g, before, after, prefix]) => prefix + before + g + after)
  t.doesNotThrow(() => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), nearMiss), input => {
      let id: string
      try {
        id = parseRoomId(input)
      } catch {
        return true
      }
      return oracle.test(input) && parseRoomId(id) === id && /^[0-9A-F-]{36}$/.test(id)
    }), { ...params, numRuns: 5000 })
  }, `5000 generated strings, seed ${SEED}`)
})
