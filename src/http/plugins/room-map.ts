import fp from 'fastify-plugin'
import { PROTOCOL_ENTRY, type RoomMapEntry } from '../../roommap/index.ts'
import type { RoomMapSource } from '../../roommap/loader.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** The room map file in force, when PCWP_ROOM_MAP is set. */
    readonly roomMap: RoomMapSource | undefined
    /** What the room map says about a room (a canonical GUID), or about new rooms (undefined): `pcwp` without a map. */
    readonly roomEntry: (id: string | undefined) => RoomMapEntry
  }
}

export interface RoomMapPluginOptions {
  readonly roomMap: RoomMapSource | undefined
}

/** The room map (docs/design.md "Room map"): the first word on every room link. */
export default fp<RoomMapPluginOptions>((app, { roomMap }, done) => {
  app.decorate('roomMap', roomMap)
  app.decorate('roomEntry', roomMap === undefined
    ? () => PROTOCOL_ENTRY
    : (id: string | undefined) => {
        const map = roomMap.current()
        return id === undefined ? map.forNew() : map.lookup(id)
      })
  done()
}, { name: 'room-map' })
