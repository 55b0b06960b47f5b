// src/room-answer.ts: what a reader gets for a room link (docs/design.md "Room links"), every outcome.
import t from 'tap'
import { parseBaseUrl } from '../src/pcwp/index.ts'
import { splitBaseUrl } from '../src/pcwp/base-url.ts'
import { answerRoomLink, type RoomQuestion } from '../src/room-answer.ts'
import { parseRoomMap, PROTOCOL_ENTRY, RETIRED_ENTRY, type RoomMapEntry } from '../src/roommap/index.ts'

const ROOM = '61E092C7-89BB-4DC4-A3F5-8C23FA940FAB'
const INTERNAL = parseBaseUrl('https://pool.corp.example/rm/')
const EXTERNAL = parseBaseUrl('https://chat.example.com/rm/?tenant=contoso')
const OVERRIDE = parseBaseUrl('https://override.example.com/rm/')

/** The entry a one-row map gives the room. */
async function entryFor (target: string): Promise<RoomMapEntry> {
  const map = await parseRoomMap(`room,target,name,note\n${ROOM},${target},Atlas,Ask IT\n`, 'csv', { allowHttp: false })
  return map.lookup(ROOM)
}

const question = (fields: Partial<RoomQuestion>): RoomQuestion => ({
  room: ROOM,
  zone: 'internal',
  clientlang: 'de-DE',
  pageLanguage: () => 'de-DE',
  entry: PROTOCOL_ENTRY,
  override: undefined,
  baseUrls: { internal: INTERNAL, external: EXTERNAL },
  ...fields
})

t.test('a room left to pcwp: the zone\'s base URL, or the override for every zone (MS-OCGCWEB 3.1.3, 2.2)', async t => {
  t.same(answerRoomLink(question({})), { kind: 'redirect', outcome: 'pcwp', location: `https://pool.corp.example/rm/?clientlang=de-DE&id=${ROOM}` })
  t.same(answerRoomLink(question({ zone: 'external', room: undefined })),
    { kind: 'redirect', outcome: 'pcwp', location: 'https://chat.example.com/rm/?tenant=contoso&clientlang=de-DE' }, 'create a room (2.2.1)')
  for (const zone of ['internal', 'external'] as const) {
    t.same(answerRoomLink(question({ zone, override: OVERRIDE })),
      { kind: 'redirect', outcome: 'pcwp', location: `https://override.example.com/rm/?clientlang=de-DE&id=${ROOM}` }, `override, ${zone}`)
  }
})

t.test('no base URL for the zone: disabled, never the other zone\'s (MS-OCGCWEB 3.1.1)', async t => {
  t.same(answerRoomLink(question({ zone: 'external', baseUrls: { internal: INTERNAL } })), { kind: 'disabled' })
  t.same(answerRoomLink(question({ baseUrls: {} })), { kind: 'disabled' })
})

t.test('the room map decides first: moved with {id} and {lang} filled, retired with what the map knows', async t => {
  let asked = 0
  const pageLanguage = (): string => { asked++; return 'ja-JP' }
  const moved = await entryFor('https://teams.example.com/l/channel?room={id}&lang={lang}')
  t.same(answerRoomLink(question({ entry: moved, pageLanguage, override: OVERRIDE, baseUrls: {} })),
    { kind: 'redirect', outcome: 'moved', location: `https://teams.example.com/l/channel?room=${ROOM}&lang=ja-JP` }, 'whatever the bases')
  t.equal(asked, 1, 'the page language is asked for a moved room')
  answerRoomLink(question({ pageLanguage }))
  t.equal(asked, 1, 'and only then')
  t.same(answerRoomLink(question({ entry: await entryFor('retired') })),
    { kind: 'retired', name: 'Atlas', note: 'Ask IT' })
  t.same(answerRoomLink(question({ entry: RETIRED_ENTRY })), { kind: 'retired' })
})

t.test('an answer that would lead back to where it was asked is a loop; anywhere else is a redirect', async t => {
  const here = { host: 'pool.corp.example', path: '/rm/' }
  t.same(answerRoomLink(question({ askedAt: here })), { kind: 'loop', outcome: 'pcwp' })
  t.same(answerRoomLink(question({ askedAt: { host: 'POOL.corp.example', path: '/RM' } })),
    { kind: 'loop', outcome: 'pcwp' }, 'host and path in any case, a trailing slash aside')
  for (const [elsewhere, askedAt] of [
    ['another port', { host: 'pool.corp.example:8443', path: '/rm/' }],
    ['another path', { host: 'pool.corp.example', path: '/rm/x' }],
    ['another host', { host: 'links.example.com', path: '/rm/' }]
  ] as const) {
    t.same(answerRoomLink(question({ askedAt })).kind, 'redirect', elsewhere)
  }
  const demo = { internal: splitBaseUrl('/demo/rm/') }
  t.same(answerRoomLink(question({
    baseUrls: demo, askedAt: { host: 'links.example.com', path: '/demo/rm' }
  })).kind, 'loop', 'a relative base is on the host asked')
  t.same(answerRoomLink(question({
    baseUrls: demo, askedAt: { host: 'links.example.com', path: `/rooms/${ROOM}` }
  })).kind, 'redirect')
  const self = parseBaseUrl('https://links.example.com/rm/')
  const asked = { host: 'links.example.com', path: '/rm/' }
  t.same(answerRoomLink(question({ override: self, askedAt: asked })),
    { kind: 'redirect', outcome: 'pcwp', location: `https://pool.corp.example/rm/?clientlang=de-DE&id=${ROOM}` },
    'an override naming the address asked: the zone\'s configured base URL answers instead')
  t.same(answerRoomLink(question({ override: self, askedAt: asked, baseUrls: { external: EXTERNAL } })),
    { kind: 'loop', outcome: 'pcwp' }, 'and a loop only when the zone has none')
  const elsewhere = { host: 'links.example.com', path: `/rooms/${ROOM}` }
  t.same(answerRoomLink(question({ override: self, askedAt: elsewhere })).kind, 'redirect',
    'asked elsewhere, the override is followed (3.1.3)')
  const moved = await entryFor('https://pool.corp.example/rm/')
  t.same(answerRoomLink(question({ entry: moved, askedAt: here })), { kind: 'loop', outcome: 'moved' },
    'a moved room too')
})
