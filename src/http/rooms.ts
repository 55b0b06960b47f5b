import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Config } from '../config.js'
import { parseRoomId, resolveBaseUrl, type NetworkZone, type RoomIdError } from '../pcwp/index.js'
import { roomManagementUrl } from '../pcwp/url.js'
import { createAddressMatcher } from '../negotiate/address.js'
import type { LanguageNegotiator } from '../negotiate/language.js'
import { decideZone, type ZonePolicy } from '../negotiate/network.js'
import type { OverrideSource } from '../serverinfo/source.js'
import { sendProblem } from './problems.js'
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
    redirect: RedirectLog | null
  }
}

export interface RoomRoutesOptions {
  readonly config: Config
  readonly override: OverrideSource | undefined
  readonly negotiateLanguage: LanguageNegotiator
}

/**
 * The redirect routes (DESIGN.md "Responses"). Everything derivable from the
 * configuration is built once here; a request only runs the pure negotiation
 * and protocol functions. GET and HEAD have no side effects: mail scanners
 * fetch every link.
 */
export function registerRoomRoutes (app: FastifyInstance, { config, override, negotiateLanguage }: RoomRoutesOptions): void {
  const zonePolicy: ZonePolicy = {
    isTrustedProxy: createAddressMatcher(config.trustProxy),
    isInternal: createAddressMatcher(config.internalRanges),
    zoneHeader: config.networkHeader,
    defaultZone: config.defaultNetwork
  }

  app.decorateRequest('redirect', null)

  function redirect (request: FastifyRequest, reply: FastifyReply, room: string | undefined): FastifyReply {
    const { zone, client } = decideZone(zonePolicy, {
      // A request being answered has a connected socket, so its peer is known.
      peer: request.socket.remoteAddress as string,
      forwardedFor: single(request.headers['x-forwarded-for']),
      zoneHeaderValue: zonePolicy.zoneHeader === undefined ? undefined : single(request.headers[zonePolicy.zoneHeader])
    })
    const lang = negotiateLanguage(queryValue(request, 'lang'), request.headers['accept-language'])
    request.redirect = { kind: room === undefined ? 'create' : 'room', zone, lang, client }
    const base = resolveBaseUrl(override?.current(), config.baseUrls, zone)
    if (base === undefined) {
      return sendProblem(request, reply, 503, 'PCWP_ROOM_MANAGEMENT_DISABLED',
        `Room management is not available from the ${zone} network: no room management address is configured for it. Please contact your administrator.`)
    }
    return reply
      .header('cache-control', 'no-store')
      .header('vary', 'Accept-Language')
      .redirect(roomManagementUrl(base, lang, room), config.redirectStatus)
  }

  function room (request: FastifyRequest, reply: FastifyReply, input: string | undefined): FastifyReply {
    if (input === undefined) {
      return sendProblem(request, reply, 400, 'PCWP_ROOM_URI_MISSING',
        'Name the room: /rooms/<room GUID>, or /rooms?uri=ma-chan://<domain>/<room GUID>.')
    }
    let id: string
    try {
      id = parseRoomId(input)
    } catch (error) {
      // parseRoomId throws nothing but RoomIdError.
      const { code, message } = error as RoomIdError
      return sendProblem(request, reply, 400, code, message)
    }
    return redirect(request, reply, id)
  }

  app.get('/rooms/new', { schema: createRoomSchema }, (request, reply) => redirect(request, reply, undefined))
  app.get<{ Params: { room: string } }>('/rooms/:room', { schema: roomSchema }, (request, reply) => room(request, reply, request.params.room))
  app.get('/rooms', { schema: roomByUriSchema }, (request, reply) => room(request, reply, queryValue(request, 'uri')))
}
