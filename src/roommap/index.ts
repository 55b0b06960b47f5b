// The room map (moved and retired rooms): parsing and validation are pure;
// loader.ts reads, watches and reloads the file.
export { RoomMapError, formatProblems, type RoomMapErrorCode, type RoomMapProblem } from './errors.ts'
export { PROTOCOL_ENTRY, RETIRED_ENTRY, type RoomMap, type RoomMapEntry, type RoomMapSummary } from './map.ts'
export { parseRoomMap, type RoomMapFormat } from './parse.ts'
export { fillTarget, type Placeholder, type RoomMapTarget } from './target.ts'
export type { ValidationOptions } from './validate.ts'
