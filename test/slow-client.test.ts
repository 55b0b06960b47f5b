// A client that dribbles its headers, or sends none, is dropped well within 30 s (DESIGN.md "Other surfaces").
import { connect, type AddressInfo, type Socket } from 'node:net'
import t, { type Test } from 'tap'
import { HEADERS_TIMEOUT_MS } from '../src/http/app.js'
import { app } from './fixtures/app.js'

// Both cases wait out the same timeout: side by side.
t.jobs = 2

/** A socket connected to a freshly listening service. */
async function connected (t: Test): Promise<Socket> {
  const service = await app()
  t.teardown(() => service.close())
  await service.listen({ host: '127.0.0.1', port: 0 })
  const { port } = service.server.address() as AddressInfo
  return connect(port, '127.0.0.1')
}

t.test('one header byte per second: the connection is closed after the headers timeout', async t => {
  const socket = await connected(t)
  const request = 'GET /rooms/new HTTP/1.1\r\nHost: localhost\r\nX-Slow: ' + 'a'.repeat(60)
  let sent = 0
  let answer = ''
  socket.setEncoding('utf8')
  socket.on('data', (chunk: string) => { answer += chunk })
  const started = Date.now()
  const timer = setInterval(() => { if (sent < request.length) socket.write(request.charAt(sent++)) }, 1000)
  // Bounded: if the server never drops it, the test fails at 30 s instead of hanging.
  const guard = setTimeout(() => socket.destroy(new Error('not dropped within 30 s')), 30_000)
  const error = await new Promise<Error | undefined>(resolve => {
    socket.on('error', resolve)
    socket.on('close', () => { resolve(undefined) })
  })
  clearInterval(timer)
  clearTimeout(guard)
  const elapsed = Date.now() - started
  t.equal(error, undefined, 'the server closed the connection')
  t.ok(elapsed >= HEADERS_TIMEOUT_MS - 1000, `not before the headers timeout (${elapsed} ms)`)
  t.ok(sent < request.length, 'the headers were never completed')
  t.match(answer, /^(HTTP\/1\.1 408|$)/, 'answered 408 Request Timeout or simply closed')
})

t.test('a connection that never sends a byte is closed after the headers timeout too', async t => {
  const socket = await connected(t)
  const started = Date.now()
  const guard = setTimeout(() => socket.destroy(new Error('not dropped within 30 s')), 30_000)
  const error = await new Promise<Error | undefined>(resolve => {
    socket.on('error', resolve)
    socket.on('close', () => { resolve(undefined) })
    socket.resume()
  })
  clearTimeout(guard)
  t.equal(error, undefined, 'the server closed the connection')
  t.ok(Date.now() - started >= HEADERS_TIMEOUT_MS - 1000, 'not before the headers timeout')
})
