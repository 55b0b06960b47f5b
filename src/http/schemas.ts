// Route schemas: they document the service in /openapi.json. Input is not
// validated against them (see app.ts): the protocol core validates room ids
// and languages itself, with messages that say what was expected.
import { Type, type TSchema } from '@sinclair/typebox'
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
  description: `${description} The status is 302 unless PCWP_REDIRECT_STATUS says 303 or 307.`,
  headers: {
    location: Type.String({ description: 'The room management URL (MS-PCWP 2.2).' }),
    'cache-control': Type.Literal('no-store'),
    vary: Type.Literal('Accept-Language')
  },
  type: 'null'
})

const langQuery = Type.String({ description: 'The reader\'s language, a full tag (de-DE) or a language (de); it wins over Accept-Language. Invalid values are ignored.' })

const roomErrors = {
  400: problem('The room is not a GUID or a ma-chan:// room URI.'),
  503: problem('Room management is disabled for the reader\'s network zone: no base URL (MS-PCWP 3.1.1).')
}

export const createRoomSchema = {
  summary: 'Open the room management application to create a room (MS-PCWP 2.2.1).',
  tags: ['rooms'],
  querystring: Type.Object({ lang: Type.Optional(langQuery) }),
  response: { '3xx': redirect('Redirect to BASE + clientlang.'), 503: roomErrors[503] }
}

export const roomSchema = {
  summary: 'Open the room management application on a room (MS-PCWP 2.2.2).',
  tags: ['rooms'],
  params: Type.Object({ room: Type.String({ description: 'The room GUID (any case, braces optional) or its URL-encoded ma-chan://<domain>/<GUID> room URI.' }) }),
  querystring: Type.Object({ lang: Type.Optional(langQuery) }),
  response: { '3xx': redirect('Redirect to BASE + clientlang + id.'), ...roomErrors }
}

export const roomByUriSchema = {
  summary: 'Open the room management application on a room named by its room URI (MS-PCWP 2.2.2).',
  tags: ['rooms'],
  querystring: Type.Object({
    uri: Type.String({ description: 'ma-chan://<domain>/<GUID> (or a GUID).' }),
    lang: Type.Optional(langQuery)
  }),
  response: { '3xx': redirect('Redirect to BASE + clientlang + id.'), ...roomErrors }
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
    lastError: Type.Union([Type.String(), Type.Null()])
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
