// Room map targets copied from Teams ("Get link to channel", or a channel's webUrl from Microsoft Graph) are
// redirected to byte for byte (docs/room-map.md "Moving rooms to Teams").
import t from 'tap'
import { app, STANDARD_ENV } from '../fixtures/app.ts'
import { mapFile } from '../fixtures/room-map.ts'

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47'
const GROUP = 'a1b2c3d4-e5f6-4789-abcd-ef0123456789'
/** Rooms and the Teams links they moved to, in the shapes Teams and Graph write. */
const TARGETS: Record<string, string> = {
  '11111111-2222-4333-8444-555555555501':
    `https://teams.microsoft.com/l/channel/19%3A4f1c2b0e8d9a4c7b9e6f3a2d1c0b9a8e%40thread.tacv2/General?groupId=${GROUP}` +
    `&tenantId=${TENANT}`,
  '11111111-2222-4333-8444-555555555502':
    'https://teams.microsoft.com/l/channel/19%3a9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b%40thread.skype/Trading%20Desk%20(London)!' +
    `?groupId=${GROUP}&tenantId=${TENANT}`,
  '11111111-2222-4333-8444-555555555503':
    `https://teams.microsoft.com/l/channel/19:0a1b2c3d4e5f60718293a4b5c6d7e8f9@thread.skype/Fixed%20Income?groupId=${GROUP}` +
    `&tenantId=${TENANT}`,
  '11111111-2222-4333-8444-555555555504':
    'https://teams.cloud.microsoft/l/channel/19%3AabCDef0123456789abcdef0123456789%40thread.tacv2/Risk%20%26%20Compliance' +
    `?groupId=${GROUP}&tenantId=${TENANT}&ngc=true&allowXTenantAccess=true`,
  '11111111-2222-4333-8444-555555555505':
    'https://teams.cloud.microsoft/l/channel/19%3a0f9e8d7c6b5a49382716051423324150%40thread.tacv2/Equity%20Research!' +
    `?groupId=${GROUP}&tenantId=${TENANT}&allowXTenantAccess=false`
}

t.test('every shape Teams writes is taken as written and redirected to byte for byte', async t => {
  const map = await mapFile(t, 'rooms.csv',
    `room,target\n${Object.entries(TARGETS).map(([room, target]) => `${room},${target}`).join('\n')}\n`)
  const service = await app({ ...STANDARD_ENV, PCWP_ROOM_MAP: map })
  t.teardown(() => service.close())
  for (const [room, target] of Object.entries(TARGETS)) {
    const res = await service.inject(`/rooms/${room}`)
    t.equal(res.statusCode, 302, room)
    t.equal(res.headers.location, target, 'the Location is the target as Teams wrote it')
    const legacy = await service.inject(`/PersistentChat/RM/?clientlang=de-DE&id=${room.toLowerCase()}`)
    t.equal(legacy.headers.location, target, 'from a client\'s own link too')
  }
})
