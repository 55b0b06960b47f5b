import { LogController, type FastifyReply, type FastifyRequest } from 'fastify'

const PROBES = new Set(['/healthz', '/readyz', '/metrics'])

/**
 * One concise line per request, written when the response is finished,
 * instead of fastify's pair of "incoming request" / "request completed"
 * lines. Probes and scrapes log at debug so that they do not drown the redirects.
 */
export class RequestLogController extends LogController {
  override incomingRequest (): void {
    // Nothing: the line is written once, when the response is complete.
  }

  override requestCompleted (_error: unknown, request: FastifyRequest, reply: FastifyReply): void {
    const line = {
      reqId: request.id,
      method: request.method,
      url: request.url,
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 100) / 100,
      ...request.redirect
    }
    if (PROBES.has(request.url)) request.log.debug(line, 'probe')
    else request.log.info(line, request.redirect === null ? 'request' : 'redirect')
  }
}
