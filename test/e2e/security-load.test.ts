// Load and faults, bounded in time and requests, loopback only (SECURITY.md).
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { waitFor } from '../fixtures/wait.ts'
import { Pool } from 'undici'
import { createApp } from '../../src/http/app.ts'
import { createServerInfoOverride } from '../../src/serverinfo/override.ts'
import { app, config, EXTERNAL_BASE, INTERNAL_BASE, ROOM, STANDARD_ENV } from '../fixtures/app.ts'
import { startService } from '../fixtures/service.ts'
import { hang, memoryLogger, reset, serve, startUpstream, status, xccosReply } from '../fixtures/upstream.ts'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

function heapMiB (): number {
  gc()
  gc()
  return process.memoryUsage().heapUsed / 1024 / 1024
}

t.test('a flood of unique Accept-Language values keeps memory bounded (every cache has a cap)', async t => {
  // Over a real socket: inject() itself retains memory per request.
  const service = await app()
  t.teardown(() => service.close())
  await service.listen({ host: '127.0.0.1', port: 0 })
  const pool = new Pool(`http://127.0.0.1:${(service.server.address() as AddressInfo).port}`, { connections: 8 })
  t.teardown(() => pool.close())
  const flood = async (from: number, count: number) => {
    await Promise.all(Array.from({ length: 8 }, async (_, worker) => {
      for (let i = from + worker; i < from + count; i += 8) {
        const res = await pool.request({ method: 'GET', path: `/rooms/${ROOM}`, headers: { 'accept-language': `x${String(i)}-${'q'.repeat(980)}, de;q=0.${String(i % 9 + 1)}` } })
        await res.body.dump()
      }
    }))
  }
  // Values of about 1,000 characters, short enough to be remembered (1 KiB at most): were
  // a cache unbounded, the 3,000 measured (more than a cache holds) would add some 3 MB.
  await flood(0, 2500) // fills the caches (2,000 entries) and warms up
  const before = heapMiB()
  await flood(2500, 3000)
  const after = heapMiB()
  t.ok(after - before < 1.5, `heap grew ${(after - before).toFixed(1)} MiB over 3,000 more unique values`)
  const res = await service.inject({
    url: '/rooms/new', remoteAddress: '203.0.113.9', headers: { 'accept-language': 'fr-CA' }
  })
  t.equal(res.headers.location, `${EXTERNAL_BASE}&clientlang=fr-FR`, 'and answers stay right')
})

t.test('redirects never fail while the getserverinfo upstream flips between good, failing and hanging', async t => {
  const OVERRIDE = 'https://chatadmin.contoso.com/rooms/'
  const behaviours = [serve(xccosReply(`roomManagementUrl="${OVERRIDE}"`)), status(500), hang, reset, serve('<xccos')]
  const upstream = await startUpstream(behaviours[0] as Parameters<typeof startUpstream>[0])
  t.teardown(upstream.close)
  let flip = 0
  const flipper = setInterval(() => {
    upstream.behave(behaviours[++flip % behaviours.length] as Parameters<typeof startUpstream>[0])
  }, 25)
  t.teardown(() => { clearInterval(flipper) })
  const { logger } = memoryLogger()
  const override = createServerInfoOverride({
    config: { url: new URL(upstream.url), refreshMs: 20, timeoutMs: 40, maxStaleMs: 60 },
    allowHttp: false,
    logger
  })
  override.start()
  t.teardown(override.stop)
  const service = await createApp({ config: config(), override })
  t.teardown(() => service.close())
  await service.listen({ host: '127.0.0.1', port: 0 })
  const pool = new Pool(`http://127.0.0.1:${(service.server.address() as AddressInfo).port}`, { connections: 16 })
  t.teardown(() => pool.close())

  const bases = [OVERRIDE, INTERNAL_BASE, EXTERNAL_BASE]
  const seen = new Set<string>()
  let failures = 0
  // The load lasts until the upstream has been asked enough times (its refresh loop runs
  // beside the requests, slower on a loaded machine), and at most 30 s.
  const started = Date.now()
  const deadline = started + 30_000
  const enough = () => upstream.requests.length > 10 && Date.now() > started + 1000
  await Promise.all(Array.from({ length: 16 }, async (_, worker) => {
    for (let i = 0; i < 3000 && !enough() && Date.now() < deadline; i++) {
      const res = await pool.request({
        method: 'GET',
        path: `/rooms/${ROOM}`,
        headers: { 'x-forwarded-for': worker % 2 === 0 ? '10.1.1.1' : '203.0.113.9' }
      })
      await res.body.dump()
      const location = String(res.headers.location)
      const base = bases.find(b => location.startsWith(b))
      if (res.statusCode !== 302 || base === undefined) failures++
      else seen.add(base)
    }
  }))
  t.equal(failures, 0, 'every redirect succeeded')
  t.ok(upstream.requests.length > 10, `the upstream was asked ${upstream.requests.length} times meanwhile`)
  t.ok(seen.size >= 2, `redirects used the override and the provisioned URLs as it came and went (${[...seen].join(', ')})`)
})

t.test('SIGTERM in the middle of a load run: in-flight requests complete, the process exits 0', async t => {
  const service = await startService({ ...STANDARD_ENV })
  t.teardown(service.stop)
  const pool = new Pool(`http://127.0.0.1:${service.port}`, { connections: 8 })
  t.teardown(() => pool.close())
  const outcomes = new Map<string, number>()
  const count = (key: string) => outcomes.set(key, (outcomes.get(key) ?? 0) + 1)
  const run = { stopping: false }
  const load = Promise.all(Array.from({ length: 8 }, async () => {
    for (let i = 0; i < 2000 && !(run.stopping && i > 0 && (outcomes.get('error') ?? 0) > 0); i++) {
      try {
        const res = await pool.request({
          method: 'GET', path: `/rooms/${ROOM}`, headers: { 'x-forwarded-for': '10.1.1.1' }
        })
        await res.body.dump()
        count(String(res.statusCode))
      } catch {
        count('error') // connection refused or closed once the server stopped
        if (run.stopping) return
      }
    }
  }))
  await waitFor(() => (outcomes.get('302') ?? 0) > 50, { what: '50 redirects under load' })
  run.stopping = true
  const started = Date.now()
  const code = await service.stop()
  const elapsed = Date.now() - started
  await load
  t.equal(code, 0, 'exit code 0')
  t.ok(elapsed < 5000, `exited ${elapsed} ms after SIGTERM`)
  t.ok((outcomes.get('302') ?? 0) > 50, `${outcomes.get('302') ?? 0} redirects before the stop`)
  const unexpected = [...outcomes.keys()].filter(key => !['302', '503', 'error'].includes(key))
  t.same(unexpected, [], `only redirects, 503 or refused connections: ${JSON.stringify([...outcomes])}`)
})
