// The reference: a bare fastify route answering a fixed 302, from the same node_modules.
// With BARE_LOG=1 the route is accounted for as the service's requests are
// (src/http/request-log.ts): one access line through the service's logger,
// and the request counted in its metrics. That is the least the issue's
// logging and metrics requirements cost, next to everything else the service does.
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify'

const LOCATION = 'https://chat.example.com/PersistentChat/RM/?clientlang=en-US'

function redirect (_request: FastifyRequest, reply: FastifyReply): void {
  void reply.redirect(LOCATION, 302)
}

const app = Fastify()
let answer = redirect
if (process.env.BARE_LOG === '1') {
  // Imported only here, so that the bare server loads nothing but fastify.
  const [{ createMetrics }, { createRequestLog }, { createLogger }] = await Promise.all([
    import('../src/http/metrics.js'), import('../src/http/request-log.js'), import('../src/log-destination.js')
  ])
  answer = createRequestLog(createLogger('info'), createMetrics(302)).accounted(redirect)
}
app.get('/rooms/*', answer)
app.get('/rooms', answer)
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) })
process.once('SIGTERM', () => { void app.close().then(() => process.exit(0)) })
