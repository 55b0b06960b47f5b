// The Persistent Chat Web Protocol [MS-OCGCWEB] itself: pure functions, no I/O.
// Every rule of the specification that this project implements lives here.
export { parseBaseUrl, type BaseUrl, type BaseUrlOptions } from './base-url.ts'
export { canonicalClientLang, parseClientLang } from './clientlang.ts'
export {
  BaseUrlError, ClientLangError, PcwpError, RoomIdError, type BaseUrlErrorCode, type RoomIdErrorCode
} from './errors.ts'
export { parseRoomId } from './room-id.ts'
export { buildCreateRoomUrl, buildRoomUrl } from './url.ts'
export { NETWORK_ZONES, resolveBaseUrl, type NetworkZone, type ProvisionedBaseUrls } from './resolve.ts'
