// The Kubernetes example of a room map served from inside the cluster
// (deploy/kubernetes/room-map-server, a kustomize Component over
// deploy/kubernetes): its patches give an environment the service loads, the
// map at the map server's Service over https and the CA that pcwp-links trusts
// mounted, and the map server's mounts agree with its nginx.conf. Then that
// nginx.conf runs in the real nginx, only its listener, paths and certificate
// rewritten for this machine, and the service's URL source loads the map from
// it, is answered 304 when it asks again, and takes a map replaced as the
// manifests tell administrators to replace it.
import { execFile, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, posix, relative } from 'node:path'
import { checkServerIdentity, type PeerCertificate } from 'node:tls'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { pino } from 'pino'
import t, { type Test } from 'tap'
import { Agent, request } from 'undici'
import { parseAllDocuments } from 'yaml'
import { CONFIG_VARIABLES, loadConfig } from '../../src/config.ts'
import type { ReloadOutcome } from '../../src/roommap/loader.ts'
import { createRoomMapSource } from '../../src/roommap/source.ts'
import { installed } from '../fixtures/installed.ts'
import { find, parseManifests, type Loose, type Manifest } from '../fixtures/kubernetes.ts'
import { listeningSocket, NGINX, SKIP_WITHOUT_NGINX, waitForNginx } from '../fixtures/nginx.ts'
import { A, B, CHANGED, digest } from '../fixtures/room-map.ts'
import { selfSignedCertificate, type SelfSigned } from '../fixtures/upstream.ts'
import { waitFor } from '../fixtures/wait.ts'

const BASE = new URL('../../deploy/kubernetes/', import.meta.url)
const COMPONENT = new URL('room-map-server/', BASE)
const ENVIRONMENT = 'pcwp-links'
const MAP_SERVER = 'pcwp-links-room-map'

interface Mount { name: string, mountPath: string, readOnly?: boolean, subPath?: string }
interface Volume {
  name: string
  configMap?: { name: string }
  secret?: { secretName: string }
  persistentVolumeClaim?: { claimName: string }
  emptyDir?: object
}
interface Container {
  env: { name: string, value: string }[]
  volumeMounts: Mount[]
  ports: { name: string, containerPort: number }[]
  command: string[]
  [key: string]: Loose
}
interface PodSpec { volumes: Volume[], containers: Container[], [key: string]: Loose }
interface Deployment {
  spec: {
    replicas: number
    strategy: { type: string }
    selector: { matchLabels: Record<string, string> }
    template: { metadata: { labels: Record<string, string> }, spec: PodSpec }
  }
}
interface Component { apiVersion: string, namespace?: string, resources: string[], patches: { path: string }[] }

/** The documents of `files`, which `parsed` must hold. */
function documentsOf (parsed: Map<string, Manifest[]>, files: readonly string[]): Manifest[] {
  return files.flatMap(file => {
    const documents = parsed.get(file)
    if (documents === undefined) throw new Error(`${file} is listed but is no YAML file in its folder`)
    return documents
  })
}

const componentFiles = (await readdir(COMPONENT)).sort()
const componentDocuments = await parseManifests(t, COMPONENT, componentFiles.filter(name => name.endsWith('.yaml')))
const kustomization = find(documentsOf(componentDocuments, ['kustomization.yaml']), 'Component') as Component
const baseKustomization = await parseManifests(t, BASE, ['kustomization.yaml'])
const baseList: string[] = find(documentsOf(baseKustomization, ['kustomization.yaml']), 'Kustomization').resources
const base = documentsOf(await parseManifests(t, BASE, baseList), baseList)
const resources = documentsOf(componentDocuments, kustomization.resources)
const patches = documentsOf(componentDocuments, kustomization.patches.map(p => p.path))

// Strategic merge, as far as these patches need it: maps merge, lists of the
// fields below merge item by item on their key (Kubernetes' patchMergeKey),
// an item with `$patch: delete` removes its match, other lists are replaced.
const MERGE_KEYS: Record<string, string | undefined> = {
  containers: 'name', env: 'name', volumes: 'name', volumeMounts: 'mountPath'
}
const isMap = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

function merge (into: unknown, patch: unknown, field = ''): unknown {
  if (isMap(patch) && '$patch' in patch && patch.$patch !== 'delete') {
    throw new Error(`${field}: $patch: ${String(patch.$patch)} cannot be applied here`)
  }
  const key = MERGE_KEYS[field]
  if (Array.isArray(patch) && Array.isArray(into) && key !== undefined) {
    const merged = [...into] as Record<string, unknown>[]
    for (const item of patch as Record<string, unknown>[]) {
      const { $patch: directive, ...rest } = item
      const at = merged.findIndex(entry => entry[key] === item[key])
      if (directive === 'delete') {
        if (at !== -1) merged.splice(at, 1)
      } else if (at === -1) {
        merged.push(rest)
      } else {
        merged[at] = merge(merged[at], rest) as Record<string, unknown>
      }
    }
    return merged
  }
  if (!isMap(patch) || !isMap(into)) return patch
  const merged = { ...into }
  for (const [name, value] of Object.entries(patch)) merged[name] = merge(into[name], value, name)
  return merged
}

/** The base with the component: its resources added, its patches applied (a resource's `$patch: delete` drops it). */
const built: Manifest[] = [...base, ...resources]
for (const patch of patches) {
  const at = built.findIndex(m => m.kind === patch.kind && m.metadata.name === patch.metadata.name)
  if (at === -1) throw new Error(`the patch of ${patch.kind} ${patch.metadata.name} has no target in the base`)
  if (patch.$patch === 'delete') built.splice(at, 1)
  else built[at] = merge(built[at], patch) as Manifest
}
const identity = (m: Manifest) => `${m.kind}/${m.metadata.name}`
const byIdentity = (manifests: readonly Manifest[]) => [...manifests].sort((a, b) =>
  identity(a).localeCompare(identity(b)))

const service = find(built, 'Deployment', ENVIRONMENT) as Deployment
const serviceContainer = service.spec.template.spec.containers[0] as Container
const mapServer = find(built, 'Deployment', MAP_SERVER) as Deployment
const mapContainer = mapServer.spec.template.spec.containers[0] as Container
const NGINX_CONF: string = find(built, 'ConfigMap', `${MAP_SERVER}-nginx`).data['nginx.conf']

/** The one value of a directive in nginx.conf (`root /srv/room-map;`), or an error naming it. */
function directive (name: string, conf = NGINX_CONF): string {
  const values = Array.from(conf.matchAll(new RegExp(String.raw`^\s*${name}\s+([^;]+);`, 'gm')), m => m[1] ?? '')
  if (values.length !== 1) throw new Error(`nginx.conf: ${String(values.length)} ${name} directives, expected 1`)
  return values[0] as string
}
const ROOT = directive('root')
const TLS_DIR = directive('default')
const LISTEN = directive('listen')

/** The volume mount of a container that `path` lies in, and the pod's volume it mounts. */
function mounted (
  deployment: Deployment, container: Container, path: string
): { mount: Mount | undefined, volume: Volume | undefined } {
  const mount = container.volumeMounts.find(m => path === m.mountPath || path.startsWith(`${m.mountPath}/`))
  const volume = deployment.spec.template.spec.volumes.find(v => v.name === mount?.name)
  return { mount, volume }
}

const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([name, value]) => labels[name] === value)

t.test('the component lists every file in its folder and is used over the base, in one namespace', async t => {
  t.equal(kustomization.apiVersion, 'kustomize.config.k8s.io/v1alpha1')
  const listed = [...kustomization.resources, ...kustomization.patches.map(p => p.path)]
  t.same(listed.sort(), componentFiles.filter(name => name !== 'kustomization.yaml'), 'every manifest and patch')
  t.same(resources.map(m => m.kind).sort(), [
    'Certificate', 'ConfigMap', 'Deployment', 'NetworkPolicy', 'PersistentVolumeClaim', 'Service'
  ])
  t.same(patches.map(identity).sort(),
    ['ConfigMap/pcwp-links', 'ConfigMap/pcwp-links-room-map', 'Deployment/pcwp-links'])
  t.equal(kustomization.namespace, undefined, 'the namespace is the overlay\'s')
  t.same(resources.filter(m => m.metadata.namespace !== undefined), [], 'no manifest names one of its own')
  t.match(await readFile(new URL('kustomization.yaml', COMPONENT), 'utf8'),
    /resources:\n#\s+- <this repository>\/deploy\/kubernetes\n#\s+components:\n#\s+- <this repository>\/deploy\/kubernetes\/room-map-server\n/,
    'it shows the overlay that uses it: the base as a resource, itself as a component')
})

const kubectl = installed('kubectl')

t.test('kustomize builds the base with the component as this test applies it', {
  skip: kubectl === undefined && 'kubectl is not installed here: the patches are applied by this test\'s merge only'
}, async t => {
  const site = await mkdtemp(join(tmpdir(), 'pcwp-k8s-site-'))
  t.teardown(() => rm(site, { recursive: true, force: true }))
  const from = (url: URL) => relative(site, fileURLToPath(url))
  await writeFile(join(site, 'kustomization.yaml'), [
    'apiVersion: kustomize.config.k8s.io/v1beta1', 'kind: Kustomization', 'namespace: pcwp-test',
    'resources:', `  - ${from(BASE)}`, 'components:', `  - ${from(COMPONENT)}`, ''
  ].join('\n'))
  const { stdout } = await promisify(execFile)(kubectl as string, ['kustomize', site], { timeout: 60_000 })
  const output = parseAllDocuments(stdout).map(document => document.toJS() as Manifest)
  t.same(output.filter(m => m.metadata.namespace !== 'pcwp-test').map(identity), [], 'all in the overlay\'s namespace')
  for (const manifest of output) delete manifest.metadata.namespace
  t.same(byIdentity(output), byIdentity(built), 'kustomize builds exactly what the tests below check')
  const data = find(output, 'ConfigMap', ENVIRONMENT).data
  t.equal(data.PCWP_ROOM_MAP, 'https://pcwp-links-room-map/rooms.csv', 'and the URL is the same in any namespace')
})

t.test('the patched environment loads: the map at the map server\'s Service, over https', async t => {
  const patch = find(patches, 'ConfigMap', ENVIRONMENT).data as Record<string, string>
  for (const name of Object.keys(patch)) t.ok(CONFIG_VARIABLES.includes(name), `${name} is read by the configuration`)
  const variables = Object.fromEntries(serviceContainer.env.map(e => [e.name, e.value]))
  const config = loadConfig({ ...find(built, 'ConfigMap', ENVIRONMENT).data, ...variables })
  t.same(config.warnings, [])
  const url = config.roomMap?.location
  if (!(url instanceof URL)) throw new Error('PCWP_ROOM_MAP is not a URL')
  t.equal(url.protocol, 'https:')
  t.equal(config.allowHttp, false, 'without PCWP_ALLOW_HTTP, which would allow http base URLs too')
  const mapService = find(built, 'Service', MAP_SERVER)
  t.equal(url.hostname, mapService.metadata.name, 'the Service\'s short name, resolved in the pod\'s own namespace')
  t.equal(Number(url.port === '' ? '443' : url.port), mapService.spec.ports[0].port, 'on the Service\'s port')
  t.equal(config.roomMap?.refreshMs, 60_000)
  t.equal(posix.extname(url.pathname), '.csv')
  t.match(NGINX_CONF, /types \{\s*text\/csv csv;\s*application\/json json;\s*\}/, 'which nginx serves as text/csv')

  const dnsNames = find(built, 'Certificate').spec.dnsNames as string[]
  t.ok(dnsNames.includes(url.hostname), 'the certificate names that host')
  const names = dnsNames.map(name => `DNS:${name}`).join(', ')
  t.equal(checkServerIdentity(url.hostname, { subject: {}, subjectaltname: names } as unknown as PeerCertificate),
    undefined, 'and Node accepts it for that host, one label though it is')
})

t.test('a startup probe outlasts the wait for the map: a pod still asking the map server is not restarted', async t => {
  const variables = Object.fromEntries(serviceContainer.env.map(e => [e.name, e.value]))
  const config = loadConfig({ ...find(built, 'ConfigMap', ENVIRONMENT).data, ...variables })
  const probe = serviceContainer.startupProbe
  t.equal(probe?.httpGet?.path, '/healthz', 'the liveness path')
  t.equal(probe?.httpGet?.port, serviceContainer.livenessProbe.httpGet.port)
  const waitS = (config.roomMap?.startTimeoutMs ?? 0) / 1000
  t.ok(waitS > 0)
  t.ok(probe.periodSeconds * probe.failureThreshold >= waitS + 20,
    `${String(probe.periodSeconds * probe.failureThreshold)} s: PCWP_ROOM_MAP_START_TIMEOUT_S (${String(waitS)} s) and a start`)
  const liveness = serviceContainer.livenessProbe
  t.ok(liveness.periodSeconds * liveness.failureThreshold < waitS, 'which the liveness probe alone would not allow')
})

t.test('pcwp-links trusts the CA from a mounted ConfigMap, and mounts the room-map ConfigMap no more', async t => {
  const path = serviceContainer.env.find(e => e.name === 'NODE_EXTRA_CA_CERTS')?.value ?? ''
  t.not(path, '', 'NODE_EXTRA_CA_CERTS is set')
  const { mount, volume } = mounted(service, serviceContainer, path)
  t.ok(mount, `${path} lies in a mounted volume`)
  t.equal(mount?.readOnly, true)
  t.equal(mount?.subPath, undefined, 'the folder, so that a changed bundle is seen at the next start')
  t.equal(volume?.configMap?.name, 'pcwp-links-room-map-ca')
  t.equal(posix.relative(mount?.mountPath ?? '', path), 'ca.crt', 'the ConfigMap\'s key')

  t.equal(find(built, 'ConfigMap', 'pcwp-links-room-map'), undefined, 'the room-map ConfigMap is left out')
  const spec = service.spec.template.spec
  t.same(spec.volumes.filter(v => v.configMap?.name === 'pcwp-links-room-map'), [])
  t.notOk(serviceContainer.volumeMounts.some(m => m.name === 'room-map'), 'and so is its mount')
  t.equal(serviceContainer.envFrom[0].configMapRef.name, ENVIRONMENT)
  t.match(serviceContainer.resources, { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '384Mi' } },
    'memory for a 64 MiB map and its reload')
})

t.test('the map server\'s mounts agree with its nginx.conf: the claim at its root, the Secret, the port', async t => {
  const confPath = mapContainer.command[2] ?? ''
  const conf = mounted(mapServer, mapContainer, confPath)
  t.same(mapContainer.command.slice(0, 2), ['nginx', '-c'])
  t.equal(conf.volume?.configMap?.name, `${MAP_SERVER}-nginx`, 'nginx is started with the ConfigMap\'s nginx.conf')
  t.equal(posix.relative(conf.mount?.mountPath ?? '', confPath), 'nginx.conf')

  const maps = mounted(mapServer, mapContainer, ROOT)
  t.equal(maps.mount?.mountPath, ROOT, 'the claim is mounted at nginx\'s root')
  t.equal(maps.volume?.persistentVolumeClaim?.claimName, find(built, 'PersistentVolumeClaim').metadata.name)
  t.same(find(built, 'PersistentVolumeClaim').spec.accessModes, ['ReadWriteOnce'])
  t.equal(mapServer.spec.replicas, 1)
  t.equal(mapServer.spec.strategy.type, 'Recreate', 'the old pod lets go of the claim before the new one takes it')

  t.match(NGINX_CONF, /ssl_certificate \$tls_dir\/tls\.crt;\s*ssl_certificate_key \$tls_dir\/tls\.key;/)
  const tls = mounted(mapServer, mapContainer, TLS_DIR)
  t.equal(tls.mount?.mountPath, TLS_DIR, 'the certificate\'s folder is the Secret')
  t.equal(tls.volume?.secret?.secretName, find(built, 'Certificate').spec.secretName)
  t.equal(tls.mount?.readOnly, true)
  for (const path of [directive('pid'), ...Array.from(NGINX_CONF.matchAll(/_temp_path\s+([^;]+);/g), m => m[1])]) {
    t.ok(mounted(mapServer, mapContainer, path as string).volume?.emptyDir, `${String(path)} is on the emptyDir`)
  }

  const port = mapContainer.ports.find(p => p.name === 'https')
  t.equal(LISTEN, `${String(port?.containerPort)} ssl`, 'nginx listens with TLS on the container port')
  const mapService = find(built, 'Service', MAP_SERVER)
  t.equal(mapService.spec.ports[0].targetPort, 'https')
  const labels = mapServer.spec.template.metadata.labels
  t.same(mapServer.spec.selector.matchLabels, { 'app.kubernetes.io/name': MAP_SERVER })
  t.ok(matches(mapService.spec.selector, labels), 'the Service selects the map server')
  for (const selector of [find(built, 'Service', ENVIRONMENT).spec.selector,
    find(built, 'PodDisruptionBudget').spec.selector.matchLabels]) {
    t.notOk(matches(selector, labels), 'and the service\'s own Service and budget do not')
  }
  const policy = find(built, 'NetworkPolicy').spec
  t.ok(matches(policy.podSelector.matchLabels, labels))
  t.ok(matches(policy.ingress[0].from[0].podSelector.matchLabels, service.spec.template.metadata.labels),
    'pcwp-links may reach it')
  t.same(policy.ingress[0].ports, [{ protocol: 'TCP', port: 'https' }])
})

t.test('the map server is hardened, sized and probed', async t => {
  const spec = mapServer.spec.template.spec
  t.match(mapContainer.image, /^nginxinc\/nginx-unprivileged:\d+\.\d+\.\d+-/, 'an unprivileged nginx, its version pinned')
  t.equal(spec.securityContext.runAsNonRoot, true)
  t.not(spec.securityContext.runAsUser, 0)
  t.equal(spec.securityContext.fsGroup, spec.securityContext.runAsGroup, 'the claim is the nginx user\'s')
  t.equal(spec.automountServiceAccountToken, false)
  t.equal(spec.securityContext.seccompProfile.type, 'RuntimeDefault')
  t.equal(mapContainer.securityContext.readOnlyRootFilesystem, true)
  t.equal(mapContainer.securityContext.allowPrivilegeEscalation, false)
  t.same(mapContainer.securityContext.capabilities.drop, ['ALL'])
  t.ok(mapContainer.resources.requests.cpu && mapContainer.resources.requests.memory)
  t.ok(mapContainer.resources.limits.memory)
  for (const probe of [mapContainer.readinessProbe, mapContainer.livenessProbe]) {
    t.match(probe.httpGet, { scheme: 'HTTPS', path: '/healthz', port: 'https' })
  }
  t.match(NGINX_CONF, /location = \/healthz \{[^}]*return 200/, 'which nginx answers itself')
})

// ---- nginx, for real

/** `text` with each `from` replaced by its `to`; each must be there. */
function rewrite (t: Test, text: string, replacements: readonly (readonly [string, string])[]): string {
  let rewritten = text
  for (const [from, to] of replacements) {
    t.ok(rewritten.includes(from), `nginx.conf has ${from.trim()}`)
    rewritten = rewritten.replaceAll(from, to)
  }
  return rewritten
}

/** The key and certificate written into `dir` as the Secret's volume holds them, each replaced whole. */
async function installCertificate (dir: string, tls: SelfSigned): Promise<void> {
  for (const [name, text] of [['tls.crt', tls.cert], ['tls.key', tls.key]] as const) {
    await writeFile(join(dir, `.${name}.new`), text)
    await rename(join(dir, `.${name}.new`), join(dir, name))
  }
}

// Not the size of CHANGED: nginx's ETag is the file's modification time (in seconds) and size.
const MAP = `room,target,name\n${A},https://teams.example.com/l/channel/a,Project Atlas\n${B},retired,\n`

t.test('nginx with the map server\'s nginx.conf serves the map that the service\'s URL source reads', { skip: SKIP_WITHOUT_NGINX }, async t => {
  t.ok(NGINX, 'nginx is installed')
  const dir = await mkdtemp(join(tmpdir(), 'pcwp-map-server-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const [root, tlsDir, tmp] = ['root', 'tls', 'tmp'].map(name => join(dir, name)) as [string, string, string]
  await Promise.all([root, tlsDir, tmp].map(path => mkdir(path)))
  const tls = await selfSignedCertificate()
  await installCertificate(tlsDir, tls)
  await writeFile(join(root, 'rooms.csv'), MAP)

  const socket = await listeningSocket()
  const conf = rewrite(t, NGINX_CONF, [
    // First: the test's own folder is under /tmp too.
    [' /tmp/', ` ${tmp}/`],
    [`listen ${LISTEN};`, `listen 127.0.0.1:${String(socket.port)} ssl;`],
    [`root ${ROOT};`, `root ${root};`],
    [`default ${TLS_DIR};`, `default ${tlsDir};`],
    // nginx cannot open /dev/stdout when it is a socket, as a child's pipe from Node is.
    ['access_log /dev/stdout;', `access_log ${join(dir, 'access.log')};`]
  ])
  await writeFile(join(dir, 'nginx.conf'), conf)
  // In the pod nginx starts as its own user; started as root here, it would hand
  // its workers to nobody, who cannot read this test's private folder.
  const asRoot = process.getuid?.() === 0 ? ['-g', 'user root;'] : []
  const server = spawn(NGINX as string, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', 'stderr', ...asRoot], {
    stdio: ['ignore', 'ignore', 'pipe', socket.fd],
    env: { ...process.env, NGINX: '3;' }
  })
  socket.close()
  let errorLog = ''
  server.stderr?.setEncoding('utf8').on('data', (text: string) => { errorLog += text })
  t.teardown(async () => {
    if (server.exitCode !== null || server.signalCode !== null) return
    const exited = once(server, 'exit')
    server.kill('SIGTERM')
    await exited
  })

  const base = `https://127.0.0.1:${String(socket.port)}`
  const probe = new Agent({ connect: { ca: tls.cert } })
  t.teardown(() => probe.close())
  const ask = async (path: string, method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'DELETE' = 'GET', agent = probe) => {
    const { statusCode, headers, body } = await request(`${base}${path}`, {
      dispatcher: agent, method, ...(method === 'PUT' || method === 'POST' ? { body: 'x' } : {})
    })
    await body.dump()
    return { statusCode, headers }
  }
  await waitForNginx(server, () => errorLog,
    [{ what: 'nginx to answer /healthz', answers: async () => (await ask('/healthz')).statusCode === 200 }])

  t.test('the map loads; asked again, nginx answers 304 and the map in force stays; a replaced map is taken',
    async t => {
      const outcomes: ReloadOutcome[] = []
      const source = await createRoomMapSource({
        location: new URL(`${base}/rooms.csv`),
        allowHttp: false,
        refreshMs: 3_600_000,
        startTimeoutMs: 10_000,
        limits: { connectTimeoutMs: 10_000, timeoutMs: 10_000 },
        dispatcher: new Agent({ connect: { ca: tls.cert } }),
        logger: pino({ level: 'silent' }),
        onReload: outcome => { outcomes.push(outcome) }
      })
      t.teardown(source.stop)
      await source.load()
      const map = source.current()
      t.equal(map.lookup(A).kind, 'moved')
      t.equal(map.lookup(B).kind, 'retired')
      t.match(source.state(), { entries: 2, sha256: digest(MAP), lastError: null, source: `${base}/rooms.csv` })

      t.equal(await source.reload(), true)
      const logged = async () => readFile(join(dir, 'access.log'), 'utf8')
      await waitFor(async () => (await logged()).includes('"GET /rooms.csv HTTP/1.1" 304 '),
        { what: 'nginx to log a 304 for the map' })
      t.pass('nginx answered the conditional GET 304')
      t.equal(source.current(), map, 'the very map: nothing was parsed')
      t.same(outcomes, [], 'and no reload was reported')

      t.not(CHANGED.length, MAP.length, 'the replaced map has another size: another ETag within the same second')
      // As deploy/kubernetes/room-map-server/deployment.yaml tells administrators: a temporary name, then mv.
      await writeFile(join(root, '.rooms.csv.new'), CHANGED)
      t.equal((await ask('/.rooms.csv.new')).statusCode, 404, 'a map being copied in is not served')
      await rename(join(root, '.rooms.csv.new'), join(root, 'rooms.csv'))
      t.equal(await source.reload(), true)
      t.not(source.current(), map, 'the replaced map is taken')
      t.equal(source.current().lookup(A).kind, 'retired')
      t.match(source.state(), { entries: 1, sha256: digest(CHANGED), lastError: null })
      t.not(digest(CHANGED), digest(MAP))
      t.same(outcomes, ['success'])
    })

  t.test('only maps, only GET and HEAD, nothing listed', async t => {
    await writeFile(join(root, 'rooms.json'), JSON.stringify([{ room: A, target: 'retired' }]))
    await writeFile(join(root, 'notes.txt'), 'not a map')
    const head = await ask('/rooms.csv', 'HEAD')
    t.equal(head.statusCode, 200)
    t.equal(head.headers['content-type'], 'text/csv; charset=utf-8')
    t.ok(head.headers.etag && head.headers['last-modified'], 'with the validators a conditional GET sends back')
    t.equal((await ask('/rooms.json')).headers['content-type'], 'application/json; charset=utf-8')
    for (const method of ['PUT', 'POST', 'DELETE'] as const) {
      t.equal((await ask('/rooms.csv', method)).statusCode, 403, `${method} is refused`)
    }
    t.equal(await readFile(join(root, 'rooms.csv'), 'utf8'), CHANGED, 'and the map is as it was')
    for (const path of ['/', '/notes.txt', '/rooms.csv/', '/x/rooms.csv', '/tls/tls.key', '/%2e%2e/nginx.conf']) {
      t.ok([400, 404].includes((await ask(path)).statusCode), `${path} is not served`)
    }
  })

  t.test('a renewed certificate is presented at the next handshake, without a restart', async t => {
    const renewed = await selfSignedCertificate()
    await installCertificate(tlsDir, renewed)
    const trusting = (ca: string) => {
      const agent = new Agent({ connect: { ca } })
      t.teardown(() => agent.close())
      return agent
    }
    t.equal((await ask('/rooms.csv', 'GET', trusting(renewed.cert))).statusCode, 200)
    await t.rejects(ask('/rooms.csv', 'GET', trusting(tls.cert)), 'the old certificate is gone')
  })
})
