import { isIP } from 'node:net'
import fc from 'fast-check'
import t, { type Test } from 'tap'
import { createAddressMatcher, parseAddress, parseAddressRange } from '../../src/net/address-ranges.ts'
import { resolveClientAddress } from '../../src/negotiate/client-address.ts'
import { hostileLines, SKIP_WITHOUT_CORPUS } from '../fixtures/hostile-corpus.ts'

// The proxy on loopback and the enterprise's proxies in 10.0.0.0/8 and fd00::/8.
const isTrustedProxy = createAddressMatcher(['127.0.0.1', '10.0.0.0/8', 'fd00::/8'].map(parseAddressRange))
const resolve = (forwarded: string | undefined, xForwardedFor: string | undefined, peer = '127.0.0.1') =>
  resolveClientAddress({ peer, forwarded, xForwardedFor }, isTrustedProxy)

type Case = [
  forwarded: string | undefined, xForwardedFor: string | undefined, expected: string | undefined, why: string
]

function check (t: Test, cases: readonly Case[]): void {
  for (const [forwarded, xForwardedFor, expected, why] of cases) {
    t.equal(resolve(forwarded, xForwardedFor), expected, why)
  }
}

t.test('an untrusted peer is the client: its headers are never read', async t => {
  t.equal(resolve('for=10.1.1.1', '10.1.1.1', '203.0.113.9'), '203.0.113.9')
  t.equal(resolve(undefined, 'garbage', '203.0.113.9'), '203.0.113.9')
  t.equal(resolve('for=unknown', undefined, '::ffff:203.0.113.9'), '203.0.113.9', 'IPv4-mapped IPv6 is written as IPv4')
  t.equal(resolve(undefined, undefined, '2001:DB8:0:0::1'), '2001:db8::1', 'IPv6 in its canonical form')
  t.equal(resolve(undefined, '198.51.100.4', ''), undefined, 'a peer that is no address is not passed on')
})

t.test('X-Forwarded-For behind a trusted peer, walked from the right', async t => {
  check(t, [
    [undefined, undefined, '127.0.0.1', 'no header: the trusted peer itself'],
    [undefined, '', '127.0.0.1', 'an empty header is an empty list'],
    [undefined, '198.51.100.4', '198.51.100.4', 'one hop'],
    [undefined, '198.51.100.4, 10.2.2.2', '198.51.100.4', 'trusted hops are skipped'],
    [undefined, '10.9.9.9, 198.51.100.4, 10.2.2.2', '198.51.100.4', 'the first untrusted hop from the right; what it was told is not believed'],
    [undefined, '10.9.9.9, 10.2.2.2', '10.9.9.9', 'all trusted: the leftmost'],
    [undefined, ' 198.51.100.4 ,\t10.2.2.2 ', '198.51.100.4', 'optional white space'],
    [undefined, '198.51.100.4,, 10.2.2.2, ', '198.51.100.4', 'empty list elements are skipped (RFC 9110 5.6.1.2)'],
    [undefined, 'garbage, 198.51.100.4, 10.2.2.2', '198.51.100.4', 'junk left of the client is never read'],
    [undefined, '::ffff:198.51.100.4', '198.51.100.4', 'IPv4-mapped IPv6 is IPv4'],
    [undefined, '198.51.100.4, ::ffff:10.2.2.2', '198.51.100.4', 'a mapped trusted hop is trusted'],
    [undefined, '2001:db8::1, fd00::2', '2001:db8::1', 'unbracketed IPv6 is an address'],
    [undefined, '2001:0DB8:0000::0001', '2001:db8::1', 'IPv6 in canonical form']
  ])
})

t.test('entries with a port count as their address (IIS ARR, cloud load balancers)', async t => {
  check(t, [
    [undefined, '203.0.113.9:51234', '203.0.113.9', 'IIS ARR appends client:port'],
    [undefined, '203.0.113.9:51234, 10.0.0.4:443', '203.0.113.9', 'a trusted hop written with a port is trusted'],
    [undefined, '[2001:db8::7]:51234', '2001:db8::7', 'bracketed IPv6 with a port'],
    [undefined, '[2001:db8::7]', '2001:db8::7', 'bracketed IPv6 without a port'],
    [undefined, '198.51.100.4, [fd00::5]:8443', '198.51.100.4', 'a trusted bracketed IPv6 hop'],
    [undefined, '203.0.113.9, 10.0.0.4', '203.0.113.9', 'a cloud load balancer appends the address it saw'],
    [undefined, '203.0.113.9:80:80', undefined, 'two ports'],
    [undefined, '203.0.113.9:123456', undefined, 'a port of six digits'],
    [undefined, '203.0.113.9:', undefined, 'an empty port'],
    [undefined, '[203.0.113.9]:80', undefined, 'IPv4 in brackets'],
    [undefined, '[2001:db8::7', undefined, 'an unclosed bracket'],
    [undefined, '[2001:db8::7]x', undefined, 'text after the bracket']
  ])
})

t.test('what is not an address ends the walk with no address', async t => {
  check(t, [
    [undefined, 'garbage', undefined, 'a word'],
    [undefined, 'garbage, 10.2.2.2', undefined, 'behind a trusted hop'],
    [undefined, 'unknown', undefined, 'unknown'],
    [undefined, '127.1', undefined, 'legacy IPv4 forms'],
    [undefined, '198.51.100.4 10.2.2.2', undefined, 'two addresses without a comma'],
    [undefined, '1'.repeat(200), undefined, 'a long node'],
    [undefined, '<script>alert(1)</script>', undefined, 'markup']
  ])
})

t.test('RFC 7239 Forwarded (sections 4, 6 and 7)', async t => {
  check(t, [
    ['for="_gazonk"', undefined, undefined, '4: an obfuscated identifier'],
    ['For="[2001:db8:cafe::17]:4711"', undefined, '2001:db8:cafe::17',
      '4: case-insensitive name, quoted IPv6 with a port'],
    ['for=192.0.2.60;proto=http;by=203.0.113.43', undefined, '192.0.2.60', '4: several pairs'],
    ['for=192.0.2.43, for=198.51.100.17', undefined, '198.51.100.17', '4: two proxies, the rightmost untrusted'],
    ['for=192.0.2.43, for=10.0.0.17', undefined, '192.0.2.43', 'a trusted hop is skipped'],
    ['for=192.0.2.43,for="[2001:db8:cafe::17]",for=unknown', undefined, undefined, '7.1: unknown ends the walk'],
    ['for=192.0.2.43, for="[2001:db8:cafe::17]"', undefined, '2001:db8:cafe::17',
      '7.4: converted from X-Forwarded-For'],
    ['for="192.0.2.43:47011"', undefined, '192.0.2.43', '6: IPv4 with a port'],
    ['for="[2001:db8:cafe::17]:_abc"', undefined, '2001:db8:cafe::17', '6: an obfuscated port'],
    ['for=_SEVKISEK', undefined, undefined, '6.3: obfuscated'],
    ['for="unknown:1234"', undefined, undefined, 'unknown with a port'],
    ['for=192.0.2.60;proto=https;host="example.com, evil"', undefined, '192.0.2.60',
      'a comma inside a quoted value does not split'],
    ['for="a\\",b", for=198.51.100.17', undefined, '198.51.100.17', 'an escaped quote stays inside the string'],
    ['for="a\\\\", for=198.51.100.17', undefined, '198.51.100.17', 'an escaped backslash before the closing quote'],
    [' for=198.51.100.17 ; proto=http ', undefined, '198.51.100.17', 'white space around pairs'],
    [';for=198.51.100.17;;', undefined, '198.51.100.17', 'empty pairs'],
    ['for=198.51.100.17,,', undefined, '198.51.100.17', 'empty elements'],
    ['FOR=198.51.100.17', undefined, '198.51.100.17', 'upper-case name'],
    ['proto=https;by=10.0.0.1', '198.51.100.4', undefined, 'an element without for= does not disclose the client'],
    ['for=198.51.100.17;for=198.51.100.18', undefined, undefined, 'for= twice in one element'],
    ['for=', undefined, undefined, 'an empty value'],
    ['for="198.51.100.17', undefined, undefined, 'an unclosed quote'],
    ['for=198.51.100.17 proto=http', undefined, undefined, 'pairs without a separator'],
    ['198.51.100.17', undefined, undefined, 'a bare address is not a pair'],
    ['for=198.51.100.17:80', undefined, undefined, 'a colon is not a token character: a port must be quoted']
  ])
})

t.test('Forwarded wins over X-Forwarded-For, never merged', async t => {
  check(t, [
    ['for=198.51.100.17', '203.0.113.9', '198.51.100.17', 'Forwarded is read'],
    ['for=10.0.0.1', '203.0.113.9', '10.0.0.1', 'all Forwarded hops trusted: X-Forwarded-For does not continue the chain'],
    ['for=unknown', '203.0.113.9', undefined, 'an undisclosed Forwarded client is not replaced by X-Forwarded-For'],
    ['', '203.0.113.9', '203.0.113.9', 'an empty Forwarded list counts as absent'],
    [' , ', '203.0.113.9', '203.0.113.9', 'so does one of empty elements']
  ])
})

t.test('the walk is bounded: at most 32 hops from the right', async t => {
  const trusted = Array.from({ length: 40 }, (_, i) => `10.0.0.${i + 1}`)
  t.equal(resolve(undefined, ['198.51.100.4', ...trusted].join(',')), '10.0.0.9',
    '32 trusted hops: the 32nd from the right')
  t.equal(resolve(undefined, ['198.51.100.4', ...trusted.slice(0, 31)].join(',')), '198.51.100.4',
    '31 trusted hops and the client')
  t.equal(resolve(trusted.map(a => `for=${a}`).join(','), undefined), '10.0.0.9', 'Forwarded too')
  t.equal(resolve(undefined, `${'10.0.0.1,'.repeat(100_000)}10.0.0.2`), '10.0.0.1', 'a huge chain')
  t.equal(resolve(`for="${'x,'.repeat(100_000)}"`, undefined), undefined, 'a huge quoted value')
  t.equal(resolve(undefined, `198.51.100.4${' '.repeat(100_000)}`), '198.51.100.4', 'white space is trimmed')
  t.equal(resolve(undefined, `198.51.100.4:${'1'.repeat(100_000)}`), undefined, 'a huge node')
})

t.test('hostile corpus: never throws, never returns anything but an address', { skip: SKIP_WITHOUT_CORPUS }, async t => {
  const lines = hostileLines()
  t.ok(lines.length > 1000, `${lines.length} lines`)
  const results = lines.flatMap(line => [
    resolve(undefined, line), resolve(line, undefined),
    resolve(`for=${line}`, undefined), resolve(`for="${line}"`, undefined),
    resolve(undefined, `${line}, 10.0.0.1`), resolve(undefined, undefined, line)
  ])
  const bad = results.filter(result => result !== undefined && isIP(result) === 0)
  t.same(bad, [], 'every result is an IP address or undefined')
  t.ok(results.includes('127.0.0.1') && results.includes('::1'), 'the corpus addresses themselves come through')
  t.ok(results.includes(undefined), 'and the rest does not')
})

t.test('property: the rightmost untrusted hop, the same through both headers', async t => {
  const address = fc.oneof(fc.ipV4(), fc.ipV6(),
    fc.constantFrom('10.0.0.1', '10.200.3.4', 'fd00::9', '::ffff:10.0.0.7'))
  const hop = fc.record({ address, port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }) })
  const canonical = (text: string) => parseAddress(text)?.toString() as string
  fc.assert(fc.property(fc.array(hop, { minLength: 1, maxLength: 40 }), hops => {
    const model = hops.map(h => canonical(h.address)).reverse().slice(0, 32)
    const expected = model.find(a => !isTrustedProxy(a)) ?? model[model.length - 1]
    const written = hops.map(({ address, port }) =>
      port === undefined ? address : isIP(address) === 6 ? `[${address}]:${port}` : `${address}:${port}`)
    const forwarded = written.map(node => `for="${node}"`).join(', ')
    return resolve(undefined, written.join(', ')) === expected && resolve(forwarded, 'junk') === expected
  }))
  t.equal(resolve('for="[::ffff:10.0.0.7]:80"', undefined), '10.0.0.7',
    'a mapped address in brackets, as the property writes it')
})

t.test('property: any header text gives an address or nothing', async t => {
  const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }),
    fc.array(fc.constantFrom(
      'for=', '"', '\\', ',', ';', '[', ']', ':', '_', '10.0.0.1', '198.51.100.4', 'fd00::1', ' ', 'unknown'
    )).map(parts => parts.join('')))
  fc.assert(fc.property(
    fc.option(text, { nil: undefined }), fc.option(text, { nil: undefined }), (forwarded, xForwardedFor) => {
      const result = resolve(forwarded, xForwardedFor)
      return result === undefined || isIP(result) !== 0
    }
  ), { numRuns: 2000 })
  t.equal(resolve('for=[', undefined), undefined)
})
