import type { NetworkZone } from '../pcwp/index.js'
import type { AddressMatcher } from './address.js'

export interface ZonePolicy {
  /** The reverse proxies whose `X-Forwarded-For` and zone header are believed. */
  readonly isTrustedProxy: AddressMatcher
  /** The enterprise network's address ranges. */
  readonly isInternal: AddressMatcher
  /** Lower-case name of the zone header a trusted proxy sets, if any. */
  readonly zoneHeader: string | undefined
  readonly defaultZone: NetworkZone
}

export interface ZoneRequest {
  /** The address of the TCP peer: the only address no client can forge. */
  readonly peer: string
  readonly forwardedFor: string | undefined
  readonly zoneHeaderValue: string | undefined
}

export interface ZoneDecision {
  readonly zone: NetworkZone
  /** The client's address as far as trusted proxies vouch for it. */
  readonly client: string
  readonly decidedBy: 'header' | 'address' | 'default'
}

// X-Forwarded-For is only read this far from the right: no real chain of
// trusted proxies is longer, and a forged one cannot make us walk further.
const MAX_FORWARDED_HOPS = 32

/**
 * The client's address behind a trusted peer: `X-Forwarded-For` read from the
 * right for as long as each hop is a trusted proxy, as fastify's `trustProxy`
 * and proxy-addr do. (An untrusted peer's header is never read at all.)
 */
function clientAddress (trustedPeer: string, forwardedFor: string | undefined, isTrustedProxy: AddressMatcher): string {
  if (forwardedFor === undefined) return trustedPeer
  const hops = forwardedFor.split(',')
  const stop = Math.max(hops.length - MAX_FORWARDED_HOPS, 0)
  let client = trustedPeer
  for (let i = hops.length - 1; i >= stop; i--) {
    client = (hops[i] as string).trim()
    if (!isTrustedProxy(client)) break
  }
  return client
}

/**
 * DESIGN.md "Network zone": the trusted proxy's zone header, else the
 * client's address inside the internal ranges, else the default zone.
 */
export function decideZone (policy: ZonePolicy, request: ZoneRequest): ZoneDecision {
  const trustedPeer = policy.isTrustedProxy(request.peer)
  const client = trustedPeer ? clientAddress(request.peer, request.forwardedFor, policy.isTrustedProxy) : request.peer
  if (trustedPeer && policy.zoneHeader !== undefined && request.zoneHeaderValue !== undefined) {
    const zone = request.zoneHeaderValue.trim().toLowerCase()
    if (zone === 'internal' || zone === 'external') return { zone, client, decidedBy: 'header' }
  }
  if (policy.isInternal(client)) return { zone: 'internal', client, decidedBy: 'address' }
  return { zone: policy.defaultZone, client, decidedBy: 'default' }
}
