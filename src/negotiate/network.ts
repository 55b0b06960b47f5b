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
 * The client's address: the peer, then `X-Forwarded-For` read from the right
 * for as long as each hop is a trusted proxy (as fastify's `trustProxy` and
 * proxy-addr do). An untrusted peer's header is ignored entirely.
 */
export function clientAddress (peer: string, forwardedFor: string | undefined, isTrustedProxy: AddressMatcher): string {
  if (forwardedFor === undefined || !isTrustedProxy(peer)) return peer
  const hops = forwardedFor.split(',')
  const stop = Math.max(hops.length - MAX_FORWARDED_HOPS, 0)
  let client = peer
  for (let i = hops.length - 1; i >= stop && isTrustedProxy(client); i--) {
    client = (hops[i] as string).trim()
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
