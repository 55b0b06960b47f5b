import type { FastifyReply, FastifyRequest } from 'fastify'
import { createMediaTypeChooser } from '../negotiate/media-type.ts'
import type { NetworkZone } from '../pcwp/index.ts'
import { escapeHtml } from '../html-escape.ts'
import { htmlPage } from './html.ts'
import { PAGE_SECURITY_HEADERS } from './plugins/security-headers.ts'
import type { ProblemCode } from '../problem-codes.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** The error code this request was answered with, if any. */
    problem: ProblemCode | null
  }
}

/**
 * An error answer: the status, its code and an English message for JSON
 * clients (our own words); a page shows the code's text from the catalogs,
 * which for a disabled zone says which.
 */
export type Problem =
  | {
    readonly status: number
    readonly code: Exclude<ProblemCode, 'PCWP_ROOM_RETIRED' | 'PCWP_ROOM_MANAGEMENT_DISABLED'>
    readonly message: string
  }
  | {
    readonly status: 503
    readonly code: 'PCWP_ROOM_MANAGEMENT_DISABLED'
    readonly message: string
    readonly zone: NetworkZone
  }

/** A retired room's answer (the room map's `retired`): 410 Gone. */
export interface Retirement {
  readonly name?: string | undefined
  readonly note?: string | undefined
}

// An error page is static text and one inline style sheet: its CSP allows nothing else.
const PROBLEM_HEADERS = {
  ...PAGE_SECURITY_HEADERS,
  'cache-control': 'no-store',
  vary: 'Accept, Accept-Language',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
}

// HTML first: a browser, or a client that states no preference, gets the page.
const problemType = createMediaTypeChooser(['text/html', 'application/json'])

/** Whether the client prefers JSON to a page (Accept, with its q-values): every answer of the service chooses so. */
export function prefersJson (request: FastifyRequest): boolean {
  return problemType(request.headers.accept) === 'application/json'
}

/** Sends a page in the reader's language, or a JSON body; sets what every error answer carries. */
function answer (
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  json: () => Record<string, string>,
  page: (lang: string) => { title: string, body: string }
): FastifyReply {
  reply.code(status).headers(PROBLEM_HEADERS)
  if (prefersJson(request)) return reply.type('application/json; charset=utf-8').send(json())
  const { pageLanguage, contactLine } = request.server
  const lang = pageLanguage(request)
  const { title, body } = page(lang)
  return reply.header('content-language', lang)
    .type('text/html; charset=utf-8')
    .send(htmlPage(title, `${body}\n${contactLine(lang)}`, { lang }))
}

/**
 * Answers with an error a person can read: a page in the reader's language,
 * or `{ error, message }` for clients that prefer JSON. Nothing from the
 * request is echoed; everything on the page is escaped.
 */
export function sendProblem (request: FastifyRequest, reply: FastifyReply, problem: Problem): FastifyReply {
  const { status, code, message } = problem
  request.problem = code
  const { catalogs } = request.server
  return answer(request, reply, status, () => ({ error: code, message }), lang => ({
    title: catalogs.text(lang, `error.${code}.title`),
    body: `<p>${problem.code === 'PCWP_ROOM_MANAGEMENT_DISABLED'
      ? catalogs.html(lang, `error.PCWP_ROOM_MANAGEMENT_DISABLED.message.${problem.zone}`)
      : catalogs.html(lang, `error.${problem.code}.message`)}</p>
<p><small>${catalogs.html(lang, 'error.code', { code: `<code>${code}</code>` })}</small></p>`
  }))
}

/** 410 Gone for a retired room (docs/design.md "Room map"): its name and note when known, and who to ask. */
export function sendRetired (request: FastifyRequest, reply: FastifyReply, { name, note }: Retirement): FastifyReply {
  request.problem = 'PCWP_ROOM_RETIRED'
  const { catalogs, config } = request.server
  const contact = config.contactUrl ?? config.contactText
  return answer(request, reply, 410, () => ({
    error: 'PCWP_ROOM_RETIRED',
    message: 'This chat room has been retired; its link can no longer be opened.',
    ...(name === undefined ? {} : { name }),
    ...(note === undefined ? {} : { note }),
    ...(contact === undefined ? {} : { contact })
  }), lang => ({
    title: name === undefined
      ? catalogs.text(lang, 'retired.title')
      : catalogs.text(lang, 'retired.titleNamed', { name }),
    body: `<p>${catalogs.html(lang, 'retired.body')}</p>${note === undefined ? '' : `\n<p>${catalogs.html(lang, 'retired.note', { note: escapeHtml(note) })}</p>`}`
  }))
}
