import t from 'tap'
import { parseRoomId, RoomIdError } from '../../src/pcwp/index.ts'

const ROOM = '61E092C7-89BB-4DC4-A3F5-8C23FA940FAB'

t.test('accepted spellings (MS-OCGCWEB 2.2.2)', async t => {
  const cases = [
    ROOM,
    ROOM.toLowerCase(),
    '61e092c7-89BB-4dc4-A3F5-8c23fa940fab',
    `{${ROOM}}`,
    `{${ROOM.toLowerCase()}}`,
    `ma-chan://example.com/${ROOM}`,
    `ma-chan://example.com/${ROOM.toLowerCase()}`,
    `MA-CHAN://Contoso.com/${ROOM}`,
    `ma-chan://chat-01.eu.contoso.co.uk/${ROOM}`,
    `ma-chan://localhost/${ROOM}`
  ]
  for (const input of cases) t.equal(parseRoomId(input), ROOM, input)
})

t.test('rejections say what is expected and never echo the input', async t => {
  const cases: [string, string][] = [
    ['', 'PCWP_ROOM_ID_INVALID'],
    ['new', 'PCWP_ROOM_ID_INVALID'],
    [ROOM.slice(1), 'PCWP_ROOM_ID_INVALID'],
    [ROOM + '0', 'PCWP_ROOM_ID_INVALID'],
    [ROOM.replace(/-/g, ''), 'PCWP_ROOM_ID_INVALID'],
    [ROOM.replace('A', 'G'), 'PCWP_ROOM_ID_INVALID'],
    [`{${ROOM}`, 'PCWP_ROOM_ID_INVALID'],
    [`${ROOM}}`, 'PCWP_ROOM_ID_INVALID'],
    [`{{${ROOM}}}`, 'PCWP_ROOM_ID_INVALID'],
    [` ${ROOM}`, 'PCWP_ROOM_ID_INVALID'],
    [`${ROOM}\n`, 'PCWP_ROOM_ID_INVALID'],
    [`(${ROOM})`, 'PCWP_ROOM_ID_INVALID'],
    [`urn:uuid:${ROOM}`, 'PCWP_ROOM_ID_INVALID'],
    [`ma-cat://example.com/${ROOM}`, 'PCWP_ROOM_ID_INVALID'],
    ['x'.repeat(10_000), 'PCWP_ROOM_ID_INVALID'],
    [`ma-chan://example.com/${'A'.repeat(300)}`, 'PCWP_ROOM_ID_INVALID'],
    ['ma-chan://', 'PCWP_ROOM_URI_INVALID'],
    [`ma-chan://${ROOM}`, 'PCWP_ROOM_URI_INVALID'],
    [`ma-chan:///${ROOM}`, 'PCWP_ROOM_URI_INVALID'],
    [`ma-chan://example.com/{${ROOM}}`, 'PCWP_ROOM_URI_INVALID'],
    [`ma-chan://example.com/${ROOM}/`, 'PCWP_ROOM_URI_INVALID'],
    [`ma-chan://example.com/x/${ROOM}`, 'PCWP_ROOM_URI_INVALID'],
    [`ma-chan://user@example.com/${ROOM}`, 'PCWP_ROOM_URI_INVALID'],
    [`ma-chan://example.com:443/${ROOM}`, 'PCWP_ROOM_URI_INVALID'],
    [`ma-chan://-example.com/${ROOM}`, 'PCWP_ROOM_URI_INVALID'],
    [`ma-chan://example..com/${ROOM}`, 'PCWP_ROOM_URI_INVALID'],
    [`ma-chan://evil.com%2F/${ROOM}`, 'PCWP_ROOM_URI_INVALID'],
    [`ma-chan://exämple.com/${ROOM}`, 'PCWP_ROOM_URI_INVALID'],
    [`ma-chan://example.com/${ROOM}?x=1`, 'PCWP_ROOM_URI_INVALID'],
    [`ma-chan://example.com/${ROOM}#x`, 'PCWP_ROOM_URI_INVALID'],
    [`ma-chan://${'a'.repeat(64)}.com/${ROOM}`, 'PCWP_ROOM_URI_INVALID']
  ]
  for (const [input, code] of cases) {
    const label = JSON.stringify(input.slice(0, 60))
    const error = t.throws(() => parseRoomId(input), { code, message: /GUID/ }, `${label}: ${code}, the message says what is expected`)
    t.type(error, RoomIdError, `${label} is a RoomIdError`)
    if (input.length > 12) {
      t.notOk(error instanceof Error && error.message.includes(input), `${label}: the message does not echo the input`)
    }
  }
})
