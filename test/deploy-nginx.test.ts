// The docker compose front, for real: nginx with deploy/nginx/nginx.conf in
// front of two service processes on loopback ports. Only the listen ports and
// the upstream list are rewritten for the test; everything else is the file.
import { execFileSync, spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { EXTERNAL_BASE, INTERNAL_BASE, ROOM } from './fixtures/app.js'
import { get, startService } from './fixtures/service.js'
import { freePort } from './fixtures/ports.js'

function nginxBinary (): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v nginx || ls /usr/sbin/nginx'], { encoding: 'utf8' }).trim().split('\n')[0]
  } catch {
    return undefined
  }
}

const nginx = nginxBinary()
if (nginx === undefined && process.env.CI === undefined) {
  t.plan(0, 'nginx is not installed here (.ci/run installs it: apt-get install nginx-light)')
} else {
  t.test('nginx passes redirects, the zone and the client address, and spreads over both replicas', async t => {
    t.ok(nginx, 'nginx is installed')
    const env = {
      PCWP_BASE_URL_INTERNAL: INTERNAL_BASE,
      PCWP_BASE_URL_EXTERNAL: EXTERNAL_BASE,
      PCWP_TRUST_PROXY: '127.0.0.1',
      PCWP_NETWORK_HEADER: 'X-Network-Zone'
    }
    const replicas = await Promise.all([startService(env), startService(env)])
    for (const replica of replicas) t.teardown(replica.stop)

    const dir = await mkdtemp(join(tmpdir(), 'pcwp-nginx-'))
    t.teardown(() => rm(dir, { recursive: true, force: true }))
    const [internalPort, externalPort] = await Promise.all([freePort(), freePort()])
    const conf = (await readFile(new URL('../deploy/nginx/nginx.conf', import.meta.url), 'utf8'))
      .replace('listen 8080;', `listen 127.0.0.1:${internalPort};`)
      .replace('listen 8081;', `listen 127.0.0.1:${externalPort};`)
    t.not(conf.indexOf(String(externalPort)), -1, 'both listeners were found in the configuration')
    const upstream = (await readFile(new URL('../deploy/nginx/pcwp-upstream.conf', import.meta.url), 'utf8'))
      .replace(/server pcwp-links:8080;/, replicas.map(r => `server 127.0.0.1:${r.port};`).join('\n    '))
    await writeFile(join(dir, 'nginx.conf'), conf)
    await writeFile(join(dir, 'pcwp-upstream.conf'), upstream)
    const proxy = spawn(nginx as string, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log'),
      '-g', `daemon off; pid ${join(dir, 'nginx.pid')};`], { stdio: ['ignore', 'ignore', 'inherit'] })
    t.teardown(() => { proxy.kill('SIGTERM') })
    await waitForPort(internalPort)

    const path = `/rooms/${ROOM}`
    const inside = await get(internalPort, path, { localAddress: '127.0.0.5', headers: { 'accept-language': 'de-DE' } })
    t.equal(inside.status, 302)
    t.equal(inside.headers.location, `${INTERNAL_BASE}?clientlang=de-DE&id=${ROOM}`, 'the internal listener says internal')
    const outside = await get(externalPort, path, { localAddress: '127.0.0.6', headers: { 'x-network-zone': 'internal', 'x-forwarded-for': '10.1.1.1' } })
    t.equal(outside.headers.location, `${EXTERNAL_BASE}&clientlang=en-US&id=${ROOM}`, "the external listener overwrites a forged zone header")
    t.equal(outside.headers['cache-control'], 'no-store')
    for (let i = 0; i < 4; i++) await get(externalPort, '/rooms/new', { localAddress: '127.0.0.7' })

    // The services write their log in batches, at least once a second: wait for the lines checked below.
    const redirectLines = () => replicas.flatMap(r => r.logs.filter(entry => entry.msg === 'redirect'))
    const logged = () => redirectLines().filter(l => l.url === path).length === 2 && replicas.every(r => r.logs.some(entry => entry.msg === 'redirect'))
    for (let waited = 0; waited < 5000 && !logged(); waited += 50) await new Promise(resolve => setTimeout(resolve, 50))
    const lines = redirectLines()
    t.match(lines.find(l => l.url === path && l.zone === 'internal'), { client: '127.0.0.5' }, "the client's address flows through")
    t.match(lines.find(l => l.url === path && l.zone === 'external'), { client: '127.0.0.6' }, 'a forged X-Forwarded-For entry is not the client')
    for (const [i, replica] of replicas.entries()) {
      t.ok(replica.logs.some(entry => entry.msg === 'redirect'), `replica ${i + 1} served requests`)
    }
  })
}


async function waitForPort (port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      await get(port, '/healthz')
      return
    } catch {
      await new Promise(resolve => setTimeout(resolve, 50))
    }
  }
  throw new Error('nginx did not start')
}
