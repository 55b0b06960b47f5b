import { RoomIdError } from './errors.ts'

// MS-OCGCWEB 2.2.2: `id` is the room's GUID, "extracted from the room URI"
// (`ma-chan://<domain>/<GUID>`). The specification's examples write it
// uppercase, 8-4-4-4-12, without braces: that is the canonical form we emit.
const GUID = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/
const ROOM_URI_SCHEME = 'ma-chan://'
// A DNS domain: dot-separated labels of letters, digits and inner hyphens.
const DOMAIN = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/
// Longest accepted input: the scheme, a 253-character domain, a slash and a GUID.
const MAX_INPUT_LENGTH = ROOM_URI_SCHEME.length + 253 + 1 + 36

const EXPECTED_ID = 'a room is named by its GUID (8-4-4-4-12 hex digits, braces optional) or its room URI ma-chan://<domain>/<GUID>'

/**
 * Turns any accepted spelling of a room into its canonical GUID:
 * a bare GUID in any case, the same in braces, or a `ma-chan://` room URI.
 * Throws a {@link RoomIdError} for anything else.
 */
export function parseRoomId (input: string): string {
  if (input.length > MAX_INPUT_LENGTH) {
    throw new RoomIdError('PCWP_ROOM_ID_INVALID', `Not a room identifier: too long; ${EXPECTED_ID}.`)
  }
  if (input.slice(0, ROOM_URI_SCHEME.length).toLowerCase() === ROOM_URI_SCHEME) {
    return guidOfRoomUri(input.slice(ROOM_URI_SCHEME.length))
  }
  const bare = input.startsWith('{') && input.endsWith('}') ? input.slice(1, -1) : input
  if (!GUID.test(bare)) {
    throw new RoomIdError('PCWP_ROOM_ID_INVALID', `Not a room identifier: ${EXPECTED_ID}.`)
  }
  return bare.toUpperCase()
}

function guidOfRoomUri (rest: string): string {
  const slash = rest.indexOf('/')
  const domain = rest.slice(0, slash)
  const guid = rest.slice(slash + 1)
  if (slash < 0 || !DOMAIN.test(domain) || !GUID.test(guid)) {
    throw new RoomIdError('PCWP_ROOM_URI_INVALID', 'Not a room URI: expected ma-chan://<domain>/<GUID>, for example ma-chan://contoso.com/61E092C7-89BB-4DC4-A3F5-8C23FA940FAB.')
  }
  return guid.toUpperCase()
}

// What a mail program or the surrounding prose glues to the end of a link:
// sentence punctuation, a closing parenthesis, and the `>` of `<link>`, raw
// or percent-encoded. No accepted spelling of a room ends in one of these.
const TRAILING_PUNCTUATION = new Set(['.', ',', ')', '>'])
const ENCODED_GREATER_THAN = '%3e'

/**
 * Turns a room as a link in the wild carries it into its canonical GUID
 * (MS-OCGCWEB 2.2.2): everything {@link parseRoomId} accepts, plus a room URI
 * whose GUID is braced (`ma-chan://contoso.com/{GUID}`), after dropping any
 * run of trailing `.`, `,`, `)`, `>` or `%3E`. Throws a {@link RoomIdError}.
 */
export function parseRoomLink (input: string): string {
  const trimmed = input.slice(0, endBeforeTrailingPunctuation(input))
  const slash = trimmed.lastIndexOf('/')
  const last = trimmed.slice(slash + 1)
  const unbraced = slash >= 0 && last.startsWith('{') && last.endsWith('}')
    ? trimmed.slice(0, slash + 1) + last.slice(1, -1)
    : trimmed
  return parseRoomId(unbraced)
}

// One backward pass, so that a long run of punctuation costs linear time.
function endBeforeTrailingPunctuation (input: string): number {
  let end = input.length
  for (;;) {
    if (TRAILING_PUNCTUATION.has(input.charAt(end - 1))) end -= 1
    else if (end >= 3 && input.slice(end - 3, end).toLowerCase() === ENCODED_GREATER_THAN) end -= 3
    else return end
  }
}
