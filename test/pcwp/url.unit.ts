import t from 'tap'
import { buildCreateRoomUrl, buildRoomUrl, parseBaseUrl, ClientLangError, RoomIdError } from '../../src/pcwp/index.ts'

const ROOM = '61E092C7-89BB-4DC4-A3F5-8C23FA940FAB'

t.test('MS-OCGCWEB section 4 examples come out byte for byte', async t => {
  t.equal(buildCreateRoomUrl('http://example.com/rm/', 'en-US'),
    'http://example.com/rm/?clientlang=en-US', 'section 4, example 1: create a room')
  t.equal(buildRoomUrl('http://example.com/rm/', 'de-DE', ROOM),
    'http://example.com/rm/?clientlang=de-DE&id=61E092C7-89BB-4DC4-A3F5-8C23FA940FAB', 'section 4, example 2: edit a room')
  t.equal(buildCreateRoomUrl('http://example.com/rm/?extensionparam=value', 'en-US'),
    'http://example.com/rm/?extensionparam=value&clientlang=en-US', 'section 4, example 3: base with a parameter (3.1.5)')
})

t.test('MS-OCGCWEB section 2.2 examples', async t => {
  t.equal(buildCreateRoomUrl('http://example.com/RM/', 'en-US'),
    'http://example.com/RM/?clientlang=en-US', '2.2.1 create a room')
  t.equal(buildRoomUrl('http://example.com/RM/', 'en-US', 'ma-chan://example.com/61E092C7-89BB-4DC4-A3F5-8C23FA940FAB'),
    'http://example.com/RM/?clientlang=en-US&id=61E092C7-89BB-4DC4-A3F5-8C23FA940FAB', '2.2.2 GUID extracted from the room URI')
})

t.test('separators follow the base query (MS-OCGCWEB 3.1.5)', async t => {
  const cases: [string, string][] = [
    ['https://h/rm', 'https://h/rm?clientlang=en-US&id=' + ROOM],
    ['https://h/rm/', 'https://h/rm/?clientlang=en-US&id=' + ROOM],
    ['https://h/rm/?', 'https://h/rm/?clientlang=en-US&id=' + ROOM],
    ['https://h/rm/?a=1', 'https://h/rm/?a=1&clientlang=en-US&id=' + ROOM],
    ['https://h/rm/?a=1&', 'https://h/rm/?a=1&clientlang=en-US&id=' + ROOM],
    ['https://h/rm/?a=1&b', 'https://h/rm/?a=1&b&clientlang=en-US&id=' + ROOM],
    ['https://h/rm/#view', 'https://h/rm/?clientlang=en-US&id=' + ROOM + '#view'],
    ['https://h/rm/?a=1#/route?x=y', 'https://h/rm/?a=1&clientlang=en-US&id=' + ROOM + '#/route?x=y'],
    ['https://h/rm/?#', 'https://h/rm/?clientlang=en-US&id=' + ROOM + '#'],
    ['https://h/rm#?', 'https://h/rm?clientlang=en-US&id=' + ROOM + '#?']
  ]
  for (const [base, expected] of cases) t.equal(buildRoomUrl(base, 'en-US', ROOM), expected, base)
})

t.test('nothing of the base is rewritten', async t => {
  const cases = [
    'https://Chat.Example.COM/RM',
    'https://chat.example.com:8443/a/../rm/',
    'https://chat.example.com/r%20m/?q=a%20b&t=%2F',
    'https://[::1]:8443/rm/',
    'HTTPS://chat.example.com/rm/'
  ]
  for (const base of cases) {
    t.ok(buildCreateRoomUrl(base, 'en-US').startsWith(base), base)
  }
})

t.test('clientlang and id are canonicalised', async t => {
  t.equal(buildRoomUrl('https://h/rm/', 'de_de', '{61e092c7-89bb-4dc4-a3f5-8c23fa940fab}'),
    'https://h/rm/?clientlang=de-DE&id=' + ROOM)
  t.throws(() => buildCreateRoomUrl('https://h/rm/', 'english'), ClientLangError)
  t.throws(() => buildRoomUrl('https://h/rm/', 'en-US', 'not-a-room'), RoomIdError)
})

t.test('a prepared base gives the same result as a string', async t => {
  const base = parseBaseUrl('https://h/rm/?a=1#f')
  t.equal(buildRoomUrl(base, 'en-US', ROOM), buildRoomUrl('https://h/rm/?a=1#f', 'en-US', ROOM))
  t.equal(buildCreateRoomUrl(base, 'en-US'), 'https://h/rm/?a=1&clientlang=en-US#f')
})
