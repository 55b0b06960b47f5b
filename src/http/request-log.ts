import { LogController, type FastifyReply, type FastifyRequest } from 'fastify'
import type { Metrics } from './metrics.js'

const PROBES = new Set(['/healthz', '/readyz', '/metrics'])

/**
 * Accounts for every finished request in one place: one concise log line
 * (instead of fastify's pair of "incoming request" / "request completed"
 * lines) and its metrics. fastify calls this for every response anyway, so
 * counting here costs no hook of its own: an onResponse hook was a tenth of a
 * redirect's CPU time in the benchmark. Probes and scrapes log at debug so
 * that they do not drown the redirects.
 */
export class RequestLogController extends LogController {
  readonly #metrics: Metrics

  constructor (metrics: Metrics) {
    super()
    this.#metrics = metrics
  }

  override incomingRequest (): void {
    // Nothing: the line is written once, when the response is complete.
  }

  override requestCompleted (_error: unknown, request: FastifyRequest, reply: FastifyReply): void {
    const status = reply.statusCode
    const ms = reply.elapsedTime
    this.#metrics.recordResponse(request.redirect, request.problem, status, ms / 1000)
    const line = {
      method: request.method,
      url: request.url,
      status,
      ms: Math.round(ms * 100) / 100,
      ...request.redirect
    }
    if (PROBES.has(request.url)) request.log.debug(line, 'probe')
    else request.log.info(line, request.redirect === null ? 'request' : 'redirect')
  }
}
