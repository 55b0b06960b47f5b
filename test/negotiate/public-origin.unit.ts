import fc from 'fast-check'
import t from 'tap'
import { InvalidValue, parsePublicUrl } from '../../src/config-parsers.ts'
import { publicOrigin, type PublicOriginInput } from '../../src/negotiate/public-origin.ts'
import { hostileLines, HOSTILE_CORPUS } from '../fixtures/hostile-corpus.ts'

const request = (fields: Partial<PublicOriginInput>): PublicOriginInput =>
  ({
    configured: undefined,
    trustedPeer: false,
    host: undefined,
    forwardedHost: undefined,
    forwardedProto: undefined,
    ...fields
  })
const origin = (fields: Partial<PublicOriginInput>) => publicOrigin(request(fields)).origin

t.test('where the origin comes from (docs/design.md "Other surfaces")', async t => {
  const forwarded = { host: 'pcwp:8080', forwardedHost: 'links.example.com', forwardedProto: 'https' }
  t.equal(origin({ configured: 'https://links.example.com', ...forwarded, forwardedHost: 'evil.example' }), 'https://links.example.com',
    'PCWP_PUBLIC_URL first')
  t.equal(origin({ trustedPeer: true, ...forwarded }), 'https://links.example.com', 'a trusted proxy: X-Forwarded-Host and -Proto')
  t.equal(origin({ trustedPeer: false, ...forwarded }), 'http://pcwp:8080', 'anyone else: the Host, over http')
  t.equal(origin({ trustedPeer: true, host: 'pcwp:8080', forwardedProto: 'https' }), 'https://pcwp:8080', 'no X-Forwarded-Host: the Host')
  t.equal(origin({ trustedPeer: true, host: 'pcwp:8080', forwardedHost: '' }), 'http://pcwp:8080', 'an empty X-Forwarded-Host is absent')
  t.equal(origin({ trustedPeer: true, forwardedHost: 'links.example.com' }), 'http://links.example.com', 'no X-Forwarded-Proto: http')
  t.equal(origin({ trustedPeer: true, forwardedHost: ' a.example, b.example', forwardedProto: 'HTTPS , http' }), 'https://a.example',
    'the first entry of each list, scheme in lower case')
  t.equal(origin({ host: 'Links.Example.COM:80' }), 'http://links.example.com', 'as a browser writes it: lower case, no default port')
  t.equal(origin({ trustedPeer: true, forwardedHost: 'links.example.com:443', forwardedProto: 'https' }), 'https://links.example.com')
  t.equal(origin({ host: '[2001:DB8:0::1]:8443' }), 'http://[2001:db8::1]:8443', 'IPv6 compressed')
  t.equal(origin({ host: '192.0.2.7:65535' }), 'http://192.0.2.7:65535')
  t.equal(origin({ host: 'localhost' }), 'http://localhost')
  t.equal(origin({ host: 'xn--bcher-kva.example' }), 'http://xn--bcher-kva.example', 'a punycode name')
  t.equal(origin({ host: 'XN--ZZ.example' }), 'http://xn--zz.example', 'a name is judged by its letters, digits and hyphens on every Node line, whatever an xn-- label decodes to')
  t.equal(origin({ host: '[::FFFF:192.0.2.7]' }), 'http://[::ffff:c000:207]', 'an IPv4-mapped address as a browser writes it')
})

t.test('unfit values give relative links and say why', async t => {
  t.same(publicOrigin(request({})), { origin: '', rejected: 'the request names no host' })
  t.same(publicOrigin(request({ host: '' })), { origin: '', rejected: 'the request names no host' })
  t.same(publicOrigin(request({ trustedPeer: true, host: 'a.example', forwardedProto: 'javascript' })),
    { origin: '', rejected: 'X-Forwarded-Proto "javascript" is not http or https' })
  t.same(publicOrigin(request({ trustedPeer: true, forwardedHost: 'evil.example@a.example' })),
    { origin: '', rejected: 'X-Forwarded-Host "evil.example@a.example" is not a host name or IP address with an optional port' })
  t.same(publicOrigin(request({ host: 'a b' })), { origin: '', rejected: 'Host "a b" is not a host name or IP address with an optional port' })
  t.match(publicOrigin(request({ host: 'x'.repeat(1000) })),
    { origin: '', rejected: `Host "${'x'.repeat(100)}…" is not` }, 'quoted briefly')
  const hosts = [
    'a.example:0', 'a.example:65536', 'a.example:', 'a.example:80:80',
    'a.example:http', ':80', 'a..example', '.a.example',
    'a.example.', '-a.example', 'a-.example', `${'a'.repeat(64)}.example`,
    `${'a.'.repeat(127)}example`, 'a.example/', 'a.example/x',
    'a.example\\x', 'a.example?x', 'a.example#x', 'a"b', "a'b",
    'a<b', 'a.example\r\nSet-Cookie: x=1', 'a\tb', 'ä.example',
    '1.2.3', '127.1', '0x7f.0.0.1', '010.1.2.3', '2130706433', 'a.0x1f',
    'a.123', '1.2.3.256', '[::1', '[1.2.3.4]', '[fe80::1%25eth0]',
    '[::1]x', '[v1.x]', '::1', '*', '%61.example'
  ]
  for (const host of hosts) t.equal(origin({ host }), '', JSON.stringify(host))
  t.equal(origin({ host: `${'a'.repeat(63)}.example` }), `http://${'a'.repeat(63)}.example`, 'a label of 63 characters')
  t.equal(origin({ host: `${'a.'.repeat(123)}example` }), `http://${'a.'.repeat(123)}example`, 'a name of 253 characters')
  t.equal(origin({ host: `${'a.'.repeat(123)}examples` }), '', 'one more is too long')
})

t.test('PCWP_PUBLIC_URL and the request\'s Host are judged by one rule (src/net/origin.ts)', async t => {
  // The configured URL may add a `/`; an authority with `/`, `?` or `#` is more than a host in either.
  const configured = (authority: string) => {
    const result = parsePublicUrl(`http://${authority}`)
    return result instanceof InvalidValue ? '' : result
  }
  const authorities = [
    'Links.Example.COM:80', '[2001:DB8:0::1]:8443', 'XN--ZZ.example', '1.2.3', 'a.example:0', 'a_b', '[fe80::1%eth0]'
  ]
  for (const authority of authorities) {
    t.equal(configured(authority), origin({ host: authority }), authority)
  }
  const piece = fc.constantFrom(
    'a', 'Example', '.', ':', '80', '0', '[', ']', '::1', '@', ' ', '%', '_', 'xn--', '0x7f'
  )
  const authority = fc.oneof(fc.string(), fc.array(piece, { maxLength: 10 }).map(parts => parts.join('')))
    .filter(text => !/[/?#]/.test(text))
  fc.assert(fc.property(authority, text => configured(text) === origin({ host: text })), { numRuns: 3000 })
})

// An oracle independent of the code: what a printed origin may look like.
const SAFE_ORIGIN = /^https?:\/\/(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/

const safe = (result: string) => result === '' || (SAFE_ORIGIN.test(result) && new URL(result).origin === result)

t.test('hostile values through every input: relative links, or an origin that is only an origin', async t => {
  const generated = [
    'javascript:alert(1)', 'data:text/html,<script>alert(1)</script>',
    'file:///etc/passwd', 'vbscript:x', 'HTTPS:', 'http://a.example',
    'good.example@evil.example', 'good.example%40evil.example',
    'good.example\\@evil.example', 'evil.example#@good.example',
    'evil.example?@good.example', 'good.example:80@evil.example', 'a.example\r\nLocation: https://evil.example', 'a.example%0d%0ax',
    '"><script>alert(1)</script>', "a.example'onmouseover='x",
    'a.example/../evil', '//evil.example', 'ｅｖｉｌ.example', 'evil。example',
    'a.example\u0000', 'a.example\u2028', 'а.example', '[::1]:80@evil',
    '1.1.1.1:80/', 'localhost:+80', 'localhost:8_0', 'https, http'
  ]
  const values = [...generated, ...hostileLines()]
  t.ok(values.length > 2000 || HOSTILE_CORPUS === undefined, `${values.length} values`)
  const unsafe: string[] = []
  const results: string[] = []
  for (const value of values) {
    const fromInputs = [
      origin({ host: value }), origin({ trustedPeer: true, forwardedHost: value }),
      origin({ trustedPeer: true, forwardedHost: 'a.example', forwardedProto: value }),
      origin({ trustedPeer: true, host: value, forwardedProto: value })
    ]
    for (const [i, result] of fromInputs.entries()) {
      if (!safe(result)) unsafe.push(`input ${i} ${JSON.stringify(value)}: ${result}`)
    }
    results.push(...fromInputs)
    const configured = parsePublicUrl(value)
    if (!(configured instanceof InvalidValue || (safe(configured) && configured !== ''))) {
      unsafe.push(`PCWP_PUBLIC_URL ${JSON.stringify(value)}: ${configured}`)
    }
  }
  t.same(unsafe, [], 'nothing but relative links or an origin')
  t.ok(results.includes('') && results.includes('http://a.example'), 'both outcomes occur (the oracle is exercised)')
})

t.test('property: any text gives relative links or an origin that is only an origin', async t => {
  const piece = fc.constantFrom(
    'a', 'example', '.', ':', '80', '@', '/', '\\', '[', ']', '::1', '%', ' ', '\r\n', '"', 'http', 'https', '0x7f', '1'
  )
  const text = fc.oneof(fc.string(), fc.array(piece, { maxLength: 12 }).map(parts => parts.join('')))
  fc.assert(fc.property(fc.boolean(), text, text, text, (trustedPeer, host, forwardedHost, forwardedProto) => {
    const result = publicOrigin(request({ trustedPeer, host, forwardedHost, forwardedProto })).origin
    return safe(result)
  }), { numRuns: 3000 })
  t.equal(origin({ host: 'a.example:80' }), 'http://a.example')
})
