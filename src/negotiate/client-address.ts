import type { AddressMatcher } from './address.js'

export interface ForwardedRequest {
  /** The address of the TCP peer: the only address no client can forge. */
  readonly peer: string
  readonly forwarded: string | undefined
  readonly xForwardedFor: string | undefined
}

// X-Forwarded-For is only read this far from the right: no real chain of
// trusted proxies is longer, and a forged one cannot make us walk further.
const MAX_FORWARDED_HOPS = 32

/**
 * The client's address: the peer, or behind a trusted peer `X-Forwarded-For`
 * read from the right for as long as each hop is a trusted proxy. An
 * untrusted peer's headers are never read.
 */
export function resolveClientAddress ({ peer, xForwardedFor }: ForwardedRequest, isTrustedProxy: AddressMatcher): string | undefined {
  if (xForwardedFor === undefined || !isTrustedProxy(peer)) return peer
  const hops = xForwardedFor.split(',')
  const stop = Math.max(hops.length - MAX_FORWARDED_HOPS, 0)
  let client = peer
  for (let i = hops.length - 1; i >= stop; i--) {
    client = (hops[i] as string).trim()
    if (!isTrustedProxy(client)) break
  }
  return client
}
