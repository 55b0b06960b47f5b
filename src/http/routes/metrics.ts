import type { FastifyPluginCallback } from 'fastify'
import { metricsSchema } from '../schemas.ts'

/** GET /metrics, Prometheus text format (requests are counted by the metrics plugin). */
const metricsRoute: FastifyPluginCallback = (app, _options, done) => {
  const { registry } = app.metrics
  app.get('/metrics', { schema: metricsSchema, config: { kind: 'metrics' } }, async (_request, reply) =>
    reply.type(registry.contentType).header('cache-control', 'no-store').send(await registry.metrics()))
  done()
}

export default metricsRoute
