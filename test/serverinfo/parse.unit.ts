// The getserverinfo reply (MS-OCGCWEB 3.1.3, [MS-XCCOSIP] 3.1.4.5; docs/design.md "getserverinfo override").
import t from 'tap'
import { parseServerInfoReply } from '../../src/serverinfo/parse.ts'
import { xccosReply } from '../fixtures/upstream.ts'

const URL_ = 'https://chatadmin.contoso.com/rooms/'

t.test('the XCCOS XML reply', async t => {
  t.equal(parseServerInfoReply(xccosReply(`roomManagementUrl="${URL_}"`), 'application/xml'), URL_)
  t.equal(parseServerInfoReply(xccosReply(`roomManagementUrl="${URL_}"`), 'text/plain; charset=utf-8'), URL_,
    'XCCOS bodies travel as text/plain: sniffed')
  t.equal(parseServerInfoReply(xccosReply(`roomManagementUrl="${URL_}"`), undefined), URL_)
  t.equal(parseServerInfoReply(xccosReply(`RoomManagementUrl="${URL_}"`), 'text/xml'), URL_,
    'attribute name in any case')
  t.equal(parseServerInfoReply(xccosReply(`ROOMMANAGEMENTURL="${URL_}"`), 'text/xml'), URL_)
  t.equal(parseServerInfoReply(xccosReply('roomManagementUrl="https://h/rm/?a=1&amp;b=2"'), 'text/xml'), 'https://h/rm/?a=1&b=2', 'XML entities are decoded')
  t.equal(parseServerInfoReply(xccosReply(`roomManagementUrl="  ${URL_} "`), 'text/xml'), URL_,
    'surrounding blanks trimmed')
  const prefixed = `<x:xccos xmlns:x="urn:parlano:xml:ns:xccos" ver="1" envid="18446744073709551615"><x:rpl id="rpl:getserverinfo"><x:resp code="200"/><x:data><x:sib roomManagementUrl="${URL_}"/></x:data></x:rpl></x:xccos>`
  t.equal(parseServerInfoReply(prefixed, 'text/xml'), URL_, 'a prefixed namespace')
  const twoReplies = `<xccos xmlns="urn:parlano:xml:ns:xccos"><rpl id="rpl:other"><resp code="500"/></rpl><rpl id="rpl:getserverinfo"><resp code="200"/><data><sib roomManagementUrl="${URL_}"/></data></rpl></xccos>`
  t.equal(parseServerInfoReply(twoReplies, 'text/xml'), URL_, 'the getserverinfo reply among others')
})

t.test('a successful reply naming no URL: no override', async t => {
  t.equal(parseServerInfoReply(xccosReply(''), 'application/xml'), undefined, 'attribute missing')
  t.equal(parseServerInfoReply(xccosReply('roomManagementUrl=""'), 'application/xml'), undefined, 'attribute empty')
  t.equal(parseServerInfoReply(xccosReply('roomManagementUrl="   "'), 'application/xml'), undefined, 'attribute blank')
  t.equal(parseServerInfoReply('<xccos xmlns="urn:parlano:xml:ns:xccos"><rpl id="rpl:getserverinfo"><resp code="200"/><data/></rpl></xccos>', 'text/xml'), undefined, 'no sib')
})

t.test('JSON replies', async t => {
  t.equal(parseServerInfoReply(JSON.stringify({ roomManagementUrl: URL_ }), 'application/json'), URL_)
  t.equal(parseServerInfoReply(` {"RoomManagementURL": "${URL_}"}`, undefined), URL_, 'sniffed, key in any case')
  t.equal(parseServerInfoReply('{"roomManagementUrl": null}', 'application/json'), undefined)
  t.equal(parseServerInfoReply('{"roomManagementUrl": ""}', 'application/json'), undefined)
  t.equal(parseServerInfoReply('{}', 'application/json; charset=utf-8'), undefined)
})

t.test('everything else is a failed fetch with a stable code', async t => {
  const cases: [string, string | undefined, string][] = [
    [xccosReply(`roomManagementUrl="${URL_}"`, '500'), 'text/xml', 'PCWP_SERVERINFO_REPLY_FAILED'],
    ['<xccos xmlns="urn:parlano:xml:ns:xccos"><rpl id="rpl:getserverinfo"><data><sib roomManagementUrl="https://x/"/></data></rpl></xccos>', 'text/xml', 'PCWP_SERVERINFO_REPLY_FAILED'],
    ['<xccos xmlns="urn:other"><rpl id="rpl:getserverinfo"><resp code="200"/></rpl></xccos>', 'text/xml', 'PCWP_SERVERINFO_MALFORMED'],
    ['<other xmlns="urn:parlano:xml:ns:xccos"/>', 'text/xml', 'PCWP_SERVERINFO_MALFORMED'],
    ['<xccos xmlns="urn:parlano:xml:ns:xccos"><rpl id="rpl:join"><resp code="200"/></rpl></xccos>', 'text/xml', 'PCWP_SERVERINFO_MALFORMED'],
    ['<xccos xmlns="urn:parlano:xml:ns:xccos"><rpl id="rpl:getserverinfo"><resp code="200"></rpl></xccos>', 'text/xml', 'PCWP_SERVERINFO_MALFORMED'],
    ['<xccos', 'text/xml', 'PCWP_SERVERINFO_MALFORMED'],
    ['', 'text/xml', 'PCWP_SERVERINFO_MALFORMED'],
    ['<!DOCTYPE xccos [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><xccos xmlns="urn:parlano:xml:ns:xccos">&b;</xccos>', 'text/xml', 'PCWP_SERVERINFO_DOCTYPE'],
    ['<?xml version="1.0"?><!DOCTYPE x SYSTEM "file:///etc/passwd"><xccos xmlns="urn:parlano:xml:ns:xccos"/>', 'text/xml', 'PCWP_SERVERINFO_DOCTYPE'],
    ['<xccos xmlns="urn:parlano:xml:ns:xccos"><!ENTITY x "y"></xccos>', 'text/xml', 'PCWP_SERVERINFO_DOCTYPE'],
    ['{"roomManagementUrl": 42}', 'application/json', 'PCWP_SERVERINFO_MALFORMED'],
    ['{"roomManagementUrl": ["https://x/"]}', 'application/json', 'PCWP_SERVERINFO_MALFORMED'],
    ['["https://x/"]', 'application/json', 'PCWP_SERVERINFO_MALFORMED'],
    ['null', 'application/json', 'PCWP_SERVERINFO_MALFORMED'],
    ['{"roomManagementUrl": ', 'application/json', 'PCWP_SERVERINFO_MALFORMED'],
    ['roomManagementUrl=https://x/', 'text/plain', 'PCWP_SERVERINFO_MALFORMED'],
    ['<html><body>Proxy error</body></html>', 'text/html', 'PCWP_SERVERINFO_MALFORMED']
  ]
  for (const [body, type, code] of cases) {
    t.throws(() => parseServerInfoReply(body, type), { name: 'ServerInfoError', code },
      `${body.slice(0, 60)} (${String(type)})`)
  }
})
