// parseRoomLink: a room as links in the wild carry it (MS-OCGCWEB 2.2.2).
import t from 'tap'
import fc from 'fast-check'
import { RoomIdError } from '../../src/pcwp/index.ts'
import { parseRoomId, parseRoomLink } from '../../src/pcwp/room-id.ts'

const ROOM = '61E092C7-89BB-4DC4-A3F5-8C23FA940FAB'

t.test('MS-OCGCWEB 2.2.2: a room URI\'s GUID may be braced; parseRoomId stays strict', async t => {
  for (const input of [`ma-chan://contoso.com/{${ROOM}}`, `MA-CHAN://Contoso.com/{${ROOM.toLowerCase()}}`]) {
    t.equal(parseRoomLink(input), ROOM, input)
    t.throws(() => parseRoomId(input), { code: 'PCWP_ROOM_URI_INVALID' }, `${input}: parseRoomId refuses it`)
  }
})

t.test('MS-OCGCWEB 2.2.2: trailing mail punctuation is dropped', async t => {
  const tails = ['.', ',', ')', '>', '%3E', '%3e', ').', '>,', '%3E.', '.%3e)', '...', '))>>%3E%3e']
  for (const room of [ROOM, `{${ROOM}}`, `ma-chan://contoso.com/${ROOM}`, `ma-chan://contoso.com/{${ROOM}}`]) {
    for (const tail of tails) t.equal(parseRoomLink(room + tail), ROOM, room + tail)
  }
  t.throws(() => parseRoomId(`${ROOM}.`), { code: 'PCWP_ROOM_ID_INVALID' }, 'parseRoomId refuses punctuation')
})

t.test('what is not a room link throws the same codes as parseRoomId', async t => {
  const cases: [string, string][] = [
    ['', 'PCWP_ROOM_ID_INVALID'],
    ['.', 'PCWP_ROOM_ID_INVALID'],
    ['%3', 'PCWP_ROOM_ID_INVALID'],
    ['3E', 'PCWP_ROOM_ID_INVALID'],
    [`(${ROOM})`, 'PCWP_ROOM_ID_INVALID'],
    [`${ROOM}%3`, 'PCWP_ROOM_ID_INVALID'],
    [`${ROOM}%3E%`, 'PCWP_ROOM_ID_INVALID'],
    [`${ROOM};`, 'PCWP_ROOM_ID_INVALID'],
    [`${ROOM}.x`, 'PCWP_ROOM_ID_INVALID'],
    [`x/{${ROOM}}`, 'PCWP_ROOM_ID_INVALID'],
    [`{${ROOM}}.}`, 'PCWP_ROOM_ID_INVALID'],
    ['.'.repeat(1_000_000), 'PCWP_ROOM_ID_INVALID'],
    [`${ROOM}${'%3E.'.repeat(250_000)}x`, 'PCWP_ROOM_ID_INVALID'],
    [`ma-chan://{${ROOM}}`, 'PCWP_ROOM_URI_INVALID'],
    [`ma-chan://contoso.com/{{${ROOM}}}`, 'PCWP_ROOM_URI_INVALID'],
    [`ma-chan://contoso.com/{${ROOM}`, 'PCWP_ROOM_URI_INVALID'],
    [`ma-chan://contoso.com/${ROOM}}`, 'PCWP_ROOM_URI_INVALID'],
    [`ma-chan://contoso.com/{${ROOM}}/`, 'PCWP_ROOM_URI_INVALID'],
    [`ma-chan://contoso.com/x/{${ROOM}}`, 'PCWP_ROOM_URI_INVALID'],
    [`ma-chan://contoso.com/${ROOM}?x=1.`, 'PCWP_ROOM_URI_INVALID']
  ]
  for (const [input, code] of cases) {
    const label = JSON.stringify(input.slice(0, 60))
    t.throws(() => parseRoomLink(input), { name: 'RoomIdError', code }, label)
    t.throws(() => parseRoomLink(input), RoomIdError, label)
  }
})

t.test('parseRoomLink agrees with parseRoomId wherever parseRoomId accepts', async t => {
  const hex = (n: number) =>
    fc.string({ unit: fc.constantFrom(...Array.from('0123456789abcdefABCDEF')), minLength: n, maxLength: n })
  const guid = fc.tuple(hex(8), hex(4), hex(4), hex(4), hex(12)).map(parts => parts.join('-'))
  const spelled = fc.oneof(
    guid,
    guid.map(g => `{${g}}`),
    fc.tuple(fc.constantFrom('ma-chan', 'MA-CHAN', 'Ma-Chan'), fc.domain(), guid).map(([s, d, g]) => `${s}://${d}/${g}`),
    fc.string(),
    fc.string({ unit: fc.constantFrom(...Array.from('{}/.,)>%3Ee-:abcdef0123456789')) })
  )
  let accepted = 0
  fc.assert(fc.property(spelled, input => {
    let strict: string
    try {
      strict = parseRoomId(input)
    } catch {
      return true
    }
    accepted++
    return parseRoomLink(input) === strict
  }), { seed: 20261127, numRuns: 3000 })
  t.ok(accepted > 1000, `the property saw ${String(accepted)} accepted spellings`)
})
