// Known attack shapes, over inject and over raw sockets (SECURITY.md).
import { connect, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import t, { type Test } from 'tap'
import { app, EXTERNAL_BASE, INTERNAL_BASE, ROOM } from '../fixtures/app.ts'

const BASES = [INTERNAL_BASE, EXTERNAL_BASE]
const onBase = (location: string | string[] | undefined) => location === undefined ||
  BASES.some(base => typeof location === 'string' && location.startsWith(base))

t.test('open-redirect payloads never move the Location off the configured bases', async t => {
  const service = await app()
  t.teardown(() => service.close())
  const urls = [
    '//evil.example/rooms/new', '/rooms//evil.example', '/rooms/%2F%2Fevil.example', '/rooms/%2f%2fevil.example%2f',
    '/rooms/%5C%5Cevil.example', '/rooms/\\\\evil.example', '/rooms/..%2F..%2Fevil', '/rooms/%09//evil.example',
    `/rooms?uri=${encodeURIComponent('https://evil.example/')}`, `/rooms?uri=${encodeURIComponent('//evil.example')}`,
    `/rooms?uri=${encodeURIComponent(`ma-chan://evil.example/${ROOM}`)}&uri=https://evil.example`,
    `/rooms/new?lang=${encodeURIComponent('//evil.example')}`, `/rooms/new?lang=${encodeURIComponent('en-US&id=x')}`,
    `/rooms/${ROOM}?lang=de-DE%26id%3DEVIL`, `/rooms/${ROOM}?id=EVIL&clientlang=xx-XX&redirect=https://evil.example`,
    `/rooms/${encodeURIComponent(`ma-chan://evil.example/${ROOM}?next=https://evil.example`)}`,
    `/rooms/${encodeURIComponent(`ｍａ-chan://evil.example/${ROOM}`)}`, `/rooms/${encodeURIComponent(`ma-chan://evil.example%2f@x/${ROOM}`)}`,
    `/rooms/${ROOM}%00`, `/rooms/${ROOM}%0d%0aLocation:%20https://evil.example`
  ]
  const headerSets: Record<string, string>[] = [
    {}, { host: 'evil.example' }, { 'x-forwarded-host': 'evil.example' }, { 'x-forwarded-proto': 'javascript' },
    { 'x-original-url': '//evil.example' }, { 'x-rewrite-url': '//evil.example' },
    { forwarded: 'host=evil.example;proto=https' }
  ]
  for (const url of urls) {
    for (const headers of headerSets) {
      const res = await service.inject({ url, headers, remoteAddress: '127.0.0.1' })
      t.ok(res.statusCode < 500, `${url} ${JSON.stringify(headers)}: ${res.statusCode}`)
      t.ok(onBase(res.headers.location), `${url} ${JSON.stringify(headers)}: ${String(res.headers.location)}`)
      t.notMatch(JSON.stringify(res.headers), /evil/i, 'no header mentions the payload')
    }
  }
})

t.test('hundreds of Accept-Language ranges and malformed X-Forwarded-For', async t => {
  const service = await app()
  t.teardown(() => service.close())
  const ranges = Array.from({ length: 500 }, (_, i) => `x${String(i % 26)}-y;q=0.${String(i % 9 + 1)}`).join(',') +
    ',de-DE;q=0.001'
  const res = await service.inject({
    url: '/rooms/new', headers: { 'accept-language': ranges }, remoteAddress: '203.0.113.9'
  })
  t.equal(res.statusCode, 302)
  t.equal(res.headers.location, `${EXTERNAL_BASE}&clientlang=en-US`, 'ranges past the first 64 are not read')
  for (const xff of [
    '', ',,,', 'a,,b', '999.1.1.1', '10.0.0.1:80', '[::1]', `${'10.0.0.1, '.repeat(1500)}10.0.0.2`, 'unknown',
    '10.0.0.1\t', '-1'
  ]) {
    const forwarded = await service.inject({
      url: '/rooms/new', headers: { 'x-forwarded-for': xff }, remoteAddress: '127.0.0.1'
    })
    t.equal(forwarded.statusCode, 302, JSON.stringify(xff.slice(0, 30)))
    t.ok(onBase(forwarded.headers.location))
  }
})

interface RawServer { port: number, send: (data: string | Buffer, waitMs?: number) => Promise<string> }

async function rawServer (t: Test): Promise<RawServer> {
  const service = await app()
  t.teardown(() => service.close())
  await service.listen({ host: '127.0.0.1', port: 0 })
  const { port } = service.server.address() as AddressInfo
  return {
    port,
    // Sends raw bytes and collects everything until the server closes or waitMs passes.
    send: async (data, waitMs = 1500) => new Promise(resolve => {
      const socket = connect(port, '127.0.0.1')
      let answer = ''
      socket.setEncoding('latin1')
      socket.on('data', (chunk: string) => { answer += chunk })
      const done = () => { clearTimeout(timer); socket.destroy(); resolve(answer) }
      const timer = setTimeout(done, waitMs)
      socket.on('close', done)
      socket.on('error', done)
      socket.write(data)
    })
  }
}

t.test('raw socket: CRLF and NUL injection, oversized headers, smuggling shapes', async t => {
  const server = await rawServer(t)
  const crlfInPath = await server.send('GET /rooms/new%0d%0aSet-Cookie:%20x=1 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n')
  t.match(crlfInPath, /^HTTP\/1\.1 40[04]/, 'an encoded CRLF in the path is just a bad room')
  t.notMatch(crlfInPath, /\r\nSet-Cookie/i, 'and never becomes a header')
  const rawCrlf = await server.send('GET /rooms/new\r\nSet-Cookie: x=1 HTTP/1.1\r\nHost: a\r\n\r\n')
  t.notMatch(rawCrlf, /Set-Cookie/i, 'a raw CRLF in the request line injects no response header')
  const nul = await server.send('GET /rooms/new\u0000x HTTP/1.1\r\nHost: a\r\n\r\n')
  t.match(nul, /^HTTP\/1\.1 400/, 'a NUL in the request line is refused')
  const nulHeader = await server.send('GET /rooms/new HTTP/1.1\r\nHost: a\r\nAccept-Language: de\u0000evil\r\n\r\n')
  t.match(nulHeader, /^HTTP\/1\.1 400/, 'a NUL in a header value is refused')
  const huge = await server.send(`GET /rooms/new HTTP/1.1\r\nHost: a\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`)
  t.match(huge, /^HTTP\/1\.1 431/, 'oversized headers: 431')
  const clte = await server.send('GET /rooms/new HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /rooms/smuggled HTTP/1.1\r\nHost: a\r\n\r\n')
  t.match(clte, /^HTTP\/1\.1 400/, 'Content-Length with Transfer-Encoding: refused')
  t.notMatch(clte, /smuggled|404/, 'and the smuggled request is not answered')
  const twoLengths = await server.send('GET /rooms/new HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nContent-Length: 40\r\n\r\n')
  t.match(twoLengths, /^HTTP\/1\.1 400/, 'conflicting Content-Length headers: refused')
  const obfuscatedTe = await server.send('GET /rooms/new HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\nGET /rooms/smuggled HTTP/1.1\r\nHost: a\r\n\r\n')
  t.same(obfuscatedTe.match(/HTTP\/1\.1 \d{3}/g), ['HTTP/1.1 302', 'HTTP/1.1 400'], 'an unknown transfer coding: what follows is never a second request, only a refusal')
  t.notMatch(obfuscatedTe, /HTTP\/1\.1 404/, 'the smuggled request is never routed')
  const pipelined = await server.send(`GET /rooms/new HTTP/1.1\r\nHost: a\r\n\r\nGET /rooms/${ROOM} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`)
  t.equal(pipelined.match(/HTTP\/1\.1 302/g)?.length, 2, 'honest pipelining still works')
})

t.test('many idle connections do not stop the service', async t => {
  const server = await rawServer(t)
  const idle: Socket[] = []
  for (let i = 0; i < 300; i++) idle.push(connect(server.port, '127.0.0.1'))
  t.teardown(() => { for (const socket of idle) socket.destroy() })
  await Promise.all(idle.map(async socket => new Promise(resolve => socket.once('connect', resolve))))
  const answer = await server.send('GET /rooms/new HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n')
  t.match(answer, /^HTTP\/1\.1 302/, 'a real request is answered while 300 connections sit idle')
})
