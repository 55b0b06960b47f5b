import type { NetworkZone } from '../pcwp/index.js'
import type { AddressMatcher } from './address.js'

export interface ZonePolicy {
  /** The enterprise network's address ranges. */
  readonly isInternal: AddressMatcher
  readonly defaultZone: NetworkZone
}

export interface ZoneRequest {
  /** The client's address as trusted proxies vouch for it (request.clientAddress). */
  readonly client: string | undefined
  /** The zone header's value, only when a trusted proxy sent it. */
  readonly trustedZoneHeader: string | undefined
}

export interface ZoneDecision {
  readonly zone: NetworkZone
  readonly decidedBy: 'header' | 'address' | 'default'
}

/**
 * DESIGN.md "Network zone": the trusted proxy's zone header, else the
 * client's address inside the internal ranges, else the default zone.
 */
export function decideZone (policy: ZonePolicy, { client, trustedZoneHeader }: ZoneRequest): ZoneDecision {
  const zone = trustedZoneHeader?.trim().toLowerCase()
  if (zone === 'internal' || zone === 'external') return { zone, decidedBy: 'header' }
  if (client !== undefined && policy.isInternal(client)) return { zone: 'internal', decidedBy: 'address' }
  return { zone: policy.defaultZone, decidedBy: 'default' }
}
