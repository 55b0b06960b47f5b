// Route schemas: TypeBox, validated by fastify and published in /openapi.json.
// They declare only what validates cheaply and never refuses a link the
// protocol core would accept: the core decides what a room is and answers
// with messages that say what was expected.
import { Type, type TSchema } from '@sinclair/typebox'
import type { RedirectStatus } from '../config.js'
import { PROBLEM_CODES } from './problems.js'

const problemBody = Type.Object({
  error: Type.String({ enum: [...PROBLEM_CODES], description: 'A stable error code.' }),
  message: Type.String({ description: 'What went wrong and what is expected, for a person.' })
})

/** An error answer: JSON for clients that prefer it, else an HTML page. */
function problem (description: string): TSchema {
  return {
    description,
    content: {
      'application/json': { schema: problemBody },
      'text/html': { schema: Type.String() }
    }
  } as unknown as TSchema
}

const redirect = (description: string) => ({
  description,
  headers: {
    location: Type.String({ description: 'The room management URL (MS-PCWP 2.2).' }),
    'cache-control': Type.Literal('no-store'),
    vary: Type.Literal('Accept-Language')
  },
  type: 'null'
})

// Repeated or invalid values are ignored (the default language applies), never refused.
const langQuery = Type.Union([Type.String(), Type.Array(Type.String())], { description: 'The reader\'s language, a full tag (de-DE) or a language (de); it wins over Accept-Language. Invalid or repeated values are ignored.' })

/** The longest room identifier: a ma-chan:// URI with a 253-character domain. */
export const MAX_ROOM_LENGTH = 320

const roomErrors = {
  400: problem('The room is not a GUID or a ma-chan:// room URI.'),
  503: problem('Room management is disabled for the reader\'s network zone: no base URL (MS-PCWP 3.1.1).')
}

/** The schemas of the room-link routes, for the configured redirect status. */
export function roomSchemas (status: RedirectStatus) {
  return {
    create: {
      summary: 'Open the room management application to create a room (MS-PCWP 2.2.1).',
      tags: ['rooms'],
      querystring: Type.Object({ lang: Type.Optional(langQuery) }),
      response: { [status]: redirect('Redirect to BASE + clientlang.'), 503: roomErrors[503] }
    },
    room: {
      summary: 'Open the room management application on a room (MS-PCWP 2.2.2).',
      tags: ['rooms'],
      params: Type.Object({ room: Type.String({ maxLength: MAX_ROOM_LENGTH, description: 'The room GUID (any case, braces optional) or its URL-encoded ma-chan://<domain>/<GUID> room URI.' }) }),
      querystring: Type.Object({ lang: Type.Optional(langQuery) }),
      response: { [status]: redirect('Redirect to BASE + clientlang + id.'), ...roomErrors }
    },
    roomByUri: {
      summary: 'Open the room management application on a room named by its room URI (MS-PCWP 2.2.2).',
      tags: ['rooms'],
      querystring: Type.Object({
        uri: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())], { description: 'ma-chan://<domain>/<GUID> (or a GUID); missing or repeated: PCWP_ROOM_URI_MISSING.' })),
        lang: Type.Optional(langQuery)
      }),
      response: { [status]: redirect('Redirect to BASE + clientlang + id.'), ...roomErrors }
    }
  }
}

const zoneState = Type.Union([Type.Literal('provisioned'), Type.Literal('override'), Type.Literal('disabled')])
const readiness = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('unready')]),
  demo: Type.Boolean(),
  zones: Type.Object({ internal: zoneState, external: zoneState }),
  override: Type.Union([Type.Null(), Type.Object({
    source: Type.String(),
    url: Type.Union([Type.String(), Type.Null()]),
    ageSeconds: Type.Union([Type.Number(), Type.Null()]),
    lastFetchAt: Type.Union([Type.String(), Type.Null()]),
    lastError: Type.Union([Type.String(), Type.Null()]),
    refused: Type.Boolean()
  })])
})

export const healthSchema = {
  summary: 'Liveness: the process is alive.',
  tags: ['operations'],
  response: { 200: Type.Object({ status: Type.Literal('ok') }) }
}

export const readySchema = {
  summary: 'Readiness: some network zone can be redirected; the body tells which and the getserverinfo override\'s state.',
  tags: ['operations'],
  response: { 200: readiness, 503: readiness }
}

export const robotsSchema = {
  summary: 'Disallow all crawling: room links are personal.',
  tags: ['operations'],
  response: { 200: Type.String() }
}

export const metricsSchema = {
  summary: 'Prometheus metrics (text format).',
  tags: ['operations'],
  response: { 200: Type.String() }
}
