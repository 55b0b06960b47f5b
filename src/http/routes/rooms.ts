import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox'
import { RoomIdError, type NetworkZone } from '../../pcwp/index.ts'
import { parseRoomLink } from '../../pcwp/room-id.ts'
import { createAddressMatcher } from '../../net/address-ranges.ts'
import { decideZone, type ZonePolicy } from '../../negotiate/network.ts'
import { expectedError } from '../../expected-error.ts'
import { answerRoomLink, type RoomAnswer } from '../../room-answer.ts'
import type { RoomLinkLog } from '../plugins/access-log.ts'
import { sendProblem, sendRetired } from '../problems.ts'
import { single } from '../../single-value.ts'
import { REDIRECT_SECURITY_HEADERS } from '../plugins/security-headers.ts'
import { hiddenMethodNotAllowedSchema, legacySchema, methodNotAllowedSchema, roomSchemas } from '../schemas.ts'

type QueryValue = string | string[] | undefined

/**
 * A room link as a request names it: a room (or none: create one), the reader's `lang`, a legacy link's own
 * clientlang.
 */
interface LinkRequest {
  readonly room: string | undefined
  readonly lang: QueryValue
  readonly legacyClientLang?: string | undefined
}

const ALLOWED = 'GET, HEAD'
// The other methods an OpenAPI 3.0 Path Item has an operation for; the rest fastify routes (QUERY) it cannot express.
const OPENAPI_METHODS = new Set(['PUT', 'POST', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE'])

/**
 * The room links (docs/design.md "Room links"): /rooms/new, /rooms/<room> (the
 * room URI may be unencoded, so the rest of the path is the room),
 * /rooms?uri=<room URI>, and the room management application's own links on
 * the legacy paths. The room map decides first; a room it leaves to `pcwp`
 * gets the MS-OCGCWEB redirect, byte for byte as without a map. Other methods
 * are 405. GET and HEAD have no side effects: mail scanners fetch every link.
 */
const roomRoutes: FastifyPluginCallbackTypebox = (app, _options, done) => {
  const { config } = app
  const zonePolicy: ZonePolicy = {
    isInternal: createAddressMatcher(config.internalRanges), defaultZone: config.defaultNetwork
  }
  // The answer depends on who asks (and on a map that can change), so no shared cache may reuse it.
  const redirectHeaders = { ...REDIRECT_SECURITY_HEADERS, 'cache-control': 'no-store', vary: 'Accept-Language' }
  const schemas = roomSchemas(config.redirectStatus)

  function zoneOf (request: FastifyRequest): NetworkZone {
    const header = request.trustedPeer && config.networkHeader !== undefined
      ? single(request.headers[config.networkHeader])
      : undefined
    return decideZone(zonePolicy, { client: request.clientAddress, trustedZoneHeader: header }).zone
  }

  /** Turns the room's answer (src/room-answer.ts) into a reply; nothing is decided here. */
  function replyToLink (
    request: FastifyRequest, reply: FastifyReply, { room, lang, legacyClientLang }: LinkRequest
  ): FastifyReply {
    const zone = zoneOf(request)
    const clientlang = app.negotiateLanguage(single(lang), request.headers['accept-language'], legacyClientLang)
    const answer = answerRoomLink({
      room,
      zone,
      clientlang,
      pageLanguage: () => app.pageLanguage(request),
      entry: app.roomEntry(room),
      override: app.override?.current(),
      baseUrls: config.baseUrls,
      // Only the application's own links, on legacy paths, can be asked where an answer leads.
      ...(request.routeOptions.config.kind === 'legacy'
        ? { askedAt: { host: request.host, path: request.url.split('?', 1)[0] as string } }
        : {})
    })
    const outcome = outcomeOf(answer)
    const kind = room === undefined ? 'create' : 'room'
    request.roomLink = outcome === undefined
      ? null
      : { kind, zone, lang: clientlang, outcome, ...(room === undefined ? {} : { room }) }
    switch (answer.kind) {
      case 'redirect':
        return reply.headers(redirectHeaders).redirect(answer.location, config.redirectStatus)
      case 'retired':
        return sendRetired(request, reply, answer)
      case 'disabled':
        return sendProblem(request, reply, {
          status: 503,
          code: 'PCWP_ROOM_MANAGEMENT_DISABLED',
          message: `Room management is not available from the ${zone} network: no room management address is configured for it. Please contact your administrator.`,
          zone
        })
      case 'loop':
        return sendProblem(request, reply, {
          status: 500,
          code: 'PCWP_REDIRECT_LOOP',
          message: 'This link would redirect to itself: the room management address names this service. Please tell your administrator.'
        })
    }
  }

  /** A link naming a room: its canonical GUID, or 400 when it names none. */
  function replyToNamedRoom (
    request: FastifyRequest, reply: FastifyReply, input: string | undefined, link: Omit<LinkRequest, 'room'>
  ): FastifyReply {
    if (input === undefined) {
      return sendProblem(request, reply, { status: 400, code: 'PCWP_ROOM_URI_MISSING', message: 'Name the room: /rooms/<room GUID>, or /rooms?uri=ma-chan://<domain>/<room GUID>.' })
    }
    let id: string
    try {
      id = parseRoomLink(input)
    } catch (error) {
      const { code, message } = expectedError(error, RoomIdError)
      return sendProblem(request, reply, { status: 400, code, message })
    }
    return replyToLink(request, reply, { ...link, room: id })
  }

  app.get('/rooms/new', { schema: schemas.create, config: { kind: 'create' } }, (request, reply) =>
    replyToLink(request, reply, { room: undefined, lang: request.query.lang }))
  app.get('/rooms/:room', { schema: schemas.room, config: { kind: 'room' } }, (request, reply) =>
    replyToNamedRoom(request, reply, request.params.room, { lang: request.query.lang }))
  // An unencoded room URI spans several segments: /rooms/ma-chan://contoso.com/<GUID>.
  app.get('/rooms/*', { schema: schemas.roomPath, config: { kind: 'room' } }, (request, reply) =>
    replyToNamedRoom(request, reply, request.params['*'], { lang: request.query.lang }))
  app.get('/rooms', { schema: schemas.roomByUri, config: { kind: 'room' } }, (request, reply) =>
    replyToNamedRoom(request, reply, single(request.query.uri), { lang: request.query.lang }))

  // The room management application's own links, pasted from an address bar:
  // with id=<GUID> a room, without it a create link; other parameters are ignored.
  const legacy = legacySchema(config.redirectStatus)
  for (const path of config.legacyRoomPaths) {
    app.get(path, { schema: legacy, config: { kind: 'legacy' } }, (request, reply) => {
      const id = single(request.query.id)
      const link = { lang: request.query.lang, legacyClientLang: single(request.query.clientlang) }
      return id === undefined
        ? replyToLink(request, reply, { ...link, room: undefined })
        : replyToNamedRoom(request, reply, id, link)
    })
  }

  const methodNotAllowed = (request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    reply.header('allow', ALLOWED)
    return sendProblem(request, reply, {
      status: 405, code: 'PCWP_METHOD_NOT_ALLOWED', message: 'Room links answer GET and HEAD only.'
    })
  }
  const otherMethods = app.supportedMethods.filter(method => method !== 'GET' && method !== 'HEAD')
  // Both lists are answered alike, only the first documented; an empty list (no such method) routes nothing.
  const documented = otherMethods.filter(method => OPENAPI_METHODS.has(method))
  const undocumented = otherMethods.filter(method => !OPENAPI_METHODS.has(method))
  app.register((scope, _options, registered) => {
    // Whatever body another method sends is never read.
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', (_request, _payload, parsed) => { parsed(null) })
    for (const url of ['/rooms', '/rooms/*', ...config.legacyRoomPaths]) {
      const kind = url.startsWith('/rooms') ? 'room' : 'legacy'
      const options = { url, config: { kind }, handler: methodNotAllowed } as const
      scope.route({ ...options, method: documented, schema: methodNotAllowedSchema })
      scope.route({ ...options, method: undocumented, schema: hiddenMethodNotAllowedSchema })
    }
    registered()
  })
  done()
}

/** An answer as the metrics and the access line name it; a loop, a misconfiguration, counts as its error only. */
function outcomeOf (answer: RoomAnswer): RoomLinkLog['outcome'] | undefined {
  switch (answer.kind) {
    case 'redirect': return answer.outcome
    case 'retired': return 'retired'
    case 'disabled': return 'pcwp'
    case 'loop': return undefined
  }
}

export default roomRoutes
