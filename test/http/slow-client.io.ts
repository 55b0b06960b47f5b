// A client that dribbles its headers, sends none, or idles on keep-alive is dropped
// (docs/design.md "Other surfaces": within 30 s).
import { connect, type AddressInfo, type Socket } from 'node:net'
import t, { type Test } from 'tap'
import { createApp, DEFAULT_TIMEOUTS, type Timeouts } from '../../src/http/app.ts'
import { config } from '../fixtures/app.ts'

// Small, so that the tests wait fractions of a second; production's are checked by value below.
const TIMEOUTS: Timeouts = { headersMs: 400, keepAliveMs: 300, checkIntervalMs: 50 }
// Far beyond every timeout above: a socket still open by then was never dropped.
const DEADLINE_MS = 5000

t.test('production timeouts drop a silent client well within 30 s', async t => {
  t.same(DEFAULT_TIMEOUTS, { headersMs: 10_000, keepAliveMs: 5_000, checkIntervalMs: 1_000 })
  t.ok(DEFAULT_TIMEOUTS.headersMs + DEFAULT_TIMEOUTS.checkIntervalMs < 30_000)
})

/** A socket connected to a freshly listening service with the small timeouts. */
async function connected (t: Test): Promise<Socket> {
  const service = await createApp({ config: config(), timeouts: TIMEOUTS })
  t.teardown(() => service.close())
  await service.listen({ host: '127.0.0.1', port: 0 })
  const { port } = service.server.address() as AddressInfo
  const socket = connect(port, '127.0.0.1')
  socket.setEncoding('utf8')
  return socket
}

/** Resolves when the server closes the socket, with what it said; fails the wait after DEADLINE_MS. */
async function closedByServer (socket: Socket): Promise<{ answer: string, elapsedMs: number }> {
  const started = Date.now()
  let answer = ''
  socket.on('data', (chunk: string) => { answer += chunk })
  return new Promise((resolve, reject) => {
    const guard = setTimeout(() => { socket.destroy(); reject(new Error(`the server did not close the connection within ${DEADLINE_MS} ms`)) }, DEADLINE_MS)
    socket.on('error', reject)
    socket.on('close', () => { clearTimeout(guard); resolve({ answer, elapsedMs: Date.now() - started }) })
  })
}

t.test('one header byte every 50 ms: the connection is closed after the headers timeout', async t => {
  const socket = await connected(t)
  const request = 'GET /rooms/new HTTP/1.1\r\nHost: localhost\r\nX-Slow: ' + 'a'.repeat(200)
  let sent = 0
  const timer = setInterval(() => { if (sent < request.length) socket.write(request.charAt(sent++)) }, 50)
  const { answer, elapsedMs } = await closedByServer(socket)
  clearInterval(timer)
  t.ok(elapsedMs >= TIMEOUTS.headersMs - 50, `not before the headers timeout (${elapsedMs} ms)`)
  t.ok(sent < request.length, 'the headers were never completed')
  t.match(answer, /^(HTTP\/1\.1 408|$)/, 'answered 408 Request Timeout or simply closed')
})

t.test('a connection that never sends a byte is closed after the headers timeout too', async t => {
  const socket = await connected(t)
  const { elapsedMs } = await closedByServer(socket)
  t.ok(elapsedMs >= TIMEOUTS.headersMs - 50, `not before the headers timeout (${elapsedMs} ms)`)
})

t.test('a keep-alive connection that goes quiet after an answer is closed after the keep-alive timeout', async t => {
  const socket = await connected(t)
  const closed = closedByServer(socket)
  socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n')
  const { answer } = await closed
  t.match(answer, /^HTTP\/1\.1 200 /, 'the request was answered, then the idle socket closed')
})
