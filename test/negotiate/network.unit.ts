import t from 'tap'
import { createAddressMatcher, parseAddressRange } from '../../src/net/address-ranges.ts'
import { decideZone, type ZonePolicy } from '../../src/negotiate/network.ts'

const policy: ZonePolicy = {
  isInternal: createAddressMatcher([parseAddressRange('10.0.0.0/8')]),
  defaultZone: 'external'
}

t.test('zone decisions (docs/design.md "Client address and network zone", MS-OCGCWEB 3.1.3)', async t => {
  const cases: [string | undefined, string | undefined, string, string][] = [
    // client address, trusted zone header, expected zone, decided by
    ['10.1.2.3', undefined, 'internal', 'address'],
    ['203.0.113.9', undefined, 'external', 'default'],
    [undefined, undefined, 'external', 'default'],
    ['203.0.113.9', 'internal', 'internal', 'header'],
    ['10.1.2.3', 'external', 'external', 'header'],
    [undefined, 'internal', 'internal', 'header'],
    ['10.1.2.3', ' Internal ', 'internal', 'header'],
    ['203.0.113.9', 'EXTERNAL', 'external', 'header'],
    ['10.1.2.3', 'dmz', 'internal', 'address'],
    ['10.1.2.3', '', 'internal', 'address'],
    ['203.0.113.9', 'internal, external', 'external', 'default']
  ]
  for (const [client, trustedZoneHeader, zone, decidedBy] of cases) {
    t.same(decideZone(policy, { client, trustedZoneHeader }), { zone, decidedBy },
      `${String(client)} ${JSON.stringify(trustedZoneHeader)}`)
  }
})

t.test('the default zone', async t => {
  const internalDefault: ZonePolicy = { ...policy, defaultZone: 'internal' }
  t.same(decideZone(internalDefault, { client: '203.0.113.9', trustedZoneHeader: undefined }),
    { zone: 'internal', decidedBy: 'default' })
  t.same(decideZone(internalDefault, { client: undefined, trustedZoneHeader: 'dmz' }),
    { zone: 'internal', decidedBy: 'default' },
    'an undisclosed client and an unknown header value leave it to the default')
  t.same(decideZone(internalDefault, { client: '203.0.113.9', trustedZoneHeader: 'external' }),
    { zone: 'external', decidedBy: 'header' })
})
