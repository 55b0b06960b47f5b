import type { FastifyReply, FastifyRequest } from 'fastify'
import Negotiator from 'negotiator'
import { escapeHtml, htmlPage } from './html.js'
import { PAGE_SECURITY_HEADERS } from './plugins/security-headers.js'

/** The stable, machine-readable error codes, as in the JSON body's `error` (DESIGN.md "Responses"). */
export const PROBLEM_CODES = [
  'PCWP_ROOM_ID_INVALID',
  'PCWP_ROOM_URI_INVALID',
  'PCWP_ROOM_URI_MISSING',
  'PCWP_ROOM_MANAGEMENT_DISABLED',
  'PCWP_ROOM_RETIRED',
  'PCWP_METHOD_NOT_ALLOWED',
  'PCWP_REDIRECT_LOOP',
  'NOT_FOUND',
  'RATE_LIMITED',
  'BAD_REQUEST',
  'INTERNAL_ERROR'
] as const

export type ProblemCode = typeof PROBLEM_CODES[number]

declare module 'fastify' {
  interface FastifyRequest {
    /** The error code this request was answered with, if any. */
    problem: ProblemCode | null
  }
}

const TITLES: Readonly<Record<number, string>> = {
  400: 'This link is not valid',
  404: 'Page not found',
  429: 'Too many requests',
  500: 'Something went wrong',
  503: 'Room management is not available'
}

// An error page is static text and one inline style sheet: its CSP allows nothing else.
const PROBLEM_HEADERS = {
  ...PAGE_SECURITY_HEADERS,
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
}

// HTML first: a browser, or a client that states no preference, gets the page.
const PROBLEM_TYPES = ['text/html', 'application/json']

/**
 * Answers with an error a person can read: an HTML page, or a JSON body
 * `{ error, message }` for clients that prefer JSON. `message` is our own
 * text, never the request's; it is escaped all the same.
 */
export function sendProblem (request: FastifyRequest, reply: FastifyReply, status: number, code: ProblemCode, message: string): FastifyReply {
  request.problem = code
  reply.code(status).headers(PROBLEM_HEADERS)
  if (new Negotiator(request.raw).mediaType(PROBLEM_TYPES) === 'application/json') {
    return reply.type('application/json; charset=utf-8').send({ error: code, message })
  }
  const title = TITLES[status] ?? 'This request could not be answered'
  return reply.type('text/html; charset=utf-8').send(htmlPage(title, `<p>${escapeHtml(message)}</p>\n<p><small>Error code: <code>${code}</code></small></p>`))
}
