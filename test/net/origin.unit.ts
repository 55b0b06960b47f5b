// src/net/origin.ts: the one rule for an http(s) origin, shared by PCWP_PUBLIC_URL and the request's Host.
import fc from 'fast-check'
import t from 'tap'
import { httpOrigin, isHostName } from '../../src/net/origin.ts'

t.test('an origin as a browser writes it: lower case, IPv6 compressed, no default port', async t => {
  const cases: [string, string, string][] = [
    ['https', 'Links.Example.COM', 'https://links.example.com'],
    ['HTTP', 'links.example.com:80', 'http://links.example.com'],
    ['https', 'links.example.com:443', 'https://links.example.com'],
    ['https', 'links.example.com:80', 'https://links.example.com:80'],
    ['http', 'links.example.com:0080', 'http://links.example.com'],
    ['http', '192.0.2.7:65535', 'http://192.0.2.7:65535'],
    ['http', '[2001:DB8:0::1]:8443', 'http://[2001:db8::1]:8443'],
    ['http', '[::FFFF:192.0.2.7]', 'http://[::ffff:c000:207]'],
    ['http', '[::1.2.3.4]', 'http://[::102:304]'],
    ['http', 'XN--ZZ.example', 'http://xn--zz.example'],
    ['http', `${'a.'.repeat(123)}example:65535`, `http://${'a.'.repeat(123)}example:65535`]
  ]
  for (const [scheme, authority, origin] of cases) {
    t.same(httpOrigin(scheme, authority), { origin }, `${scheme} ${authority.slice(0, 40)}`)
  }
})

t.test('the unfit part is named, the scheme first', async t => {
  t.same(httpOrigin('ftp', 'a.example'), { unfit: 'scheme' })
  t.same(httpOrigin('javascript', 'a b'), { unfit: 'scheme' })
  t.same(httpOrigin('', 'a.example'), { unfit: 'scheme' })
  const authorities = [
    '', 'a.example:0', 'a.example:65536', 'a.example:', 'a@b.example', 'a.example/', '[fe80::1%eth0]', '[zz::1]',
    '[1.2.3.4]', '1.2.3', 'a_b.example', 'ä.example', `${'a.'.repeat(123)}example:655350`, `${'a.'.repeat(124)}example`
  ]
  for (const authority of authorities) {
    t.same(httpOrigin('https', authority), { unfit: 'authority' }, JSON.stringify(authority.slice(0, 40)))
  }
})

t.test('host names: letters, digits and hyphens; a numeric last label only as a dotted quad', async t => {
  const names = ['localhost', 'a', 'a-b.example', '1.example', 'xn--zz.example', '192.0.2.7', `${'b'.repeat(63)}.a`]
  for (const name of names) t.ok(isHostName(name), name)
  const notNames = [
    '', '.', 'a.', '.a', 'a..b', '-a', 'a-', 'a_b', 'a b', `${'a'.repeat(64)}.example`, `${'a.'.repeat(127)}example`,
    '1.2.3', '127.1', '010.1.2.3', '2130706433', '0x7f.0.0.1', 'a.0x1f', 'a.0x', 'a.123', '1.2.3.256', '::1'
  ]
  for (const name of notNames) t.notOk(isHostName(name), JSON.stringify(name.slice(0, 40)))
})

t.test('property: every origin given is one the URL parser writes alike', async t => {
  // No `xn--` piece: the URL parser's verdict on those differs between Node lines.
  const piece = fc.constantFrom('a', 'Example', '.', ':', '80', '443', '0', '[', ']', '::1', '-', '0x7f', '1', '255')
  const authority = fc.array(piece, { maxLength: 10 }).map(parts => parts.join(''))
  let origins = 0
  fc.assert(fc.property(fc.constantFrom('http', 'https', 'HTTPS'), authority, (scheme, text) => {
    const result = httpOrigin(scheme, text)
    if (!('origin' in result)) return true
    origins++
    return URL.parse(result.origin)?.origin === result.origin
  }), { numRuns: 3000 })
  t.ok(origins > 100, `${origins} origins given (the property is exercised)`)
})
