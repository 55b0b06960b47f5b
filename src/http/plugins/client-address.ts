import fp from 'fastify-plugin'
import { createAddressMatcher } from '../../net/address-ranges.ts'
import { resolveClientAddress } from '../../negotiate/client-address.ts'
import { single } from '../../single-value.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The client's address as far as trusted proxies vouch for it; undefined
     * when a trusted proxy said it does not know. The one address the zone,
     * the access line and the rate limiter use.
     */
    clientAddress: string | undefined
    /** The TCP peer is one of PCWP_TRUST_PROXY: its forwarding and zone headers count. */
    trustedPeer: boolean
  }
}

/** Resolves `request.clientAddress` once per request (docs/design.md "Client address and network zone"). */
export default fp((app, _options, done) => {
  const isTrustedProxy = createAddressMatcher(app.config.trustProxy)
  app.decorateRequest('clientAddress', undefined)
  app.decorateRequest('trustedPeer', false)
  app.addHook('onRequest', (request, _reply, next) => {
    // A request being answered has a connected socket, so its peer is known.
    const peer = request.socket.remoteAddress as string
    request.trustedPeer = isTrustedProxy(peer)
    request.clientAddress = resolveClientAddress({
      peer,
      forwarded: single(request.headers.forwarded),
      xForwardedFor: single(request.headers['x-forwarded-for'])
    }, isTrustedProxy)
    next()
  })
  done()
}, { name: 'client-address', dependencies: ['config'] })
