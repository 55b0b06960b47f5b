import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { sendProblem } from '../problems.ts'
import { logAccess } from './access-log.ts'

/**
 * Every error ends here. Client errors get a generic message, since
 * fastify's messages can quote the request; schema failures get the code of
 * the input that failed; anything else is logged, with the request it broke
 * (headers redacted by the logger), and answered with a 500 that reveals nothing.
 */
function answerError (error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const status = error.statusCode
  if (status === 429) {
    // From @fastify/rate-limit (PCWP_RATE_LIMIT_PER_MIN), which has set Retry-After.
    return sendProblem(request, reply, { status: 429, code: 'RATE_LIMITED', message: 'Too many requests from your address; please try again in a minute.' })
  }
  if (status !== undefined && status >= 400 && status < 500) {
    return sendProblem(request, reply, { status, code: 'BAD_REQUEST', message: 'The request is malformed.' })
  }
  request.log.error({ err: error, req: request }, 'unhandled error')
  return sendProblem(request, reply, {
    status: 500, code: 'INTERNAL_ERROR', message: 'The service failed to answer. Please try again later.'
  })
}

/**
 * fastify's `frameworkErrors`: requests it refuses before routing (a
 * malformed percent-encoding, an over-long parameter), whose default answer
 * quotes the URL. These requests skip the decorators and every hook, so the
 * answer is logged and counted here.
 */
export function answerFrameworkError (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  request.problem = null
  request.roomLink = null
  request.clientAddress = undefined
  answerError(error, request, reply)
  logAccess(request, reply)
  request.server.metrics.recordResponse(request, reply)
}

/** Unknown paths get a 404 page; every error an error page (docs/design.md "Errors"). */
export default fp((app, _options, done) => {
  app.decorateRequest('problem', null)
  app.setNotFoundHandler((request, reply) => sendProblem(request, reply, {
    status: 404, code: 'NOT_FOUND', message: 'There is no page here. Room links look like /rooms/<room GUID> or /rooms/new.'
  }))
  app.setErrorHandler(answerError)
  done()
}, { name: 'errors', dependencies: ['pages'] })
