import { parseBaseUrl, type BaseUrl } from './base-url.ts'
import { parseClientLang } from './clientlang.ts'
import { parseRoomId } from './room-id.ts'

/**
 * MS-OCGCWEB 2.2.1 / 3.1.5: the URL that opens the room management application
 * to create a room: the base URL with `clientlang` appended.
 *
 * `base` is a {@link BaseUrl} from `parseBaseUrl`, or a URL string, which is
 * validated here with HTTP allowed (the protocol itself permits it).
 * `clientlang` is canonicalised (`de-de` → `de-DE`); an invalid one throws.
 */
export function buildCreateRoomUrl (base: BaseUrl | string, clientlang: string): string {
  return roomManagementUrl(asBaseUrl(base), parseClientLang(clientlang), undefined)
}

/**
 * MS-OCGCWEB 2.2.2 / 3.1.5: the URL that opens the room management application
 * on one room: the base URL with `clientlang`, then `id`, appended.
 *
 * `roomId` is any spelling `parseRoomId` accepts (a GUID, braced or not, in
 * any case, or a `ma-chan://` room URI); `id` is always the canonical GUID.
 */
export function buildRoomUrl (base: BaseUrl | string, clientlang: string, roomId: string): string {
  return roomManagementUrl(asBaseUrl(base), parseClientLang(clientlang), parseRoomId(roomId))
}

/**
 * The append rule itself (MS-OCGCWEB 2.2, 3.1.5) for values that are already
 * canonical: `clientlang`, then `id` when a room is named, joined to the base's
 * query, the fragment kept last. The service negotiates a supported
 * clientlang and parses the room once per request, so its redirect path calls
 * this directly instead of validating both again.
 */
export function roomManagementUrl ({ head, fragment }: BaseUrl, clientlang: string, id: string | undefined): string {
  return id === undefined
    ? `${head}clientlang=${clientlang}${fragment}`
    : `${head}clientlang=${clientlang}&id=${id}${fragment}`
}

function asBaseUrl (base: BaseUrl | string): BaseUrl {
  return typeof base === 'string' ? parseBaseUrl(base, { allowHttp: true }) : base
}
