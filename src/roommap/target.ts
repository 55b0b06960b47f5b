import { ABSOLUTE_HTTP_URL, URL_CHARACTERS } from '../pcwp/base-url.ts'

/** The values a moved room's URL may carry, written `{id}` and `{lang}`. */
export type Placeholder = 'id' | 'lang'

/**
 * A moved room's new home, validated at load time and split around its
 * placeholders so that filling it is a few concatenations.
 */
export interface RoomMapTarget {
  /** The URL as the map writes it, placeholders included. */
  readonly template: string
  /** The template's text between placeholders: one more than `slots`. */
  readonly pieces: readonly string[]
  readonly slots: readonly Placeholder[]
}

export interface TargetOptions {
  /** Accept `http://` (PCWP_ALLOW_HTTP). */
  readonly allowHttp: boolean
}

// A Location header longer than this is refused by some proxies and browsers.
export const MAX_TARGET_LENGTH = 2048
const PLACEHOLDERS = /\{(id|lang)\}/g
const SPLIT_AT_PLACEHOLDERS = /\{(id|lang)\}/
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/
const HOST_END = /[/?#]/
const NO_SLOTS: readonly Placeholder[] = Object.freeze([])

/**
 * Checks a moved room's target: an absolute `https://` URL (`http://` only
 * when allowed), without credentials, of RFC 3986 characters, at most
 * {@link MAX_TARGET_LENGTH} characters, with `{id}` and `{lang}` only in its
 * path and query. Anything a browser would read otherwise (`//host`,
 * `javascript:`, `https:host`, a backslash, a space) is refused rather than
 * normalised, so that the URL redirected to is the URL written. Returns
 * what is wrong (safe to show: never the input), or undefined for a target
 * {@link prepareTarget} takes.
 */
export function checkTarget (value: string, options: TargetOptions): string | undefined {
  const expected = options.allowHttp ? 'an absolute https:// or http:// URL' : 'an absolute https:// URL'
  if (value.length > MAX_TARGET_LENGTH) return `too long: at most ${MAX_TARGET_LENGTH} characters; expected ${expected}`
  if (value.startsWith('//')) return `a protocol-relative //host URL is not allowed; expected ${expected}`
  const scheme = SCHEME.exec(value)?.[1]?.toLowerCase()
  if (scheme === 'http' && !options.allowHttp) return 'plain http:// is refused; expected an absolute https:// URL, or set PCWP_ALLOW_HTTP=true'
  if (scheme !== 'https' && scheme !== 'http') return `expected pcwp, retired or ${expected}`
  const withoutPlaceholders = value.replace(PLACEHOLDERS, '')
  if (/[{}]/.test(withoutPlaceholders)) return 'only {id} and {lang} may be written in braces'
  if (!URL_CHARACTERS.test(withoutPlaceholders)) {
    return `contains spaces, line breaks, control or non-ASCII characters, or others that must be percent-encoded; expected ${expected}`
  }
  if (!ABSOLUTE_HTTP_URL.test(value)) return `the host is missing; expected ${expected}, for example https://teams.example.com/room/{id}`
  const afterScheme = value.indexOf('//') + 2
  const hostEnd = value.slice(afterScheme).search(HOST_END)
  const authority = hostEnd < 0 ? value.slice(afterScheme) : value.slice(afterScheme, afterScheme + hostEnd)
  if (authority.includes('@')) return `a user name or password is not allowed; expected ${expected} without credentials`
  if (authority.includes('{')) return '{id} and {lang} may appear only in the path and query, not in the host'
  if (authority.includes('%')) return 'write the host plainly, without percent-encoding'
  const hash = value.indexOf('#')
  if (hash >= 0 && value.includes('{', hash)) return '{id} and {lang} may appear only in the path and query, not in the fragment'
  const parsed = URL.parse(withoutPlaceholders)
  if (parsed === null || parsed.hostname === '') return `not a valid URL; expected ${expected}`
  return undefined
}

/** Whether a target names the room (`{id}`), which the `new` row cannot fill. */
export function targetNamesRoom (template: string): boolean {
  return template.includes('{id}')
}

/** The host (and port) of a target {@link checkTarget} took, lowercase. */
export function targetHost (template: string): string {
  return (URL.parse(template.replace(PLACEHOLDERS, '')) as URL).host
}

/** A target {@link checkTarget} took, split around its placeholders. */
export function prepareTarget (template: string): RoomMapTarget {
  const parts = template.split(SPLIT_AT_PLACEHOLDERS)
  if (parts.length === 1) return { template, pieces: [template], slots: NO_SLOTS }
  const pieces = parts.filter((_, i) => i % 2 === 0)
  const slots = parts.filter((_, i) => i % 2 === 1) as Placeholder[]
  return { template, pieces, slots }
}

/** The target with `{id}` and `{lang}` replaced by their percent-encoded values. */
export function fillTarget (target: RoomMapTarget, id: string | undefined, lang: string): string {
  const { pieces, slots } = target
  let url = pieces[0] as string
  for (let i = 0; i < slots.length; i++) {
    url += encodeURIComponent(slots[i] === 'id' ? id ?? '' : lang) + (pieces[i + 1] as string)
  }
  return url
}
