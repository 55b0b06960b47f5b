import { httpOrigin } from '../net/origin.ts'
import { quote } from '../quote.ts'

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

// A request's host name runs to 253 characters: a warn line, written once, can show more than a config message.
const QUOTED_LENGTH = 100

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
  return checkedOrigin(
    forwardedProto ?? 'http', host, forwardedProto === undefined ? 'the scheme' : 'X-Forwarded-Proto', hostSource
  )
}

/** The first entry of a comma list header, trimmed; undefined when there is none. */
function firstEntry (value: string | undefined): string | undefined {
  const first = value?.split(',', 1)[0]?.trim()
  return first === '' ? undefined : first
}

/** The origin `scheme://authority` (src/net/origin.ts), or why it is unfit, naming where each part came from. */
function checkedOrigin (scheme: string, authority: string, schemeSource: string, hostSource: string): PublicOrigin {
  const checked = httpOrigin(scheme, authority)
  if ('origin' in checked) return checked
  if (checked.unfit === 'scheme') {
    return { origin: '', rejected: `${schemeSource} ${quote(scheme, QUOTED_LENGTH)} is not http or https` }
  }
  const quoted = quote(authority, QUOTED_LENGTH)
  return { origin: '', rejected: `${hostSource} ${quoted} is not a host name or IP address with an optional port` }
}
