/**
 * The texts of the pages (docs/design.md "Language"): every key a page catalog
 * (locales/<tag>.json) holds, each with the placeholders its text contains.
 * A key names its page and the part of it; a placeholder `{name}` is filled
 * in by the page code, so every language must use exactly the same ones.
 * No key is the prefix of another (`links.status.label`, not `links.status`),
 * so that translation tools which nest keys at the dots can read the files.
 */
export const MESSAGES = {
  // /links, the link builder page.
  'links.title': [],
  'links.intro': [],
  'links.label': [],
  'links.make': [],
  'links.newRoom': [],
  'links.link': [],
  'links.snippet': [],
  'links.copy': [],
  'links.copied': [],
  'links.preview': [],
  'links.internal': [],
  'links.external': [],
  'links.disabled': [],
  'links.anchor': [],
  'links.anchorNew': [],
  'links.invalid': [],
  // A room's map status on /links: {target} is the URL a moved room leads to.
  'links.status.label': [],
  'links.status.moved': ['target'],
  'links.status.retired': [],
  'links.status.pcwp': [],
  // Error pages: a title and a message per code (docs/design.md "Errors").
  'error.code': ['code'],
  'error.PCWP_ROOM_ID_INVALID.title': [],
  'error.PCWP_ROOM_ID_INVALID.message': [],
  'error.PCWP_ROOM_URI_INVALID.title': [],
  'error.PCWP_ROOM_URI_INVALID.message': [],
  'error.PCWP_ROOM_URI_MISSING.title': [],
  'error.PCWP_ROOM_URI_MISSING.message': [],
  'error.BAD_REQUEST.title': [],
  'error.BAD_REQUEST.message': [],
  'error.NOT_FOUND.title': [],
  'error.NOT_FOUND.message': [],
  'error.PCWP_METHOD_NOT_ALLOWED.title': [],
  'error.PCWP_METHOD_NOT_ALLOWED.message': [],
  'error.RATE_LIMITED.title': [],
  'error.RATE_LIMITED.message': [],
  'error.PCWP_REDIRECT_LOOP.title': [],
  'error.PCWP_REDIRECT_LOOP.message': [],
  'error.INTERNAL_ERROR.title': [],
  'error.INTERNAL_ERROR.message': [],
  // One message per zone, so that no zone name has to be translated into a sentence.
  'error.PCWP_ROOM_MANAGEMENT_DISABLED.title': [],
  'error.PCWP_ROOM_MANAGEMENT_DISABLED.message.internal': [],
  'error.PCWP_ROOM_MANAGEMENT_DISABLED.message.external': [],
  // The 410 page of a room the room map retires: {name} and {note} are the map row's.
  'retired.title': [],
  'retired.titleNamed': ['name'],
  'retired.body': [],
  'retired.note': ['note'],
  // The contact line under every page: {contact} is the configured contact, or contact.default.
  'contact.line': ['contact'],
  'contact.default': []
} as const satisfies Readonly<Record<string, readonly string[]>>

export type MessageKey = keyof typeof MESSAGES

/** Every message key, in the order of the catalog files. */
export const MESSAGE_KEYS = Object.keys(MESSAGES) as readonly MessageKey[]

/** The placeholder names of a key's text. */
export type Placeholder<K extends MessageKey> = typeof MESSAGES[K][number]

/**
 * The values a key's text needs, as the rest parameters of a call: none for a
 * text without placeholders, else one object with a value for each.
 */
export type MessageValues<K extends MessageKey> = [Placeholder<K>] extends [never]
  ? []
  : [values: Readonly<Record<Placeholder<K>, string>>]

export function isMessageKey (key: string): key is MessageKey {
  return Object.hasOwn(MESSAGES, key)
}
