import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import Negotiator from 'negotiator'
import { escapeHtml, htmlPage } from './html.js'
import type { RequestLog } from './request-log.js'
import { SECURITY_HEADERS } from './security-headers.js'

/** The stable, machine-readable error codes, as in the JSON body's `error`. */
export const PROBLEM_CODES = [
  'PCWP_ROOM_ID_INVALID',
  'PCWP_ROOM_URI_INVALID',
  'PCWP_ROOM_URI_MISSING',
  'PCWP_ROOM_MANAGEMENT_DISABLED',
  'NOT_FOUND',
  'RATE_LIMITED',
  'BAD_REQUEST',
  'INTERNAL_ERROR'
] as const

export type ProblemCode = typeof PROBLEM_CODES[number]

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The error code this request was answered with, if any. Absent where
     * nothing decorates the request: on the requests fastify builds for its
     * router's own errors, and in a bare app that only uses the request log.
     */
    problem?: ProblemCode | null
  }
}

const TITLES: Readonly<Record<number, string>> = {
  400: 'This link is not valid',
  404: 'Page not found',
  429: 'Too many requests',
  500: 'Something went wrong',
  503: 'Room management is not available'
}

// Set by sendProblem itself, since problems are answered outside the pages' hooks too
// (app.ts). An error page is static text and one inline style sheet: its CSP allows nothing else.
const PROBLEM_HEADERS = {
  ...SECURITY_HEADERS,
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

/**
 * Unknown paths get a 404 page; errors go to the `answerError` of
 * {@link errorAnswerer}, which is fastify's `frameworkErrors` as well. Both
 * account for the request themselves: they answer outside the pages' hooks.
 */
export function registerProblemHandlers (app: FastifyInstance, requestLog: RequestLog, answerError: ErrorAnswer): void {
  app.decorateRequest('problem', null)
  app.setNotFoundHandler(requestLog.accounted((request, reply) => {
    sendProblem(request, reply, 404, 'NOT_FOUND', 'There is no page here. Room links look like /rooms/<room GUID> or /rooms/new.')
  }))
  app.setErrorHandler(answerError)
}

export type ErrorAnswer = (error: unknown, request: FastifyRequest, reply: FastifyReply) => void

/**
 * Every error ends in the returned `answerError`, the router's own too (fastify's `frameworkErrors`,
 * such as a malformed percent-encoding, whose default answer quotes the URL).
 * Client errors get a generic message, since fastify's messages can quote the
 * request; anything else is logged and answered with a 500 that reveals nothing.
 */
export function errorAnswerer (requestLog: RequestLog): ErrorAnswer {
  return function answerError (error, request, reply) {
    const status = (error as { statusCode?: unknown }).statusCode
    if (status === 429) {
      // From @fastify/rate-limit (PCWP_RATE_LIMIT_PER_MIN), which has set Retry-After.
      sendProblem(request, reply, 429, 'RATE_LIMITED', 'Too many requests from your address; please try again in a minute.')
    } else if (typeof status === 'number' && status >= 400 && status < 500) {
      sendProblem(request, reply, status, 'BAD_REQUEST', 'The request is malformed.')
    } else {
      requestLog.failure(request, error)
      sendProblem(request, reply, 500, 'INTERNAL_ERROR', 'The service failed to answer. Please try again later.')
    }
    // The time since fastify began the request where a hook measures it (the pages), else 0.
    requestLog.record(request, reply.statusCode, reply.elapsedTime / 1000)
  }
}
