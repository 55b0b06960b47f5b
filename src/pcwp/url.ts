import { parseBaseUrl, type BaseUrl } from './base-url.js'
import { parseClientLang } from './clientlang.js'
import { parseRoomId } from './room-id.js'

/**
 * MS-PCWP 2.2.1 / 3.1.5: the URL that opens the room management application
 * to create a room: the base URL with `clientlang` appended.
 *
 * `base` is a {@link BaseUrl} from `parseBaseUrl`, or a URL string, which is
 * validated here with HTTP allowed (the protocol itself permits it).
 * `clientlang` is canonicalised (`de-de` → `de-DE`); an invalid one throws.
 */
export function buildCreateRoomUrl (base: BaseUrl | string, clientlang: string): string {
  const { head, fragment } = asBaseUrl(base)
  return `${head}clientlang=${parseClientLang(clientlang)}${fragment}`
}

/**
 * MS-PCWP 2.2.2 / 3.1.5: the URL that opens the room management application
 * on one room: the base URL with `clientlang`, then `id`, appended.
 *
 * `roomId` is any spelling `parseRoomId` accepts (a GUID, braced or not, in
 * any case, or a `ma-chan://` room URI); `id` is always the canonical GUID.
 */
export function buildRoomUrl (base: BaseUrl | string, clientlang: string, roomId: string): string {
  const { head, fragment } = asBaseUrl(base)
  return `${head}clientlang=${parseClientLang(clientlang)}&id=${parseRoomId(roomId)}${fragment}`
}

function asBaseUrl (base: BaseUrl | string): BaseUrl {
  return typeof base === 'string' ? parseBaseUrl(base, { allowHttp: true }) : base
}
