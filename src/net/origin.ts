import { isIP } from 'node:net'

/** An http(s) origin as a browser writes it, or which of its two parts is unfit. */
export type HttpOrigin = { readonly origin: string } | { readonly unfit: 'scheme' | 'authority' }

const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?'
const HOST_NAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`)
// A host name, an IPv4 address or a bracketed IPv6 address, and an optional
// port: no user info, quotes, white space, path or anything else a browser
// would read as more than a host.
const AUTHORITY = new RegExp(`^(?:(${LABEL}(?:\\.${LABEL})*)|\\[([0-9A-Fa-f:.]+)\\])(?::(\\d{1,5}))?$`)
// A URL parser reads a host whose last label is a number as an IPv4 address
// (`1.2.3` is 1.2.0.3, `0x7f` is 0.0.0.127): such a host is only accepted as
// a strict dotted quad.
const NUMERIC_LABEL = /(?:^|\.)(?:\d+|0x[0-9A-Fa-f]*)$/i
const MAX_HOST_NAME = 253
// The longest authority: the longest host name, `:` and five digits.
const MAX_AUTHORITY = MAX_HOST_NAME + 6
const DEFAULT_PORT = { http: 80, https: 443 } as const

/**
 * A DNS host name (RFC 1123: letters, digits and hyphens, labels of at most
 * 63 characters, at most 253 in all, no trailing dot) or a dotted-quad IPv4
 * address; not a name a URL parser would read as an IPv4 address in another
 * form (`1.2.3`, `0x7f.1`). Judged by its characters alone, so alike on
 * every Node line (Node 26's URL parser accepts `xn--zz.example`, 22 and 24
 * refuse it).
 */
export function isHostName (name: string): boolean {
  return name.length <= MAX_HOST_NAME && HOST_NAME.test(name) && (!NUMERIC_LABEL.test(name) || isIP(name) === 4)
}

/**
 * The origin of `scheme` (http or https, in any case) and `authority` (a host
 * name or IPv4 address as {@link isHostName} has them, or a bracketed IPv6
 * address without a zone; then an optional port from 1 to 65535), written as
 * a browser writes an origin: lower case, IPv6 compressed (RFC 5952), no
 * default port. Not by the URL parser, whose verdicts differ between Node
 * lines. Else which part is unfit, the scheme first.
 */
export function httpOrigin (scheme: string, authority: string): HttpOrigin {
  const protocol = scheme.toLowerCase()
  if (protocol !== 'http' && protocol !== 'https') return { unfit: 'scheme' }
  const unfit = { unfit: 'authority' } as const
  const match = authority.length > MAX_AUTHORITY ? null : AUTHORITY.exec(authority)
  if (match === null) return unfit
  const [, name, ipv6, port] = match
  if (name !== undefined && !isHostName(name)) return unfit
  if (ipv6 !== undefined && isIP(ipv6) !== 6) return unfit
  if (port !== undefined && !(Number(port) >= 1 && Number(port) <= 65535)) return unfit
  // An IPv6 address as the URL parser writes it (compressed, an embedded IPv4 in hex): that parser agrees across
  // Node lines on addresses, unlike on xn-- names.
  const host = ipv6 === undefined ? (name as string).toLowerCase() : new URL(`http://[${ipv6}]`).host
  const explicitPort = port === undefined || Number(port) === DEFAULT_PORT[protocol] ? '' : `:${Number(port)}`
  return { origin: `${protocol}://${host}${explicitPort}` }
}
