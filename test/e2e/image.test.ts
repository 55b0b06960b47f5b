// The container image's recipe, checked without a Docker engine: its promises
// read statically, then its install-and-start steps performed in a temporary
// directory exactly as the runtime stage writes them.
import { execFile, spawn } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { VERSION } from '../../src/package-files.ts'
import { get, listeningPort } from '../fixtures/service.ts'

const run = promisify(execFile)
const ROOT = new URL('../..', import.meta.url).pathname
const dockerfile = await readFile(join(ROOT, 'Dockerfile'), 'utf8')

interface Stage { from: string, name: string, lines: string[] }

// Instructions, with continuation lines joined and comments dropped.
const instructions = dockerfile.replace(/\\\n/g, ' ').split('\n').filter(line => line.trim() !== '' && !line.startsWith('#'))
const stages: Stage[] = []
for (const line of instructions) {
  const from = /^FROM\s+(\S+)\s+AS\s+(\S+)/i.exec(line)
  if (from !== null) stages.push({ from: from[1] as string, name: from[2] as string, lines: [] })
  else stages.at(-1)?.lines.push(line)
}
const runtime = stages.at(-1) as Stage
const build = stages[0] as Stage

/** Whether dist/ was built after every file it is built from was last changed. */
function builtAfterSources (): boolean {
  const built = statSync(join(ROOT, 'dist/server.bundle.js'), { throwIfNoEntry: false })?.mtimeMs ?? 0
  const sources = ['package.json', 'tsconfig.json', 'tsconfig.build.json']
    .concat(['src', 'scripts'].flatMap(folder => readdirSync(join(ROOT, folder), { recursive: true, encoding: 'utf8' }).map(path => join(folder, path))))
  return sources.every(path => statSync(join(ROOT, path)).mtimeMs < built)
}
/**
 * The build stage, as its RUN line: `npm run build`, then `npm pack
 * --ignore-scripts`, once for both tests; dist/ is rebuilt only when something
 * it is built from is newer (npm ci builds it). The tarball and the files in it.
 */
async function pack (): Promise<{ dir: string, tarball: string, files: string[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'pcwp-image-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  if (builtAfterSources()) t.comment('dist/ is newer than its sources: not rebuilt')
  else await run('npm', ['run', 'build'], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 })
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 })
  const [{ filename, files }] = JSON.parse(stdout) as [{ filename: string, files: { path: string }[] }]
  return { dir, tarball: join(dir, filename), files: files.map(f => f.path) }
}
const packed = pack()
const instruction = (keyword: string) => runtime.lines.filter(line => line.startsWith(keyword + ' ')).map(line => line.slice(keyword.length + 1).trim())
const jsonArgs = (text: string) => JSON.parse(text) as string[]

t.test('the Dockerfile keeps its promises', async t => {
  t.same(stages.map(s => s.name), ['build', 'runtime'], 'multi-stage: build, then runtime')
  t.ok(build.lines.some(line => line.startsWith('RUN npm run build && npm pack --ignore-scripts ')), 'the build stage builds, then packs without scripts (as the next test does)')
  t.match(runtime.from, /^node:\d*[02468]-slim$/, 'the runtime is an even-numbered (LTS) Node.js slim image')
  t.match(instruction('ENV').join(' '), /\bNODE_ENV=production\b/)
  t.same(instruction('USER'), ['node'], 'runs as the unprivileged node user')
  t.same(instruction('EXPOSE'), ['8080'])
  t.match(instruction('RUN').join(' '), /npm install --omit=dev/, 'production dependencies only')
  const healthcheck = instruction('HEALTHCHECK')[0] ?? ''
  t.match(healthcheck, /CMD \["node", "-e"/, 'the health check uses node itself (no curl in slim)')
  const cmd = jsonArgs(instruction('CMD')[0] ?? '[]')
  t.equal(cmd[0], 'node')
  const start = (JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start.split(' ')
  t.same(cmd.slice(0, -1), start.slice(0, -1), 'node runs with the same flags as in npm start')
  t.equal(cmd.at(-1), `node_modules/pcwp-links/${String(start.at(-1))}`, 'and the same entry')
  const { files } = await packed
  t.ok(files.includes(String(start.at(-1))), `the entry ${String(start.at(-1))} is in the package`)
  const ignore = await readFile(join(ROOT, '.dockerignore'), 'utf8')
  for (const copied of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'src/', 'scripts/', 'public/']) {
    t.match(ignore, new RegExp(`^!${copied.replace('.', '\\.')}$`, 'm'), `.dockerignore lets ${copied} into the build`)
  }
})


t.test('the runtime stage installs the packed package and starts it', async t => {
  const { dir, tarball } = await packed
  const app = join(dir, 'app')
  await run('mkdir', ['-p', app])
  // The runtime stage's install, as written, with the tarball's path here.
  const install = instruction('RUN').find(line => line.includes('npm install')) ?? ''
  const command = install.split('&&')[0]?.trim().replace('/tmp/pcwp-links.tgz', tarball) ?? ''
  t.match(command, /^npm install --omit=dev /)
  await run('sh', ['-c', command], { cwd: app, env: { ...process.env, npm_config_prefer_offline: 'true' }, maxBuffer: 16 * 1024 * 1024 })

  const env = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    PCWP_BASE_URL_EXTERNAL: 'https://chat.example.com/rm/',
    // The example map and the catalogs travel in the package.
    PCWP_ROOM_MAP: join(app, 'node_modules/pcwp-links/deploy/room-map.example.csv')
  }
  const cmd = jsonArgs(instruction('CMD')[0] ?? '[]')
  const child = spawn(cmd[0] ?? '', cmd.slice(1), { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'] })
  const exited = new Promise<number | null>(resolve => child.once('exit', resolve))
  t.teardown(() => { child.kill('SIGKILL') })
  const port = await listeningPort(child, 'the image entry')
  t.equal((await get(port, '/healthz')).status, 200, '/healthz answers')
  t.equal((await get(port, '/rooms/new')).headers.location, 'https://chat.example.com/rm/?clientlang=en-US')
  // The bundled entry finds the package's own files and carries every dependency.
  t.match((await get(port, '/links/links.js')).body, /addEventListener/, 'the link builder script is served')
  t.match(JSON.parse((await get(port, '/openapi.json')).body), { info: { title: 'pcwp-links', version: VERSION } }, 'the OpenAPI document names the version')
  t.match((await get(port, '/metrics')).body, /^pcwp_redirects_total\b/m, 'metrics are exported')
  const retired = await get(port, '/rooms/9D8E7F60-5A4B-4C3D-9E2F-1A0B9C8D7E6F', { headers: { 'accept-language': 'de-DE' } })
  t.equal(retired.status, 410, 'the packaged example map is in force')
  t.match(retired.body, '<html lang="de-DE">', 'a German 410 page from the packaged catalogs')
  const healthcheck = jsonArgs((instruction('HEALTHCHECK')[0] ?? '').replace(/^.*?CMD /, ''))
  await t.resolves(run(healthcheck[0] ?? '', healthcheck.slice(1), { cwd: app, env: { ...env, PORT: String(port) } }), 'the HEALTHCHECK command passes')
  child.kill('SIGTERM')
  t.equal(await exited, 0, 'SIGTERM stops it cleanly')
})
