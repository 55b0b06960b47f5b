// The Persistent Chat Web Protocol [MS-OCGCWEB] itself: pure functions, no I/O.
// Every rule of the specification that this project implements lives here.
export { parseBaseUrl, type BaseUrl, type BaseUrlOptions } from './base-url.js'
export { canonicalClientLang, parseClientLang } from './clientlang.js'
export { BaseUrlError, ClientLangError, PcwpError, RoomIdError, type BaseUrlErrorCode, type RoomIdErrorCode } from './errors.js'
export { parseRoomId } from './room-id.js'
export { buildCreateRoomUrl, buildRoomUrl } from './url.js'
export { NETWORK_ZONES, resolveBaseUrl, type NetworkZone, type ProvisionedBaseUrls } from './resolve.js'
