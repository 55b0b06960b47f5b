import { isIP } from 'node:net'
import { parseAddress, type AddressMatcher } from '../net/address-ranges.ts'

export interface ClientAddressInput {
  /** The address of the TCP peer: the only address no client can forge. */
  readonly peer: string
  /** The RFC 7239 `Forwarded` header, if sent. */
  readonly forwarded: string | undefined
  readonly xForwardedFor: string | undefined
}

// The chain is only read this far from the right: no real chain of trusted
// proxies is longer, and a forged one cannot make the walk go further.
const MAX_HOPS = 32
// The longest node a proxy writes is a bracketed IPv6 address with a zone and
// a port; anything longer is not an address and is not worth parsing.
const MAX_NODE_LENGTH = 100
const COMMA = 0x2c
const QUOTE = 0x22
const BACKSLASH = 0x5c
// RFC 7239 4: forwarded-pair = token "=" value; value = token / quoted-string.
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+"
const PAIR = new RegExp(`[ \\t]*(${TOKEN})=(${TOKEN}|"(?:[^"\\\\]|\\\\.)*")[ \\t]*(?:;|$)|[ \\t]*(?:;|$)`, 'y')
// An address, optionally with a port (`10.1.2.3:5555`, `[fd00::1]:1234`);
// RFC 7239 6 also allows an obfuscated port (`_abc`).
const BRACKETED = /^\[([^\]]+)\](?::(?:\d{1,5}|_[A-Za-z0-9._-]+))?$/
const IPV4_WITH_PORT = /^([0-9.]+):(?:\d{1,5}|_[A-Za-z0-9._-]+)$/

/**
 * docs/design.md "Client address and network zone": the client's address. An untrusted peer is the
 * client, and its headers are never read. Behind a trusted peer, the
 * forwarded chain is walked from the right, skipping trusted proxies: the
 * first untrusted hop is the client, or the leftmost hop read when all are
 * trusted. RFC 7239 `Forwarded` `for=` when the peer sends it (then
 * `X-Forwarded-For` is ignored: a chain is one proxy's account, two are never
 * merged), else `X-Forwarded-For`, else the peer itself.
 *
 * `undefined` means the chain does not disclose the client: a hop is
 * `unknown`, obfuscated (`_abc`), has no `for=`, or is not an address at all.
 * Unparseable text is what a client wrote, not an address any proxy vouches
 * for, so it is never passed on; the zone header or the default zone decides.
 * The result is a valid IP address, IPv4-mapped IPv6 written as IPv4 and
 * other IPv6 in its canonical (RFC 5952) form.
 */
export function resolveClientAddress (input: ClientAddressInput, isTrustedProxy: AddressMatcher): string | undefined {
  const peer = canonicalAddress(input.peer)
  if (peer === undefined || !isTrustedProxy(peer)) return peer
  const forwarded = input.forwarded === undefined ? [] : lastElements(input.forwarded, true)
  const hops = forwarded.length > 0 ? forwarded.map(forwardedNode) : lastElements(input.xForwardedFor ?? '', false)
  let client = peer
  for (const hop of hops) {
    const address = hop === undefined ? undefined : nodeAddress(hop)
    if (address === undefined) return undefined
    client = address
    if (!isTrustedProxy(address)) break
  }
  return client
}

/**
 * The last (at most {@link MAX_HOPS}) non-empty elements of a comma list, the
 * rightmost first. Empty elements are skipped (RFC 9110 5.6.1.2). With
 * `quotes`, commas inside quoted strings do not split (RFC 7239 values).
 */
function lastElements (header: string, quotes: boolean): string[] {
  const elements: string[] = []
  const add = (element: string) => { if (element.trim() !== '') elements.push(element) }
  let end = header.length
  let quoted = false
  for (let i = header.length - 1; i >= 0 && elements.length < MAX_HOPS; i--) {
    const code = header.charCodeAt(i)
    if (quotes && code === QUOTE && !escaped(header, i)) {
      quoted = !quoted
    } else if (code === COMMA && !quoted) {
      add(header.slice(i + 1, end))
      end = i
    }
  }
  if (elements.length < MAX_HOPS) add(header.slice(0, end))
  return elements
}

/** Whether the quote at `index` is a quoted-pair: preceded by an odd run of backslashes. */
function escaped (text: string, index: number): boolean {
  let start = index
  while (start > 0 && text.charCodeAt(start - 1) === BACKSLASH) start--
  return (index - start) % 2 === 1
}

/**
 * The `for=` node of one `Forwarded` element (`for=192.0.2.60;proto=http`),
 * unquoted; undefined when the element has none, names it twice or is not
 * made of `token=value` pairs.
 */
function forwardedNode (element: string): string | undefined {
  let node: string | undefined
  let seen = false
  PAIR.lastIndex = 0
  while (PAIR.lastIndex < element.length) {
    const match = PAIR.exec(element)
    if (match === null) return undefined
    const [, name, value] = match
    if (name?.toLowerCase() === 'for') {
      if (seen) return undefined
      seen = true
      node = (value as string).startsWith('"') ? (value as string).slice(1, -1).replace(/\\(.)/g, '$1') : value
    }
  }
  return node
}

/** A hop's address: an IP address, optionally with a port; undefined for anything else. */
function nodeAddress (hop: string): string | undefined {
  const node = hop.trim()
  if (node.length > MAX_NODE_LENGTH) return undefined
  if (node.startsWith('[')) {
    const inner = BRACKETED.exec(node)?.[1]
    return inner !== undefined && isIP(inner) === 6 ? canonicalAddress(inner) : undefined
  }
  const address = IPV4_WITH_PORT.exec(node)?.[1] ?? node
  return canonicalAddress(address)
}

/** A valid IP address as written by Node for a socket: IPv4-mapped IPv6 as IPv4, IPv6 canonical. */
function canonicalAddress (text: string): string | undefined {
  const kind = isIP(text)
  if (kind === 4) return text
  return kind === 6 ? parseAddress(text)?.toString() : undefined
}
