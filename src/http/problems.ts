import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type {} from '@fastify/accepts'
import { escapeHtml, htmlPage } from './html.js'

/** A stable, machine-readable error code, as in the JSON body's `error`. */
export type ProblemCode =
  | 'PCWP_ROOM_ID_INVALID'
  | 'PCWP_ROOM_URI_INVALID'
  | 'PCWP_ROOM_URI_MISSING'
  | 'PCWP_ROOM_MANAGEMENT_DISABLED'
  | 'NOT_FOUND'
  | 'BAD_REQUEST'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_ERROR'

const TITLES: Readonly<Record<number, string>> = {
  400: 'This link is not valid',
  404: 'Page not found',
  500: 'Something went wrong',
  503: 'Room management is not available'
}

/**
 * Answers with an error a person can read: an HTML page, or a JSON body
 * `{ error, message }` for clients that prefer JSON. `message` is our own
 * text, never the request's; it is escaped all the same.
 */
export function sendProblem (request: FastifyRequest, reply: FastifyReply, status: number, code: ProblemCode, message: string): FastifyReply {
  reply.code(status).header('cache-control', 'no-store')
  if (request.accepts().type(['html', 'json']) === 'json') {
    return reply.type('application/json; charset=utf-8').send({ error: code, message })
  }
  const title = TITLES[status] ?? 'This request could not be answered'
  return reply.type('text/html; charset=utf-8').send(htmlPage(title, `<p>${escapeHtml(message)}</p>\n<p><small>Error code: <code>${code}</code></small></p>`))
}

/**
 * Every error that reaches fastify ends here: client errors (a malformed
 * request, an oversized body) get a generic message, since fastify's own
 * messages can quote the request; anything else is logged and answered with
 * a 500 that reveals nothing.
 */
export function registerProblemHandlers (app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) => {
    sendProblem(request, reply, 404, 'NOT_FOUND', 'There is no page here. Room links look like /rooms/<room GUID> or /rooms/new.')
  })
  app.setErrorHandler((error: { statusCode?: number }, request, reply) => {
    const status = error.statusCode
    if (status !== undefined && status >= 400 && status < 500) {
      sendProblem(request, reply, status, 'BAD_REQUEST', 'The request is malformed.')
    } else if (status === 503) {
      sendProblem(request, reply, 503, 'SERVICE_UNAVAILABLE', 'The service is shutting down; please try again.')
    } else {
      request.log.error({ err: error }, 'unhandled error')
      sendProblem(request, reply, 500, 'INTERNAL_ERROR', 'The service failed to answer. Please try again later.')
    }
  })
}
