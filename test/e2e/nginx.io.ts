// The shipped nginx front (deploy/nginx), for real: nginx with nginx.conf and
// pcwp-proxy.conf in front of two loopback servers that answer with the
// headers they received. Only the listen ports and the upstream list are
// rewritten for the test; everything else is the files as shipped.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { createAddressMatcher, parseAddressRange } from '../../src/net/address-ranges.ts'
import { resolveClientAddress } from '../../src/negotiate/client-address.ts'
import { get } from '../fixtures/service.ts'
import { listeningSocket, NGINX, SKIP_WITHOUT_NGINX, waitForNginx } from '../fixtures/nginx.ts'

const NGINX_DIR = new URL('../../deploy/nginx/', import.meta.url)
const readShipped = (name: string) => readFile(new URL(name, NGINX_DIR), 'utf8')

interface Echoed { readonly url: string, readonly headers: Record<string, string[]> }

interface Echo { readonly server: Server, readonly port: number, readonly seen: Echoed[] }

/** An upstream that answers every request with 200 and the request line and headers it received, as JSON. */
async function startEcho (): Promise<Echo> {
  const seen: Echoed[] = []
  const server = createServer((req, res) => {
    const echoed = { url: req.url ?? '', headers: req.headersDistinct as Record<string, string[]> }
    seen.push(echoed)
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(echoed))
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return { server, port: (server.address() as AddressInfo).port, seen }
}

t.test('nginx with the shipped configuration', { skip: SKIP_WITHOUT_NGINX }, async t => {
  t.ok(NGINX, 'nginx is installed')
  const echoes = await Promise.all([startEcho(), startEcho()])
  for (const echo of echoes) t.teardown(() => { echo.server.close() })

  const dir = await mkdtemp(join(tmpdir(), 'pcwp-nginx-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const sockets = await Promise.all([listeningSocket(), listeningSocket()])
  const [internalPort, externalPort] = sockets.map(socket => socket.port) as [number, number]
  const conf = (await readShipped('nginx.conf'))
    .replace('listen 8080;', `listen 127.0.0.1:${internalPort};`)
    .replace('listen 8081;', `listen 127.0.0.1:${externalPort};`)
  t.not(conf.indexOf(`:${externalPort};`), -1, 'both listeners were found in the configuration')
  const upstream = (await readShipped('pcwp-upstream.conf'))
    .replace('server pcwp-links:8080;', echoes.map(echo => `server 127.0.0.1:${echo.port};`).join('\n    '))
  t.not(upstream.indexOf(`:${echoes[1].port};`), -1, 'the upstream list was found')
  await Promise.all([
    writeFile(join(dir, 'nginx.conf'), conf),
    writeFile(join(dir, 'pcwp-upstream.conf'), upstream),
    writeFile(join(dir, 'pcwp-proxy.conf'), await readShipped('pcwp-proxy.conf'))
  ])
  // The sockets become nginx's descriptors 3 and 4; this process then lets go of its copies.
  const proxy = spawn(NGINX as string, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log'),
    '-g', `daemon off; pid ${join(dir, 'nginx.pid')};`], {
    stdio: ['ignore', 'ignore', 'inherit', ...sockets.map(socket => socket.fd)],
    env: { ...process.env, NGINX: '3;4;' }
  })
  for (const socket of sockets) socket.close()
  t.teardown(async () => {
    const exited = once(proxy, 'exit')
    proxy.kill('SIGTERM')
    await exited
  })
  await waitForNginx(proxy, async () => readFile(join(dir, 'error.log'), 'utf8').catch(() => '(no error log)'),
    [internalPort, externalPort].map(port => ({
      what: `nginx to answer on port ${String(port)}`, answers: async () => (await get(port, '/healthz')).status
    })))

  const echoed = async (
    t: Test,
    port: number,
    path: string,
    localAddress: string,
    headers: Record<string, string> = {}
  ) => {
    const answer = await get(port, path, { localAddress, headers })
    t.equal(answer.status, 200, `${path} is passed on`)
    return JSON.parse(answer.body) as Echoed
  }
  const forged = {
    host: 'links.example.com:8443',
    'x-network-zone': 'internal',
    'x-forwarded-for': '10.1.1.1',
    'x-forwarded-proto': 'https',
    'x-forwarded-host': 'evil.example',
    forwarded: 'for=10.1.1.1;proto=https'
  }

  t.test('each listener overwrites what the client sent', async t => {
    for (const [port, zone, localAddress] of [
      [internalPort, 'internal', '127.0.0.5'], [externalPort, 'external', '127.0.0.6']
    ] as const) {
      const { headers } = await echoed(t, port, '/rooms/new', localAddress, forged)
      t.same(headers['x-network-zone'], [zone], `the ${zone} listener says ${zone}, once`)
      t.same(headers['x-forwarded-for'], [localAddress], 'X-Forwarded-For is the address nginx saw, not the chain the client sent')
      t.same(headers['x-forwarded-proto'], ['http'], 'X-Forwarded-Proto is the scheme nginx served')
      t.same(headers.host, ['links.example.com:8443'], 'Host is the one the reader used, port included')
      t.same(headers['x-forwarded-host'], ['links.example.com:8443'], 'so is X-Forwarded-Host')
      t.equal(headers.forwarded, undefined, "a client's Forwarded is dropped")
      const forwarded = { forwarded: headers.forwarded?.[0], xForwardedFor: headers['x-forwarded-for']?.[0] }
      const nginxOnly = createAddressMatcher([parseAddressRange('127.0.0.1')])
      const client = resolveClientAddress({ peer: '127.0.0.1', ...forwarded }, nginxOnly)
      t.equal(client, localAddress, 'the service, trusting nginx, finds the reader')
    }
    const { headers } = await echoed(t, externalPort, '/links', '127.0.0.7')
    t.same(headers['x-network-zone'], ['external'], 'the zone without anything forged')
    t.same(headers.host, [`127.0.0.1:${externalPort}`])
  })

  t.test('the operations endpoints are served inside only', async t => {
    const paths = ['/metrics', '/readyz', '/metrics/', '/readyz/', '/metrics?x=1', '/readyz/x', '/metricsx',
      '/metrics;x', '//metrics', '/./readyz', '/%6detrics', '/%72eadyz']
    const before = echoes.reduce((sum, echo) => sum + echo.seen.length, 0)
    for (const path of paths) {
      t.equal((await get(externalPort, path, { localAddress: '127.0.0.6' })).status, 404, `outside: ${path} is 404`)
    }
    t.equal(echoes.reduce((sum, echo) => sum + echo.seen.length, 0), before, 'none of them reached the service')
    for (const path of ['/metrics', '/readyz']) {
      t.equal((await echoed(t, internalPort, path, '127.0.0.5')).url, path, `inside: ${path} is passed on`)
    }
    for (const path of ['/rooms/new', '/links', '/openapi.json', '/healthz']) {
      await echoed(t, externalPort, path, '127.0.0.6')
    }
  })

  t.test('requests are spread over both replicas', async t => {
    for (let i = 0; i < 4; i++) await echoed(t, internalPort, '/rooms/new', '127.0.0.5')
    for (const [i, echo] of echoes.entries()) t.ok(echo.seen.length > 0, `replica ${i + 1} served requests`)
  })
})
