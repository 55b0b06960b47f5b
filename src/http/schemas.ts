// Route schemas: TypeBox, validated by fastify and published in /openapi.json.
// They declare only what validates cheaply and never refuses a link the
// protocol core would accept: the core decides what a room is and answers
// with messages that say what was expected.
import { Type, type TSchema } from '@sinclair/typebox'
import type { RedirectStatus } from '../config.ts'
import { PROBLEM_CODES } from '../problem-codes.ts'

const problemBody = Type.Object({
  error: Type.String({ enum: [...PROBLEM_CODES], description: 'A stable error code.' }),
  message: Type.String({ description: 'What went wrong and what is expected, for a person.' }),
  name: Type.Optional(Type.String({
    description: 'PCWP_ROOM_RETIRED: the room\'s name, when the room map gives one.'
  })),
  note: Type.Optional(Type.String({ description: 'PCWP_ROOM_RETIRED: the room map\'s note for readers.' })),
  contact: Type.Optional(Type.String({ description: 'PCWP_ROOM_RETIRED: who to ask (PCWP_CONTACT_URL, else PCWP_CONTACT_TEXT).' }))
})

/** An error answer: JSON for clients that prefer it, else an HTML page. */
export function problem (description: string): TSchema {
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
    location: Type.String({ description: 'The room management URL (MS-OCGCWEB 2.2).' }),
    // enum, not Type.Literal's const: the document is OpenAPI 3.0, whose schema object has no const.
    'cache-control': Type.String({ enum: ['no-store'] }),
    vary: Type.String({ enum: ['Accept-Language'] })
  },
  type: 'null'
})

/**
 * A query parameter taken as given: once (a string) or repeated (an array, which code reads as absent); never
 * refused.
 */
export function queryValue (description?: string) {
  const options = description === undefined ? {} : { description }
  return Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())], options))
}

// Repeated or invalid values are ignored (the default language applies), never refused.
const langQuery = queryValue('The reader\'s language, a full tag (de-DE) or a language (de); it wins over Accept-Language. Invalid or repeated values are ignored.')

const roomErrors = {
  400: problem('The room is not a GUID or a ma-chan:// room URI.'),
  410: problem('PCWP_ROOM_RETIRED: the room map retires the room (a page with its name, note and who to ask).'),
  503: problem('Room management is disabled for the reader\'s network zone: no base URL (MS-OCGCWEB 3.1.1).')
}

/** The schemas of the room-link routes, for the configured redirect status. */
export function roomSchemas (status: RedirectStatus) {
  return {
    create: {
      summary: 'Open the room management application to create a room (MS-OCGCWEB 2.2.1).',
      tags: ['rooms'],
      querystring: Type.Object({ lang: langQuery }),
      response: {
        [status]: redirect('Redirect to BASE + clientlang, or to where the room map\'s new row says.'),
        410: roomErrors[410],
        503: roomErrors[503]
      }
    },
    room: {
      summary: 'Open the room management application on a room (MS-OCGCWEB 2.2.2).',
      tags: ['rooms'],
      params: Type.Object({ room: Type.String({ description: 'The room GUID (any case, braces optional) or its URL-encoded ma-chan://<domain>/<GUID> room URI.' }) }),
      querystring: Type.Object({ lang: langQuery }),
      response: { [status]: redirect('Redirect to BASE + clientlang + id.'), ...roomErrors }
    },
    roomPath: {
      summary: 'A room named by an unencoded room URI in the path, /rooms/ma-chan://<domain>/<GUID> (MS-OCGCWEB 2.2.2).',
      tags: ['rooms'],
      params: Type.Object({
        '*': Type.String({ description: 'The rest of the path: a room URI as mail programs leave it.' })
      }),
      querystring: Type.Object({ lang: langQuery }),
      response: { [status]: redirect('Redirect to where the room map or MS-OCGCWEB says.'), ...roomErrors }
    },
    roomByUri: {
      summary: 'Open the room management application on a room named by its room URI (MS-OCGCWEB 2.2.2).',
      tags: ['rooms'],
      querystring: Type.Object({
        uri: queryValue('ma-chan://<domain>/<GUID> (or a GUID); missing or repeated: PCWP_ROOM_URI_MISSING.'),
        lang: langQuery
      }),
      response: { [status]: redirect('Redirect to BASE + clientlang + id.'), ...roomErrors }
    }
  }
}

/** A room management application's own link (MS-OCGCWEB 2.2), answered on a legacy path. */
export function legacySchema (status: RedirectStatus) {
  return {
    summary: 'A room management application link (BASE?clientlang=…&id=…) sent here after a migration: a room link with id, a create link without.',
    tags: ['rooms'],
    querystring: Type.Object({
      id: queryValue('The room GUID; trailing mail punctuation is dropped.'),
      clientlang: queryValue('Used only when neither lang nor Accept-Language names a supported language.'),
      lang: langQuery
    }),
    response: {
      [status]: redirect('Redirect to where the room map or MS-OCGCWEB says.'),
      400: problem('The id is not a room GUID.'),
      410: roomErrors[410],
      500: problem('PCWP_REDIRECT_LOOP: the redirect would lead back to this very link.'),
      503: roomErrors[503]
    }
  }
}

/** A page or asset: its summary and content type. */
export function pageSchema (summary: string, type: string, body: TSchema = Type.String()) {
  return {
    summary,
    tags: ['pages'],
    response: { 200: { description: summary, content: { [type]: { schema: body } } } as unknown as TSchema }
  }
}

export const methodNotAllowedSchema = {
  summary: 'Room links answer GET and HEAD only.',
  tags: ['rooms'],
  response: { 405: problem('PCWP_METHOD_NOT_ALLOWED, with Allow: GET, HEAD.') }
}

/** The same 405 for a method OpenAPI 3.0 has no operation for (QUERY): answered, left out of /openapi.json. */
export const hiddenMethodNotAllowedSchema = { ...methodNotAllowedSchema, hide: true }

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
  })]),
  roomMap: Type.Optional(Type.Object({
    entries: Type.Number(),
    loadedAt: Type.Union([Type.String(), Type.Null()]),
    source: Type.String({ description: 'The file\'s path, or the URL without its query.' }),
    lastError: Type.Union([
      Type.String({ description: 'Why the last read or fetch gave no new map: CODE: reason.' }), Type.Null()
    ]),
    sha256: Type.Union([Type.String({ description: 'SHA-256 of the map in force, lowercase hex.' }), Type.Null()])
  }))
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
