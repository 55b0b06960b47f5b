// Bare fastify answering a fixed 302, from the same node_modules: no logger,
// no plugins, no metrics. Shown next to the stack floor for information.
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify'

const LOCATION = 'https://chat.example.com/PersistentChat/RM/?clientlang=en-US'

function redirect (_request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return reply.redirect(LOCATION, 302)
}

const app = Fastify()
app.get('/rooms/*', redirect)
app.get('/rooms', redirect)
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) })
process.once('SIGTERM', () => { void app.close().then(() => process.exit(0)) })
