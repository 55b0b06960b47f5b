import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox'
import { parseRoomId, resolveBaseUrl, type RoomIdError } from '../../pcwp/index.js'
import { roomManagementUrl } from '../../pcwp/url.js'
import { createAddressMatcher } from '../../negotiate/address.js'
import { decideZone, type ZonePolicy } from '../../negotiate/network.js'
import { sendProblem } from '../problems.js'
import { single } from '../request-values.js'
import { REDIRECT_SECURITY_HEADERS } from '../plugins/security-headers.js'
import { roomSchemas } from '../schemas.js'

/**
 * The room links (DESIGN.md "Responses"): GET and HEAD /rooms/new,
 * /rooms/<room> and /rooms?uri=<room URI>. Each answer is a redirect built by
 * the protocol core, or a problem. GET and HEAD have no side effects: mail
 * scanners fetch every link.
 */
const roomRoutes: FastifyPluginCallbackTypebox = (app, _options, done) => {
  const { config } = app
  const zonePolicy: ZonePolicy = { isInternal: createAddressMatcher(config.internalRanges), defaultZone: config.defaultNetwork }
  // The answer depends on who asks, so no shared cache may reuse it.
  const redirectHeaders = { ...REDIRECT_SECURITY_HEADERS, 'cache-control': 'no-store', vary: 'Accept-Language' }
  const schemas = roomSchemas(config.redirectStatus)

  function zoneOf (request: FastifyRequest): ReturnType<typeof decideZone>['zone'] {
    const header = request.trustedPeer && config.networkHeader !== undefined ? single(request.headers[config.networkHeader]) : undefined
    return decideZone(zonePolicy, { client: request.clientAddress, trustedZoneHeader: header }).zone
  }

  function redirect (request: FastifyRequest, reply: FastifyReply, lang: string | string[] | undefined, room: string | undefined): FastifyReply {
    const zone = zoneOf(request)
    const clientlang = app.negotiateLanguage(single(lang), request.headers['accept-language'])
    request.roomLink = { kind: room === undefined ? 'create' : 'room', zone, lang: clientlang, outcome: 'pcwp', ...(room === undefined ? {} : { room }) }
    const base = resolveBaseUrl(app.override?.current(), config.baseUrls, zone)
    if (base === undefined) {
      return sendProblem(request, reply, {
        status: 503,
        code: 'PCWP_ROOM_MANAGEMENT_DISABLED',
        message: `Room management is not available from the ${zone} network: no room management address is configured for it. Please contact your administrator.`,
        zone
      })
    }
    return reply.headers(redirectHeaders).redirect(roomManagementUrl(base, clientlang, room), config.redirectStatus)
  }

  function room (request: FastifyRequest, reply: FastifyReply, lang: string | string[] | undefined, input: string | undefined): FastifyReply {
    if (input === undefined) {
      return sendProblem(request, reply, { status: 400, code: 'PCWP_ROOM_URI_MISSING', message: 'Name the room: /rooms/<room GUID>, or /rooms?uri=ma-chan://<domain>/<room GUID>.' })
    }
    let id: string
    try {
      id = parseRoomId(input)
    } catch (error) {
      // parseRoomId throws nothing but RoomIdError.
      const { code, message } = error as RoomIdError
      return sendProblem(request, reply, { status: 400, code, message })
    }
    return redirect(request, reply, lang, id)
  }

  app.get('/rooms/new', { schema: schemas.create, config: { kind: 'create' } }, (request, reply) => redirect(request, reply, request.query.lang, undefined))
  app.get('/rooms/:room', { schema: schemas.room, config: { kind: 'room' } }, (request, reply) => room(request, reply, request.query.lang, request.params.room))
  app.get('/rooms', { schema: schemas.roomByUri, config: { kind: 'room' } }, (request, reply) => room(request, reply, request.query.lang, single(request.query.uri)))
  done()
}

export default roomRoutes
