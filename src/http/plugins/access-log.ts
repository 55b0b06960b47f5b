import type { FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { logClientAddress } from '../../net/logged-address.ts'
import type { NetworkZone } from '../../pcwp/index.ts'
import type { Outcome, RoomLinkKind } from '../../room-outcomes.ts'

/** What a route is, for the access line's `kind` (docs/design.md "Access log"); set in each route's `config`. */
export type AccessKind =
  'create' | 'room' | 'legacy' | 'links' | 'asset' | 'health' | 'metrics' | 'openapi' | 'demo' | 'not_found' | 'other'

/** What a room-link answer decided, for its access line and metrics. */
export interface RoomLinkLog {
  readonly kind: RoomLinkKind
  readonly zone: NetworkZone
  readonly lang: string
  readonly outcome: Outcome
  /** The canonical room GUID, when the link names a room. */
  readonly room?: string
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The access line's `kind` for every request this route answers. */
    kind?: AccessKind
  }
  interface FastifyRequest {
    /** Set by the room-link routes once they have decided. */
    roomLink: RoomLinkLog | null
  }
}

// Health probes and scrapes come every few seconds; at debug they do not drown the links.
const QUIET_KINDS: ReadonlySet<AccessKind> = new Set(['health', 'metrics'])

/**
 * Writes the one access line of an answered request with the request's own
 * logger (pino through fastify: its bindings, redaction and destination).
 * `kind` is the route's; a request no route matched is `not_found`, one
 * fastify refused before routing `other`.
 */
export function logAccess (request: FastifyRequest, reply: FastifyReply): void {
  const kind = request.routeOptions.config.kind ?? (request.problem === 'NOT_FOUND' ? 'not_found' : 'other')
  const line: Record<string, unknown> = {
    method: request.method,
    url: request.url,
    status: reply.statusCode,
    ms: Math.round(reply.elapsedTime * 100) / 100,
    kind
  }
  const { roomLink } = request
  if (roomLink !== null) {
    line.zone = roomLink.zone
    line.lang = roomLink.lang
    line.outcome = roomLink.outcome
    if (roomLink.room !== undefined) line.room = roomLink.room
    const client = logClientAddress(request.clientAddress, request.server.config.logClient)
    if (client !== undefined) line.client = client
  }
  if (reply.statusCode >= 400 && request.problem !== null) line.code = request.problem
  if (QUIET_KINDS.has(kind)) request.log.debug(line, 'request')
  else request.log.info(line, 'request')
}

/** One access line per answered request, from one onResponse hook. */
export default fp((app, _options, done) => {
  app.decorateRequest('roomLink', null)
  app.addHook('onResponse', (request, reply, next) => {
    logAccess(request, reply)
    next()
  })
  done()
}, { name: 'access-log', dependencies: ['errors', 'client-address'] })
