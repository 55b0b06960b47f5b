import ipaddr from 'ipaddr.js'
import { parseAddress } from './address-ranges.ts'

/**
 * How much of a client's address a log line keeps (`PCWP_LOG_CLIENT`): as it
 * is, its network only (IPv4 /24, IPv6 /48), or none of it; see {@link logClientAddress}.
 */
export const LOG_CLIENT_MODES = ['full', 'truncated', 'none'] as const
export type LogClientMode = typeof LOG_CLIENT_MODES[number]

// The widths kept by `truncated`: an IPv4 /24 is one subnet of at most 254
// hosts; an IPv6 /48 is the block commonly given to one site.
const IPV4_PREFIX = 24
const IPV6_PREFIX = 48

/**
 * The client address as a log line shows it: `full` as is; `truncated` as
 * the network it lies in (`10.1.2.0/24`, `2001:db8:abcd::/48`, an
 * IPv4-mapped IPv6 address as its IPv4 /24); `none` not at all. A value that
 * is not an IP address (a Unix socket, a malformed header) is dropped when
 * truncating: what cannot be cut down is not written.
 */
export function logClientAddress (address: string | undefined, mode: LogClientMode): string | undefined {
  if (mode === 'full') return address
  if (mode === 'none' || address === undefined) return undefined
  const parsed = parseAddress(address)
  if (parsed === undefined) return undefined
  if (parsed instanceof ipaddr.IPv4) {
    const [a, b, c] = parsed.octets
    return `${a as number}.${b as number}.${c as number}.0/${IPV4_PREFIX}`
  }
  // The first three 16-bit groups are the /48; toString() writes RFC 5952's compressed form.
  const network = new ipaddr.IPv6([...parsed.parts.slice(0, IPV6_PREFIX / 16), 0, 0, 0, 0, 0])
  return `${network.toString()}/${IPV6_PREFIX}`
}
