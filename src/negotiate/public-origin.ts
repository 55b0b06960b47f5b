import { isIP } from 'node:net'
import ipaddr from 'ipaddr.js'

export interface PublicOriginInput {
  /** PCWP_PUBLIC_URL, as the configuration validated it. */
  readonly configured: string | undefined
  /** Whether the request's peer is a trusted proxy, whose X-Forwarded-Host and -Proto are believed. */
  readonly trustedPeer: boolean
  readonly host: string | undefined
  readonly forwardedHost: string | undefined
  readonly forwardedProto: string | undefined
}

/** An origin to print in front of links, or '' (relative links) with the reason for a warn line. */
export type PublicOrigin = { readonly origin: string } | { readonly origin: '', readonly rejected: string }

const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?'
// A host name, an IPv4 address or a bracketed IPv6 address, and an optional
// port: no user info, quotes, white space, path or anything else a browser
// would read as more than a host.
const AUTHORITY = new RegExp(`^(?:(${LABEL}(?:\\.${LABEL})*)|\\[([0-9A-Fa-f:.]+)\\])(?::(\\d{1,5}))?$`)
// A URL parser reads a host whose last label is a number as an IPv4 address
// (`1.2.3` is 1.2.0.3, `0x7f` is 0.0.0.127): such a host is only accepted as
// a strict dotted quad.
const NUMERIC_LABEL = /(?:^|\.)(?:\d+|0x[0-9A-Fa-f]*)$/i
const MAX_HOST_NAME = 253
const MAX_QUOTED = 100
const DEFAULT_PORT = { http: 80, https: 443 } as const

/**
 * docs/design.md "Other surfaces": the origin the service prints in links.
 * PCWP_PUBLIC_URL when configured; else, from a trusted proxy,
 * X-Forwarded-Host (else Host) and X-Forwarded-Proto (else `http`), the first
 * entry of each list; else the request's own Host over `http`. A scheme other
 * than http(s), or a host that is not a host name or IP address with an
 * optional port, gives relative links rather than a link to somewhere else.
 */
export function publicOrigin (input: PublicOriginInput): PublicOrigin {
  if (input.configured !== undefined) return { origin: input.configured }
  const forwardedHost = input.trustedPeer ? firstEntry(input.forwardedHost) : undefined
  const forwardedProto = input.trustedPeer ? firstEntry(input.forwardedProto) : undefined
  const [hostSource, host] = forwardedHost === undefined ? ['Host', input.host] : ['X-Forwarded-Host', forwardedHost]
  if (host === undefined || host === '') return { origin: '', rejected: 'the request names no host' }
  return checkedOrigin(forwardedProto ?? 'http', host, forwardedProto === undefined ? 'the scheme' : 'X-Forwarded-Proto', hostSource)
}

/** The first entry of a comma list header, trimmed; undefined when there is none. */
function firstEntry (value: string | undefined): string | undefined {
  const first = value?.split(',', 1)[0]?.trim()
  return first === '' ? undefined : first
}

function checkedOrigin (scheme: string, authority: string, schemeSource: string, hostSource: string): PublicOrigin {
  const protocol = scheme.toLowerCase()
  if (protocol !== 'http' && protocol !== 'https') return { origin: '', rejected: `${schemeSource} ${quote(scheme)} is not http or https` }
  const rejected = { origin: '', rejected: `${hostSource} ${quote(authority)} is not a host name or IP address with an optional port` } as const
  const match = authority.length > MAX_HOST_NAME + 7 ? null : AUTHORITY.exec(authority)
  if (match === null) return rejected
  const [, name, ipv6, port] = match
  if (name !== undefined && (name.length > MAX_HOST_NAME || (NUMERIC_LABEL.test(name) && isIP(name) !== 4))) return rejected
  if (ipv6 !== undefined && isIP(ipv6) !== 6) return rejected
  if (port !== undefined && !(Number(port) >= 1 && Number(port) <= 65535)) return rejected
  // Written as a browser writes an origin: lower case, IPv6 compressed, no default port. Not by the URL parser,
  // whose verdict on an `xn--` label that is not valid punycode differs between Node lines.
  const host = ipv6 === undefined ? (name as string).toLowerCase() : `[${ipaddr.IPv6.parse(ipv6).toRFC5952String()}]`
  const explicitPort = port === undefined || Number(port) === DEFAULT_PORT[protocol] ? '' : `:${Number(port)}`
  return { origin: `${protocol}://${host}${explicitPort}` }
}

function quote (value: string): string {
  return JSON.stringify(value.length > MAX_QUOTED ? `${value.slice(0, MAX_QUOTED)}…` : value)
}
