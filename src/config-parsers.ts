import { statSync, type Stats } from 'node:fs'
import { isIP } from 'node:net'
import { resolve } from 'node:path'
import { parseAddress, parseAddressRange, type AddressRange } from './net/address-ranges.ts'
import { httpOrigin, isHostName } from './net/origin.ts'
import { normalisePath } from './paths.ts'
import { BaseUrlError, canonicalClientLang, parseBaseUrl, type BaseUrl, type BaseUrlErrorCode } from './pcwp/index.ts'
import { quote } from './quote.ts'
import { SERVICE_ROUTE_PREFIXES, serviceRouteOf } from './service-routes.ts'
import { expectedError } from './expected-error.ts'

// Parsers for one kind of configuration value each (docs/design.md "Configuration").
// A bad value is returned as an InvalidValue, not thrown: a hostile or huge
// list has thousands of bad items, and an Error each would cost a stack trace.
// Its reason and fix become the line `VARIABLE: reason; expected …` of a
// ConfigError. A value is echoed only through quote() (src/quote.ts), and a
// URL never: it may carry a secret.

/** A bad value: what is wrong (`reason`) and what would be right (`expected`, starting "expected"). */
export class InvalidValue {
  readonly reason: string
  readonly expected: string

  constructor (reason: string, expected: string) {
    this.reason = reason
    this.expected = expected
  }
}

/** Parses a whole value, or, for entry() and list(), one item (its reason then reads "is not …"). */
export type ValueParser<T> = (value: string) => T | InvalidValue

const LISTED_ENTRIES = 5
// Far beyond any real list (hundreds of CIDR ranges at most): a bigger one is a mistake, not a setting.
const LIST_ENTRIES = 1000
// RFC 9110 5.1 field-name: a token.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
// An origin as an administrator writes it: `scheme://authority`, at most a `/` after it.
const ORIGIN_URL = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)\/?$/
// RFC 3986 3.3: "/" and segments of pchar (unreserved, pct-encoded, sub-delims, ":", "@").
const ABSOLUTE_PATH = /^(?:\/(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})*)+$/
const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/
const CONTACT_TEXT_LENGTH = 200
const CONTACT_URL_LENGTH = 2048
// Plain text on one line: no controls, separators, bidi embeddings, overrides or isolates, lone surrogates.
const NOT_PLAIN_TEXT = /[\p{Cc}\p{Zl}\p{Zp}\p{Cs}\u202A-\u202E\u2066-\u2069]/u

const PLAIN_HTTP = 'plain http:// is refused (MS-OCGCWEB 5.1 recommends HTTPS)'
const ALLOW_HTTP_FIX = 'expected https://, or set PCWP_ALLOW_HTTP=true to allow it'
// What is wrong with a base URL, by the core's error code (its own messages carry their own fix).
const BASE_URL_REASONS: Readonly<Record<Exclude<BaseUrlErrorCode, 'PCWP_BASE_URL_SCHEME'>, string>> = {
  PCWP_BASE_URL_CHARACTERS: 'it contains spaces, non-ASCII or other characters that must be percent-encoded',
  PCWP_BASE_URL_NOT_ABSOLUTE: 'is not an absolute http(s) URL',
  PCWP_BASE_URL_CREDENTIALS: 'it carries a user name or password',
  PCWP_BASE_URL_RESERVED_PARAMETER: 'its query already has a clientlang or id parameter, which MS-OCGCWEB appends itself'
}
const SERVER_INFO_EXPECTED = 'expected an https:// URL, http:// to a loopback host, or file:///path, without credentials'
const ROOM_MAP_EXPECTED = 'expected a path such as /etc/pcwp-links/rooms.csv, or an https:// URL without credentials'
const PUBLIC_URL_EXPECTED = 'expected the service\'s own origin http(s)://host[:port] without path, query or credentials, such as https://chat-links.corp.example'
const CONTACT_URL_EXPECTED = 'expected an https:// URL without credentials or a mailto: address, such as https://intranet.corp.example/chat-help or mailto:chat-admins@corp.example'
const LEGACY_PATH_EXPECTED = `expected absolute paths such as /PersistentChat/RM/, outside the service's own routes (${SERVICE_ROUTE_PREFIXES.join(', ')})`
const LOCALES_DIR_EXPECTED = 'expected an existing folder of <tag>.json page catalogs, such as /etc/pcwp-links/locales'

/** A single-item value: the message names it (`"english" is not a language; expected …`). */
export function entry<T> (parseItem: ValueParser<T>): ValueParser<T> {
  return value => {
    const parsed = parseItem(value)
    return parsed instanceof InvalidValue
      ? new InvalidValue(`${quote(value)} ${parsed.reason}`, parsed.expected)
      : parsed
  }
}

/** A comma list; empty items are skipped, and the message names every bad one (the first five, then a count). */
export function list<T> (parseItem: ValueParser<T>): ValueParser<T[]> {
  return value => {
    const items = value.split(',').map(item => item.trim()).filter(item => item !== '')
    if (items.length > LIST_ENTRIES) {
      return new InvalidValue(`it lists ${items.length} entries`, `expected at most ${LIST_ENTRIES}`)
    }
    const parsed: T[] = []
    const bad: InvalidValue[] = []
    for (const item of items) {
      const result = parseItem(item)
      if (!(result instanceof InvalidValue)) parsed.push(result)
      else {
        bad.push(bad.length < LISTED_ENTRIES
          ? new InvalidValue(`${quote(item)} ${result.reason}`, result.expected)
          : result)
      }
    }
    const [first] = bad
    if (first === undefined) return parsed
    const named = bad.slice(0, LISTED_ENTRIES).map(invalid => invalid.reason)
    if (bad.length > LISTED_ENTRIES) named.push(`and ${bad.length - LISTED_ENTRIES} more`)
    return new InvalidValue(named.join(', '), first.expected)
  }
}

/** Exactly `true` or `false`: `yes`, `1` or `TRUE` would be a guess at what was meant. */
export function parseBoolean (value: string): boolean | InvalidValue {
  if (value === 'true') return true
  if (value === 'false') return false
  return new InvalidValue('is not a boolean', 'expected true or false, in lower case')
}

export function integer (min: number, max: number): ValueParser<number> {
  return value => {
    const number = /^\d{1,9}$/.test(value) ? Number(value) : NaN
    if (!(number >= min && number <= max)) {
      return new InvalidValue('is not a whole number in range', `expected a whole number from ${min} to ${max}`)
    }
    return number
  }
}

/** One of a fixed set, case-insensitively (after `convert`). */
export function oneOf<T extends string | number> (
  allowed: readonly T[], convert: (value: string) => unknown = v => v.toLowerCase()
): ValueParser<T> {
  return value => {
    const converted = convert(value)
    const match = allowed.find(option => option === converted)
    if (match === undefined) return new InvalidValue('is not a known value', `expected one of ${allowed.join(', ')}`)
    return match
  }
}

export function parseHeaderName (value: string): string | InvalidValue {
  if (!HEADER_NAME.test(value)) {
    return new InvalidValue('is not an HTTP header name', 'expected a header name such as X-Network-Zone')
  }
  return value.toLowerCase()
}

export function parseHost (value: string): string | InvalidValue {
  if (isIP(value) === 0 && !isHostName(value)) {
    return new InvalidValue('is not an IP address or host name',
      'expected an address or name to listen on, such as 0.0.0.0 or ::')
  }
  return value
}

/** A canonical `<language>-<REGION>` (MS-OCGCWEB 2.2.1). */
export function parseLanguage (value: string): string | InvalidValue {
  const canonical = canonicalClientLang(value)
  if (canonical === undefined) {
    return new InvalidValue('is not a language', 'expected <language>-<REGION> such as en-US or de-DE')
  }
  return canonical
}

export function parseRange (value: string): AddressRange | InvalidValue {
  try {
    return parseAddressRange(value)
  } catch {
    // Its own message repeats the whole entry; ours quotes it, shortened and printable.
    return new InvalidValue('is not an IP address or CIDR range',
      'expected for example 10.0.0.0/8, 192.0.2.7 or 2001:db8::/32')
  }
}

/**
 * The room path a base URL's own links arrive on, as {@link normalisePath}
 * writes it, or undefined for a base at the root of its host: the root is
 * never a legacy room path.
 */
export function roomPathOfBase (base: BaseUrl): string | undefined {
  return normalisePath(new URL(base.href).pathname) || undefined
}

/** What is wrong with a base URL, from the error parseBaseUrl threw. */
function baseUrlProblem (error: BaseUrlError, allowHttp: boolean): InvalidValue {
  if (error.code === 'PCWP_BASE_URL_SCHEME') return new InvalidValue(PLAIN_HTTP, ALLOW_HTTP_FIX)
  const schemes = allowHttp ? 'https:// or http://' : 'https://'
  return new InvalidValue(BASE_URL_REASONS[error.code],
    `expected an absolute ${schemes} URL without credentials, such as https://chat.example.com/PersistentChat/RM/`)
}

/** A base URL (MS-OCGCWEB 3.1.1) whose path is not one of the service's own routes. */
export function baseUrl (allowHttp: boolean): ValueParser<BaseUrl> {
  return value => {
    let base: BaseUrl
    try {
      base = parseBaseUrl(value, { allowHttp })
    } catch (error) {
      return baseUrlProblem(expectedError(error, BaseUrlError), allowHttp)
    }
    const route = serviceRouteOf(roomPathOfBase(base) ?? '')
    if (route !== undefined) {
      return new InvalidValue(`its path is at or under the service's own route ${route}, so its links could not be told from the service's`,
        'expected the room management application\'s path, such as /PersistentChat/RM/')
    }
    return base
  }
}

/** A URL the service fetches: no credentials (they would show wherever it is shown); plain http only as allowed. */
function fetchedUrl (value: string, allowHttp: boolean, expected: string): URL | InvalidValue {
  const url = URL.parse(value)
  if (url === null) return new InvalidValue('is not a URL', expected)
  if (url.username !== '' || url.password !== '') {
    return new InvalidValue('it carries a user name or password', expected)
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1')
  const loopback = host === 'localhost' || parseAddress(host)?.range() === 'loopback'
  if (url.protocol === 'http:' && !allowHttp && !loopback) {
    return new InvalidValue(`${PLAIN_HTTP}, except to a loopback host`, ALLOW_HTTP_FIX)
  }
  return url
}

/** Where the getserverinfo reply is read: https; http only to a sidecar on this host unless allowed; a local file. */
export function serverInfoUrl (allowHttp: boolean): ValueParser<URL> {
  return value => {
    const url = fetchedUrl(value, allowHttp, SERVER_INFO_EXPECTED)
    if (url instanceof InvalidValue) return url
    if (url.protocol === 'https:' || url.protocol === 'http:' || (url.protocol === 'file:' && url.host === '')) {
      return url
    }
    return new InvalidValue('is not a usable getserverinfo source', SERVER_INFO_EXPECTED)
  }
}

/**
 * PCWP_ROOM_MAP: an http(s) URL, fetched as {@link fetchedUrl} allows; else a
 * file's path, whose extension says its format (the file is read by the room
 * map loader).
 */
export function roomMapLocation (allowHttp: boolean): ValueParser<string | URL> {
  return value => {
    if (/^https?:\/\//i.test(value)) return fetchedUrl(value, allowHttp, ROOM_MAP_EXPECTED)
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return new InvalidValue('is a URL the service cannot fetch', ROOM_MAP_EXPECTED)
    if (!/\.(?:csv|json)$/i.test(value)) return new InvalidValue('does not name a .csv or .json file', ROOM_MAP_EXPECTED)
    return value
  }
}

/** The service's own origin for the links it prints, as {@link httpOrigin} writes it. */
export function parsePublicUrl (value: string): string | InvalidValue {
  const match = ORIGIN_URL.exec(value)
  const origin = match === null ? undefined : httpOrigin(match[1] as string, match[2] as string)
  if (origin !== undefined && 'origin' in origin) return origin.origin
  if (/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(value)) return new InvalidValue('it carries a user name or password', PUBLIC_URL_EXPECTED)
  if (/^https?:\/\/[^/?#]*[/?#]./i.test(value)) return new InvalidValue('it has a path, query or fragment', PUBLIC_URL_EXPECTED)
  return new InvalidValue('is not an http(s) origin', PUBLIC_URL_EXPECTED)
}

/** One PCWP_LEGACY_PATHS item, as {@link normalisePath} writes it. */
export function parseLegacyPath (item: string): string | InvalidValue {
  if (!item.startsWith('/')) {
    return new InvalidValue('is not an absolute path (it must start with /)', LEGACY_PATH_EXPECTED)
  }
  if (/[?#]/.test(item)) return new InvalidValue('has a query or fragment', LEGACY_PATH_EXPECTED)
  if (!ABSOLUTE_PATH.test(item)) {
    return new InvalidValue('has characters a path cannot hold unencoded', LEGACY_PATH_EXPECTED)
  }
  const path = normalisePath(item)
  if (path === '') return new InvalidValue('is the root path, which the service answers itself', LEGACY_PATH_EXPECTED)
  const segments = path.split('/').slice(1)
  if (segments.includes('')) return new InvalidValue('has an empty segment (//)', LEGACY_PATH_EXPECTED)
  if (segments.some(segment => DOT_SEGMENT.test(segment))) {
    return new InvalidValue('has a . or .. segment', LEGACY_PATH_EXPECTED)
  }
  const route = serviceRouteOf(path)
  if (route !== undefined) {
    return new InvalidValue(`is at or under the service's own route ${route}`, LEGACY_PATH_EXPECTED)
  }
  return path
}

/** An absolute https URL without credentials, or a mailto: address; returned serialised (percent-encoded). */
export function parseContactUrl (value: string): string | InvalidValue {
  const https = /^https:\/\/[^/?#]/i.test(value)
  const url = https || /^mailto:[^?#@]+@[^?#]/i.test(value) ? URL.parse(value) : null
  if (url === null || value.length > CONTACT_URL_LENGTH) return new InvalidValue('is not an https:// or mailto: address of at most 2048 characters', CONTACT_URL_EXPECTED)
  if (https && (url.username !== '' || url.password !== '')) {
    return new InvalidValue('it carries a user name or password', CONTACT_URL_EXPECTED)
  }
  return url.href
}

export function parseContactText (value: string): string | InvalidValue {
  if (NOT_PLAIN_TEXT.test(value)) return new InvalidValue('it contains control characters (line breaks, tabs, bidi overrides)', 'expected one line of plain text')
  if (value.length > CONTACT_TEXT_LENGTH * 2 || Array.from(value).length > CONTACT_TEXT_LENGTH) return new InvalidValue('it is too long', `expected plain text of at most ${CONTACT_TEXT_LENGTH} characters`)
  return value
}

/**
 * PCWP_LOCALES_DIR: an existing directory, as an absolute path (its catalogs are read by the page catalogs'
 * loader).
 */
export function parseLocalesDir (value: string): string | InvalidValue {
  const path = resolve(value)
  let stats: Stats | undefined
  try {
    stats = statSync(path, { throwIfNoEntry: false })
  } catch {
    // A path Node cannot even look up (a NUL byte, too long, no permission).
    return new InvalidValue('cannot be read', LOCALES_DIR_EXPECTED)
  }
  if (stats === undefined) return new InvalidValue('does not exist', LOCALES_DIR_EXPECTED)
  if (!stats.isDirectory()) return new InvalidValue('is not a directory', LOCALES_DIR_EXPECTED)
  return path
}
