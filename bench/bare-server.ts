// The reference: a bare fastify route answering a fixed 302, from the same node_modules.
import Fastify from 'fastify'

const app = Fastify()
const answer = (_request: unknown, reply: { redirect: (url: string, code: number) => unknown }) => reply.redirect('https://chat.example.com/PersistentChat/RM/?clientlang=en-US', 302)
app.get('/rooms/*', answer)
app.get('/rooms', answer)
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) })
process.stdout.write('Server listening\n')
process.once('SIGTERM', () => { void app.close().then(() => process.exit(0)) })
