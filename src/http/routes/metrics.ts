import type { FastifyPluginCallback } from 'fastify'
import { metricsSchema } from '../schemas.ts'

/** GET /metrics, Prometheus text format (requests are counted by the metrics plugin). */
const metricsRoute: FastifyPluginCallback = (app, _options, done) => {
  const { registry } = app.metrics
  // Scrapes are never rate limited (PCWP_RATE_LIMIT_PER_MIN): the scraper must always see the truth.
  const config = { kind: 'metrics', rateLimit: false } as const
  app.get('/metrics', { schema: metricsSchema, config }, async (_request, reply) =>
    reply.type(registry.contentType).header('cache-control', 'no-store').send(await registry.metrics()))
  done()
}

export default metricsRoute
