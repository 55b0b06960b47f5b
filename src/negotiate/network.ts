import type { NetworkZone } from '../pcwp/index.ts'
import type { AddressMatcher } from '../net/address-ranges.ts'

export interface ZonePolicy {
  /** The enterprise network's address ranges. */
  readonly isInternal: AddressMatcher
  readonly defaultZone: NetworkZone
}

export interface ZoneRequest {
  /** The client's address (resolveClientAddress); undefined when the forwarded chain does not disclose it. */
  readonly client: string | undefined
  /**
   * The zone header's value, passed only when a header name is configured and
   * the request's peer is a trusted proxy: anyone else's is a forgery.
   */
  readonly trustedZoneHeader: string | undefined
}

export interface ZoneDecision {
  readonly zone: NetworkZone
  readonly decidedBy: 'header' | 'address' | 'default'
}

/**
 * docs/design.md "Client address and network zone": the trusted proxy's zone header (`internal` or
 * `external`, any case; any other value is ignored), else the client's
 * address inside the internal ranges, else the default zone.
 */
export function decideZone (policy: ZonePolicy, request: ZoneRequest): ZoneDecision {
  if (request.trustedZoneHeader !== undefined) {
    const zone = request.trustedZoneHeader.trim().toLowerCase()
    if (zone === 'internal' || zone === 'external') return { zone, decidedBy: 'header' }
  }
  if (request.client !== undefined && policy.isInternal(request.client)) {
    return { zone: 'internal', decidedBy: 'address' }
  }
  return { zone: policy.defaultZone, decidedBy: 'default' }
}
