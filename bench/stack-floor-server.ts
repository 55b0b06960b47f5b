// The stack floor: a fastify route answering a fixed 302 with the service's
// packages used the same idiomatic way, and no MS-OCGCWEB work. @fastify/helmet
// registered globally; fastify's own pino logger writing one access line per
// request (the service's access-line fields) through
// pino.destination({ sync: false }) to standard output, which the bench sends
// to a file; a prom-client counter and histogram per request, with prom-client's
// default metrics as the service has them; Cache-Control and Vary on the
// redirect. Whatever the service costs beyond this is its own work.
// For the room-map scenario, the rooms in FLOOR_GONE_ROOMS (canonical GUIDs)
// get a fixed 410 page instead, the bytes of FLOOR_GONE_PAGE (a retired
// room's page as the service serves it): the same stack's cost of that mix.
import { readFileSync } from 'node:fs'
import helmet from '@fastify/helmet'
import Fastify, { LogController, type FastifyReply, type FastifyRequest } from 'fastify'
import { pino } from 'pino'
import { collectDefaultMetrics, Counter, Histogram, register } from 'prom-client'

const LOCATION = 'https://chat.example.com/PersistentChat/RM/?clientlang=en-US'
const GONE_ROOMS = (process.env.FLOOR_GONE_ROOMS ?? '').split(',').filter(room => room !== '')
const GONE_PAGE = process.env.FLOOR_GONE_PAGE === undefined ? '' : readFileSync(process.env.FLOOR_GONE_PAGE, 'utf8')
// The service's duration buckets: 0.0005 … 1 s, 0.25 s among them.
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1]

collectDefaultMetrics()
const answers = new Counter({
  name: 'floor_redirects_total', help: 'Answers of the floor route.', labelNames: ['kind', 'zone', 'status', 'outcome']
})
const durations = new Histogram({
  name: 'floor_http_request_duration_seconds', help: 'Time to answer.', labelNames: ['route'], buckets: BUCKETS
})

const app = Fastify({
  loggerInstance: pino(pino.destination({ sync: false })),
  // fastify's own pair of request lines gives way to the one access line below.
  logController: new LogController({ disableRequestLogging: true })
})
await app.register(helmet)

app.addHook('onResponse', (request, reply, done) => {
  const status = String(reply.statusCode)
  answers.inc({ kind: 'room', zone: 'internal', status, outcome: 'pcwp' })
  durations.observe({ route: 'room' }, reply.elapsedTime / 1000)
  request.log.info({
    method: request.method,
    url: request.url,
    status: reply.statusCode,
    ms: Math.round(reply.elapsedTime * 100) / 100,
    kind: 'room',
    zone: 'internal',
    lang: 'en-US',
    outcome: 'pcwp',
    room: '61e092c7-89bb-4dc4-a3f5-8c23fa940fab',
    client: request.ip
  }, 'request completed')
  done()
})

function redirect (_request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return reply.header('cache-control', 'no-store').header('vary', 'Accept-Language').redirect(LOCATION, 302)
}

function goneOrRedirect (request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const url = request.url.toUpperCase()
  if (GONE_ROOMS.some(room => url.includes(room))) {
    return reply.code(410)
      .header('cache-control', 'no-store')
      .header('vary', 'Accept, Accept-Language')
      .header('content-language', 'en-US')
      .type('text/html; charset=utf-8')
      .send(GONE_PAGE)
  }
  return redirect(request, reply)
}

// Without gone rooms, the plain 302 route, as in every other scenario.
const answer = GONE_ROOMS.length === 0 ? redirect : goneOrRedirect
app.get('/rooms/*', answer)
app.get('/rooms', answer)
app.get('/metrics', async (_request, reply) => reply.type(register.contentType).send(await register.metrics()))
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) })
process.once('SIGTERM', () => { void app.close().then(() => process.exit(0)) })
