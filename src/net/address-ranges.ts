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

/**
 * A matcher over fixed ranges. This runs up to three times per redirect, so
 * IPv4 (and IPv4-mapped) addresses, nearly all real traffic, are parsed to a
 * 32-bit number by hand and compared against precomputed masks; anything else
 * goes through ipaddr.js.
 */
export function createAddressMatcher (ranges: readonly AddressRange[]): AddressMatcher {
  if (ranges.length === 0) return () => false
  const ipv4 = ranges.flatMap(({ network, prefix }) =>
    network instanceof ipaddr.IPv4 ? [ipv4Range(network, prefix)] : [])
  const ipv6 = ranges.filter(range => range.network instanceof ipaddr.IPv6)
  const inIpv4 = (value: number) => ipv4.some(([base, mask]) => ((value & mask) >>> 0) === base)
  return address => {
    const value = ipv4Value(address)
    if (value >= 0) return inIpv4(value)
    const parsed = address.includes(':') ? parseAddress(address) : undefined
    if (parsed instanceof ipaddr.IPv6) return ipv6.some(range => parsed.match(range.network, range.prefix))
    return parsed !== undefined && inIpv4(ipv4Number(parsed.octets))
  }
}

function ipv4Range (network: ipaddr.IPv4, prefix: number): [base: number, mask: number] {
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0
  return [(ipv4Number(network.octets) & mask) >>> 0, mask]
}

function ipv4Number (octets: readonly number[]): number {
  return octets.reduce((value, octet) => value * 256 + octet, 0)
}

const MAPPED_PREFIX = '::ffff:'

/**
 * A dotted-quad IPv4 address, bare or IPv4-mapped (`::ffff:10.0.0.1`), as a
 * 32-bit number; -1 for anything else. As strict as net.isIP: four decimal
 * octets of at most 255, no leading zeros.
 */
function ipv4Value (text: string): number {
  const start =
    text.length > MAPPED_PREFIX.length && text.slice(0, MAPPED_PREFIX.length).toLowerCase() === MAPPED_PREFIX
      ? MAPPED_PREFIX.length
      : 0
  let value = 0
  let octet = 0
  let digits = 0
  let octets = 0
  for (let i = start; i <= text.length; i++) {
    const code = i < text.length ? text.charCodeAt(i) : 0x2e // a final '.' closes the last octet
    if (code === 0x2e) {
      if (digits === 0 || octets === 4) return -1
      value = value * 256 + octet
      octets++
      octet = 0
      digits = 0
    } else if (code >= 0x30 && code <= 0x39 && !(digits > 0 && octet === 0)) {
      octet = octet * 10 + code - 0x30
      digits++
      if (octet > 255) return -1
    } else {
      return -1
    }
  }
  return octets === 4 ? value : -1
}
