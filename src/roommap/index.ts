// The room map (moved and retired rooms): parsing and validation are pure;
// loader.ts reads, watches and reloads the file.
export { RoomMapError, formatProblems, type RoomMapErrorCode, type RoomMapProblem } from './errors.js'
export { PROTOCOL_ENTRY, RETIRED_ENTRY, type RoomMap, type RoomMapEntry, type RoomMapSummary } from './map.js'
export { parseRoomMap, type RoomMapFormat } from './parse.js'
export { fillTarget, type Placeholder, type RoomMapTarget } from './target.js'
export type { ValidationOptions } from './validate.js'
