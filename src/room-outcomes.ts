// What a room link's answer did, as the metrics count it, the access line writes it and the migration report
// reads it back (docs/design.md "Metrics", "Access log").

/** `pcwp`: the MS-OCGCWEB redirect (or 503 without a base URL); `moved`, `retired`: the room map's word. */
export const OUTCOMES = ['pcwp', 'moved', 'retired'] as const
export type Outcome = typeof OUTCOMES[number]

/** A room link creates a room (`/rooms/new`) or opens one. */
export const ROOM_LINK_KINDS = ['create', 'room'] as const
export type RoomLinkKind = typeof ROOM_LINK_KINDS[number]
