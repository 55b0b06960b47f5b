// Information only: a bare fastify route answering a fixed 302, from the same node_modules.
import Fastify from 'fastify'

const LOCATION = 'https://chat.example.com/PersistentChat/RM/?clientlang=en-US'

const app = Fastify()
app.get('/rooms/*', (_request, reply) => reply.redirect(LOCATION, 302))
app.get('/rooms', (_request, reply) => reply.redirect(LOCATION, 302))
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) })
process.once('SIGTERM', () => { void app.close().then(() => process.exit(0)) })
