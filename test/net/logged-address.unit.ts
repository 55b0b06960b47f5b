// src/net/logged-address.ts: PCWP_LOG_CLIENT's full, truncated and none forms of a client address.
import t from 'tap'
import { LOG_CLIENT_MODES, logClientAddress } from '../../src/net/logged-address.ts'

t.test('the modes PCWP_LOG_CLIENT takes, in the order its message lists them', async t => {
  t.same(LOG_CLIENT_MODES, ['full', 'truncated', 'none'])
})

t.test('full keeps the address as it is', async t => {
  t.equal(logClientAddress('10.1.2.3', 'full'), '10.1.2.3')
  t.equal(logClientAddress('2001:DB8::1', 'full'), '2001:DB8::1', 'not even normalised')
  t.equal(logClientAddress(undefined, 'full'), undefined)
})

t.test('none drops the address', async t => {
  t.equal(logClientAddress('10.1.2.3', 'none'), undefined)
  t.equal(logClientAddress(undefined, 'none'), undefined)
})

t.test('truncated keeps an IPv4 /24', async t => {
  t.equal(logClientAddress('10.1.2.3', 'truncated'), '10.1.2.0/24')
  t.equal(logClientAddress('192.0.2.255', 'truncated'), '192.0.2.0/24')
  t.equal(logClientAddress('0.0.0.0', 'truncated'), '0.0.0.0/24')
})

t.test('truncated writes an IPv4-mapped IPv6 address as its IPv4 /24', async t => {
  t.equal(logClientAddress('::ffff:10.1.2.3', 'truncated'), '10.1.2.0/24')
  t.equal(logClientAddress('::FFFF:198.51.100.7', 'truncated'), '198.51.100.0/24')
})

t.test('truncated keeps an IPv6 /48 in compressed form', async t => {
  t.equal(logClientAddress('2001:db8:abcd:12:3456:789a:bcde:f012', 'truncated'), '2001:db8:abcd::/48')
  t.equal(logClientAddress('2001:0DB8:ABCD:0012::1', 'truncated'), '2001:db8:abcd::/48',
    'lower case, leading zeros gone')
  t.equal(logClientAddress('2001:db8::1', 'truncated'), '2001:db8::/48')
  t.equal(logClientAddress('::1', 'truncated'), '::/48')
  t.equal(logClientAddress('fe80::1', 'truncated'), 'fe80::/48')
})

t.test('truncated drops what is not an IP address rather than writing it whole', async t => {
  t.equal(logClientAddress(undefined, 'truncated'), undefined)
  t.equal(logClientAddress('', 'truncated'), undefined)
  t.equal(logClientAddress('unix:/run/pcwp.sock', 'truncated'), undefined)
  t.equal(logClientAddress('127.1', 'truncated'), undefined, 'legacy IPv4 forms are not addresses')
  t.equal(logClientAddress('10.1.2.3, 10.9.9.9', 'truncated'), undefined)
})
