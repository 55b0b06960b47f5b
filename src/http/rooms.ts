import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Config } from '../config.js'
import { parseRoomId, resolveBaseUrl, type NetworkZone, type RoomIdError } from '../pcwp/index.js'
import { roomManagementUrl } from '../pcwp/url.js'
import { createAddressMatcher } from '../negotiate/address.js'
import type { LanguageNegotiator } from '../negotiate/language.js'
import { resolveClientAddress } from '../negotiate/client-address.js'
import { decideZone, type ZonePolicy } from '../negotiate/network.js'
import type { OverrideSource } from '../serverinfo/source.js'
import { sendProblem } from './problems.js'
import type { RequestLog } from './request-log.js'
import { REDIRECT_SECURITY_HEADERS } from './security-headers.js'
import { queryValue, single } from './request-values.js'
import { createRoomSchema, roomByUriSchema, roomSchema } from './schemas.js'

/** What a redirect decided, for the request's log line. */
export interface RedirectLog {
  kind: 'create' | 'room'
  zone: NetworkZone
  lang: string
  /** The client's address, as far as trusted proxies vouch for it. */
  client: string
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Absent on the requests fastify builds for its router's own errors, which skip the decorators. */
    redirect?: RedirectLog | null
  }
}

export interface RoomRoutesOptions {
  readonly config: Config
  readonly override: OverrideSource | undefined
  readonly negotiateLanguage: LanguageNegotiator
  readonly requestLog: RequestLog
}

/**
 * The redirect routes (DESIGN.md "Responses"), the hot path. Everything
 * derivable from the configuration is built once here; a request only runs
 * the pure negotiation and protocol functions, answers with one set of
 * headers, and is accounted for on the spot, with no hook of fastify's
 * (app.ts). GET and HEAD have no side effects: mail scanners fetch every link.
 */
export function registerRoomRoutes (app: FastifyInstance, { config, override, negotiateLanguage, requestLog }: RoomRoutesOptions): void {
  const isTrustedProxy = createAddressMatcher(config.trustProxy)
  const zoneHeader = config.networkHeader
  const zonePolicy: ZonePolicy = { isInternal: createAddressMatcher(config.internalRanges), defaultZone: config.defaultNetwork }

  // As one flat list for writeHead. The answer depends on who asks, so no
  // shared cache may reuse it (DESIGN.md); a redirect has no body.
  const redirectHeaders = Object.entries({ ...REDIRECT_SECURITY_HEADERS, 'cache-control': 'no-store', vary: 'Accept-Language', 'content-length': '0' }).flat()

  app.decorateRequest('redirect', null)

  function redirect (request: FastifyRequest, reply: FastifyReply, room: string | undefined): void {
    // A request being answered has a connected socket, so its peer is known.
    const peer = request.socket.remoteAddress as string
    const client = resolveClientAddress({
      peer,
      forwarded: single(request.headers.forwarded),
      xForwardedFor: single(request.headers['x-forwarded-for'])
    }, isTrustedProxy)
    const trustedZoneHeader = zoneHeader !== undefined && isTrustedProxy(peer) ? single(request.headers[zoneHeader]) : undefined
    const { zone } = decideZone(zonePolicy, { client, trustedZoneHeader })
    const lang = negotiateLanguage(queryValue(request, 'lang'), request.headers['accept-language'])
    request.redirect = { kind: room === undefined ? 'create' : 'room', zone, lang, client: client ?? '' }
    const base = resolveBaseUrl(override?.current(), config.baseUrls, zone)
    if (base === undefined) {
      sendProblem(request, reply, 503, 'PCWP_ROOM_MANAGEMENT_DISABLED',
        `Room management is not available from the ${zone} network: no room management address is configured for it. Please contact your administrator.`)
      return
    }
    // Written to Node's response directly: fastify's reply.send (header
    // bookkeeping, content type, hooks) cost about 10 µs per redirect in the
    // benchmark, and a redirect needs none of it.
    reply.hijack()
    reply.raw.writeHead(config.redirectStatus, [...redirectHeaders, 'location', roomManagementUrl(base, lang, room)]).end()
  }

  function room (request: FastifyRequest, reply: FastifyReply, input: string | undefined): void {
    if (input === undefined) {
      sendProblem(request, reply, 400, 'PCWP_ROOM_URI_MISSING',
        'Name the room: /rooms/<room GUID>, or /rooms?uri=ma-chan://<domain>/<room GUID>.')
      return
    }
    let id: string
    try {
      id = parseRoomId(input)
    } catch (error) {
      // parseRoomId throws nothing but RoomIdError.
      const { code, message } = error as RoomIdError
      sendProblem(request, reply, 400, code, message)
      return
    }
    redirect(request, reply, id)
  }

  // Every answer below is sent by the time the handler returns, so it is timed and recorded on the spot.
  const { accounted } = requestLog
  app.get('/rooms/new', { schema: createRoomSchema }, accounted((request, reply) => { redirect(request, reply, undefined) }))
  app.get('/rooms/:room', { schema: roomSchema }, accounted((request, reply) => { room(request, reply, (request.params as { room: string }).room) }))
  app.get('/rooms', { schema: roomByUriSchema }, accounted((request, reply) => { room(request, reply, queryValue(request, 'uri')) }))
}
