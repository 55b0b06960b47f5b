import type { FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Metrics } from '../../metrics.ts'

/** The metrics as the HTTP layer counts into them: an answer read off its request and reply. */
export interface HttpMetrics extends Metrics {
  /** Counts one answered request; the hook below calls it, and so does a framework error's answer. */
  readonly recordResponse: (request: FastifyRequest, reply: FastifyReply) => void
}

declare module 'fastify' {
  interface FastifyInstance {
    readonly metrics: HttpMetrics
  }
}

export interface MetricsPluginOptions {
  readonly metrics: Metrics
}

/** Decorates the app with its metrics and counts every answered request. */
export default fp<MetricsPluginOptions>((app, { metrics }, done) => {
  const recordResponse = (request: FastifyRequest, reply: FastifyReply): void => {
    metrics.recordAnswer({
      link: request.roomLink,
      status: reply.statusCode,
      problem: request.problem,
      seconds: reply.elapsedTime / 1000
    })
  }
  app.decorate('metrics', { ...metrics, recordResponse })
  app.addHook('onResponse', (request, reply, next) => {
    recordResponse(request, reply)
    next()
  })
  done()
}, { name: 'metrics', dependencies: ['errors'] })
