import { isIP } from 'node:net'
import ipaddr from 'ipaddr.js'

type Address = ipaddr.IPv4 | ipaddr.IPv6

/** An IP address range (CIDR), parsed once from configuration. */
export interface AddressRange {
  /** As the administrator wrote it. */
  readonly text: string
  readonly network: Address
  readonly prefix: number
}

/** Tells whether an address lies inside any of a fixed set of ranges. */
export type AddressMatcher = (address: string) => boolean

/**
 * Parses an IP address or CIDR range (`10.0.0.0/8`, `2001:db8::/32`,
 * `192.0.2.7`). IPv4-mapped IPv6 ranges become IPv4 ranges, as addresses do.
 * Throws an Error whose message says what is expected.
 */
export function parseAddressRange (text: string): AddressRange {
  const slash = text.indexOf('/')
  const addressText = slash < 0 ? text : text.slice(0, slash)
  const prefixText = slash < 0 ? undefined : text.slice(slash + 1)
  const written = isIP(addressText) === 0 ? undefined : ipaddr.parse(addressText)
  const width = written?.kind() === 'ipv4' ? 32 : 128
  const prefix = prefixText === undefined ? width : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN
  if (written === undefined || !(prefix <= width)) {
    throw new Error(`"${text}" is not an IP address or CIDR range; expected for example 10.0.0.0/8, 192.0.2.7 or 2001:db8::/32`)
  }
  // ::ffff:10.0.0.0/104 is 10.0.0.0/8: addresses are matched as IPv4 too.
  if (written instanceof ipaddr.IPv6 && written.isIPv4MappedAddress()) {
    return { text, network: written.toIPv4Address(), prefix: Math.max(prefix - 96, 0) }
  }
  return { text, network: written, prefix }
}

/**
 * Parses an address strictly (dotted-quad IPv4 or IPv6, no legacy forms such
 * as `127.1`), mapping IPv4-mapped IPv6 (`::ffff:10.0.0.1`) to IPv4.
 */
export function parseAddress (text: string): Address | undefined {
  return isIP(text) === 0 ? undefined : ipaddr.process(text)
}

export function createAddressMatcher (ranges: readonly AddressRange[]): AddressMatcher {
  if (ranges.length === 0) return () => false
  return address => {
    const parsed = parseAddress(address)
    if (parsed === undefined) return false
    const kind = parsed.kind()
    return ranges.some(range => range.network.kind() === kind && parsed.match(range.network, range.prefix))
  }
}
