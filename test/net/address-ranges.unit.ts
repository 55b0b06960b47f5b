import t from 'tap'
import { createAddressMatcher, parseAddress, parseAddressRange } from '../../src/net/address-ranges.ts'

const ranges = (...texts: string[]) => texts.map(parseAddressRange)

t.test('address ranges', async t => {
  t.match(parseAddressRange('10.0.0.0/8'), { text: '10.0.0.0/8', prefix: 8 })
  t.equal(parseAddressRange('192.0.2.7').prefix, 32, 'a single IPv4 address')
  t.equal(parseAddressRange('2001:db8::1').prefix, 128, 'a single IPv6 address')
  t.equal(parseAddressRange('::ffff:10.0.0.0/104').prefix, 8, 'IPv4-mapped range → IPv4')
  t.equal(parseAddressRange('::ffff:10.0.0.0/40').prefix, 0)
  t.equal(parseAddressRange('::ffff:10.0.0.0/40').network.kind(), 'ipv4')
  for (const bad of ['', 'proxy.example', '10.0.0.0/33', '10.0.0.0/', '10.0.0.0/8/8', '10.0.0.0/-1', '10.0.0.0/a',
    '127.1', '0x7f.0.0.1', '::1/129', '10.0.0.0 /8', '10.0.0.0/0008']) {
    t.throws(() => parseAddressRange(bad), { message: /is not an IP address or CIDR range/ }, JSON.stringify(bad))
  }
  t.equal(parseAddress('127.1'), undefined, 'legacy IPv4 forms are not addresses')
  t.equal(parseAddress('::ffff:127.0.0.1')?.toString(), '127.0.0.1')
})

t.test('matching (MS-OCGCWEB 3.1.3: inside the enterprise network)', async t => {
  const isInternal = createAddressMatcher(ranges('10.0.0.0/8', '2001:db8::/32', '192.0.2.7'))
  const cases: [string, boolean][] = [
    ['10.1.2.3', true],
    ['::ffff:10.1.2.3', true],
    ['::FFFF:10.1.2.3', true],
    ['11.0.0.1', false],
    ['2001:db8:1::5', true],
    ['2001:db9::5', false],
    ['192.0.2.7', true],
    ['192.0.2.8', false],
    ['', false],
    ['10.1.2.3:4567', false],
    ['[2001:db8::1]', false],
    ['unknown', false],
    ['010.1.2.3', false],
    ['10.1.2', false],
    ['10.1.2.3.4', false],
    ['10.1.2.256', false],
    ['10..2.3', false],
    ['10.1.2.3.', false],
    ['::ffff:a01:203', true],
    ['::ffff:b01:203', false],
    ['::ffff:', false],
    ['::ffff:10.1.2.x', false],
    ['2001:db8::zz', false],
    ['0.0.0.0', false]
  ]
  for (const [address, expected] of cases) t.equal(isInternal(address), expected, JSON.stringify(address))
  t.equal(createAddressMatcher([])('10.1.2.3'), false, 'no ranges match nothing')
  const everything = createAddressMatcher(ranges('0.0.0.0/0'))
  t.equal(everything('203.0.113.9'), true, '/0 matches every IPv4 address')
  t.equal(everything('255.255.255.255'), true)
  t.equal(everything('2001:db8::1'), false, 'but no IPv6 address')
  const onlyV6 = createAddressMatcher(ranges('2001:db8::/32'))
  t.equal(onlyV6('10.1.2.3'), false)
  t.equal(onlyV6('::ffff:10.1.2.3'), false)
})
