import { BaseUrlError } from './errors.ts'

/**
 * A validated base room management application URL (MS-OCGCWEB 3.1.1), split
 * once so that building a URL from it is two string concatenations.
 */
export interface BaseUrl {
  /** The URL exactly as configured: nothing of it is ever rewritten. */
  readonly href: string
  /** Everything before the fragment, ending in the separator the first appended parameter needs. */
  readonly head: string
  /** The fragment with its `#`, or `''`; it stays at the end of every built URL. */
  readonly fragment: string
}

export interface BaseUrlOptions {
  /** Accept `http:` as well as `https:` (MS-OCGCWEB 5.1 strongly recommends HTTPS). */
  readonly allowHttp?: boolean
}

// Parameters the protocol appends (MS-OCGCWEB 2.2.1, 2.2.2). A base that already
// carries one would make the room management application see two values.
const RESERVED_PARAMETERS = new Set(['clientlang', 'id'])
// RFC 3986 characters only (unreserved, reserved and '%'). Anything else would
// be re-encoded by a browser, or be unsafe in a Location header.
export const URL_CHARACTERS = /^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]+$/
// An absolute URL with an authority: "https://host...". WHATWG URL parsing is
// lenient ("https:host", "https:///host"); a base URL must be written plainly.
export const ABSOLUTE_HTTP_URL = /^https?:\/\/[^/?#]/i

/**
 * Validates a base room management URL and prepares it for appending.
 * Throws a {@link BaseUrlError} saying what is wrong; the message never
 * repeats the URL, which may carry secrets.
 */
export function parseBaseUrl (href: string, options: BaseUrlOptions = {}): BaseUrl {
  const allowHttp = options.allowHttp === true
  const expected = allowHttp ? 'an absolute https:// or http:// URL' : 'an absolute https:// URL'
  if (!URL_CHARACTERS.test(href)) {
    throw new BaseUrlError('PCWP_BASE_URL_CHARACTERS', `Not a usable base URL: it contains spaces, non-ASCII or other characters that must be percent-encoded; expected ${expected}.`)
  }
  const parsed = ABSOLUTE_HTTP_URL.test(href) ? URL.parse(href) : null
  if (parsed === null) {
    throw new BaseUrlError('PCWP_BASE_URL_NOT_ABSOLUTE', `Not a usable base URL: expected ${expected}, for example https://chat.example.com/PersistentChat/RM/.`)
  }
  if (parsed.protocol !== 'https:' && !(allowHttp && parsed.protocol === 'http:')) {
    throw new BaseUrlError('PCWP_BASE_URL_SCHEME', `Not a usable base URL: plain http:// is refused (MS-OCGCWEB 5.1 recommends HTTPS); expected ${expected}, or allow HTTP explicitly.`)
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw new BaseUrlError('PCWP_BASE_URL_CREDENTIALS', `Not a usable base URL: it carries a user name or password; expected ${expected} without credentials.`)
  }
  for (const name of parsed.searchParams.keys()) {
    if (RESERVED_PARAMETERS.has(name.toLowerCase())) {
      throw new BaseUrlError('PCWP_BASE_URL_RESERVED_PARAMETER', `Not a usable base URL: its query already has a "${name.toLowerCase()}" parameter, which MS-OCGCWEB appends itself; remove it.`)
    }
  }
  return splitBaseUrl(href)
}

/**
 * Splits a base URL for appending without validating it: for bases the
 * service itself defines (the demo application's relative path).
 */
export function splitBaseUrl (href: string): BaseUrl {
  const hash = href.indexOf('#')
  const beforeFragment = hash < 0 ? href : href.slice(0, hash)
  const fragment = hash < 0 ? '' : href.slice(hash)
  // MS-OCGCWEB 3.1.5: parameters join the base's existing parameter list.
  let separator = '&'
  if (!beforeFragment.includes('?')) separator = '?'
  else if (beforeFragment.endsWith('?') || beforeFragment.endsWith('&')) separator = ''
  return { href, head: beforeFragment + separator, fragment }
}
