// The reference: a bare fastify route answering a fixed 302, from the same node_modules.
// With BARE_LOG=1 it also writes one pino line per request through pino's
// asynchronous destination, as the service must (issue 6): what that
// requirement alone costs on the machine, next to everything else the service does.
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify'
import { pino } from 'pino'

const LOCATION = 'https://chat.example.com/PersistentChat/RM/?clientlang=en-US'
const log = process.env.BARE_LOG === '1' ? pino(pino.destination({ sync: false })) : undefined

function answer (request: FastifyRequest, reply: FastifyReply): FastifyReply {
  log?.info({ reqId: request.id, method: request.method, url: request.url, status: 302 }, 'redirect')
  return reply.redirect(LOCATION, 302)
}

const app = Fastify()
app.get('/rooms/*', answer)
app.get('/rooms', answer)
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) })
process.once('SIGTERM', () => { void app.close().then(() => process.exit(0)) })
