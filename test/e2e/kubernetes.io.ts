// The Kubernetes manifests agree with the code: variables, probes, ports,
// hardening, and the Gateway API routes (which paths readers reach, and the
// zone each route tells the service).
import { readdir } from 'node:fs/promises'
import t, { type Test } from 'tap'
import { CONFIG_VARIABLES, loadConfig } from '../../src/config.ts'
import { createApp } from '../../src/http/app.ts'
import { ROOM } from '../fixtures/app.ts'
import { find, parseManifests } from '../fixtures/kubernetes.ts'
import { mapFile } from '../fixtures/room-map.ts'

const DIR = new URL('../../deploy/kubernetes/', import.meta.url)

const files = (await readdir(DIR)).filter(name => name.endsWith('.yaml')).sort()
const manifests = [...(await parseManifests(t, DIR, files)).values()].flat()
const ENVIRONMENT = 'pcwp-links'
const ROOM_MAP = 'pcwp-links-room-map'

/** The environment ConfigMap, its room map pointed at a copy of the room-map ConfigMap's file. */
async function environment (t: Test): Promise<Record<string, string>> {
  const text = (find(manifests, 'ConfigMap', ROOM_MAP).data as Record<string, string>)['rooms.csv'] ?? ''
  const map = await mapFile(t, 'rooms.csv', text)
  return { ...(find(manifests, 'ConfigMap', ENVIRONMENT).data as Record<string, string>), PCWP_ROOM_MAP: map }
}

t.test('every part is there', async t => {
  t.same(manifests.map(m => m.kind).filter(k => k !== 'Kustomization').sort(), [
    'ConfigMap', 'ConfigMap', 'Deployment', 'HTTPRoute', 'HTTPRoute',
    'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Service'
  ])
  t.same([...find(manifests, 'Kustomization').resources].sort(), files.filter(f => f !== 'kustomization.yaml'),
    'kustomization lists every manifest')
})

t.test('the ConfigMap sets only variables the service reads, and they load in production', async t => {
  const data: Record<string, string> = find(manifests, 'ConfigMap', ENVIRONMENT).data
  for (const name of Object.keys(data)) t.ok(CONFIG_VARIABLES.includes(name), `${name} is read by the configuration`)
  const config = loadConfig(data)
  t.equal(config.demo, false)
  t.same(config.warnings, [])
  t.equal(data.NODE_ENV, 'production')
})

t.test('probes, ports and the metrics path exist in the service', async t => {
  const data = await environment(t)
  const deployment = find(manifests, 'Deployment')
  const container = deployment.spec.template.spec.containers[0]
  t.equal(container.ports[0].containerPort, Number(data.PORT), 'the container port is the configured PORT')
  t.equal(find(manifests, 'Service').spec.ports[0].targetPort, container.ports[0].name,
    'the Service targets the named port')
  t.equal(container.envFrom[0].configMapRef.name, ENVIRONMENT)
  const service = await createApp({ config: loadConfig(data) })
  t.teardown(() => service.close())
  const paths = [
    container.readinessProbe.httpGet.path,
    container.livenessProbe.httpGet.path,
    deployment.spec.template.metadata.annotations['prometheus.io/path']
  ]
  t.same(paths, ['/readyz', '/healthz', '/metrics'])
  for (const path of paths) t.equal((await service.inject(path)).statusCode, 200, path)
  t.equal(container.readinessProbe.httpGet.port, container.ports[0].name)
})

t.test('the room map comes from a ConfigMap mounted as a directory (no subPath), at PCWP_ROOM_MAP\'s folder', async t => {
  const spec = find(manifests, 'Deployment').spec.template.spec
  const mounts: { name: string, mountPath: string, readOnly?: boolean, subPath?: string }[] =
    spec.containers[0].volumeMounts
  const mount = mounts.find(m => m.name === 'room-map')
  t.equal(mount?.subPath, undefined, 'a subPath mount never sees an update')
  t.equal(mount?.readOnly, true)
  t.match(spec.volumes, [{ name: 'room-map', configMap: { name: ROOM_MAP } }])
  t.equal(`${mount?.mountPath ?? ''}/rooms.csv`, find(manifests, 'ConfigMap', ENVIRONMENT).data.PCWP_ROOM_MAP)
  const service = await createApp({ config: loadConfig(await environment(t)) })
  t.teardown(() => service.close())
  t.match((await service.inject('/readyz')).json(), { roomMap: { lastError: null } },
    'the shipped room-map ConfigMap loads')
})

t.test('the pod is hardened and sized', async t => {
  const spec = find(manifests, 'Deployment').spec.template.spec
  const container = spec.containers[0]
  t.equal(spec.securityContext.runAsNonRoot, true)
  t.not(spec.securityContext.runAsUser, 0)
  t.equal(spec.automountServiceAccountToken, false)
  t.equal(container.securityContext.readOnlyRootFilesystem, true)
  t.equal(container.securityContext.allowPrivilegeEscalation, false)
  t.same(container.securityContext.capabilities.drop, ['ALL'])
  t.ok(container.resources.requests.cpu && container.resources.requests.memory)
  t.equal(container.resources.limits.memory, '256Mi', 'room for a 200,000-row map and its reload')
  t.ok(spec.terminationGracePeriodSeconds > 10, 'longer than the service needs to drain')
})

t.test('selectors, autoscaler and disruption budget point at the Deployment', async t => {
  const deployment = find(manifests, 'Deployment')
  const labels = deployment.spec.template.metadata.labels
  t.same(deployment.spec.selector.matchLabels, labels)
  t.same(find(manifests, 'Service').spec.selector, labels)
  t.same(find(manifests, 'PodDisruptionBudget').spec.selector.matchLabels, labels)
  const hpa = find(manifests, 'HorizontalPodAutoscaler').spec
  t.match(hpa.scaleTargetRef, { kind: 'Deployment', name: deployment.metadata.name })
  t.ok(hpa.minReplicas >= 2, 'at least two replicas, so the budget can be kept')
  t.ok(find(manifests, 'PodDisruptionBudget').spec.minAvailable < hpa.minReplicas)
})

interface PathMatch { path?: { type?: string, value?: string } }
interface HTTPRoute {
  apiVersion: string
  metadata: { name: string }
  spec: {
    parentRefs: { name: string }[]
    rules: {
      matches?: PathMatch[]
      filters?: {
        type: string
        requestHeaderModifier?: { set?: { name: string, value: string }[], remove?: string[] }
      }[]
      backendRefs: { name: string, port: number }[]
    }[]
  }
}

/**
 * Gateway API path matching: Exact is the whole path; PathPrefix matches
 * whole path segments, a trailing slash in the value ignored; a match without
 * a path is PathPrefix /, and a rule without matches matches everything.
 */
function routes (route: HTTPRoute, path: string): boolean {
  return route.spec.rules.some(rule => (rule.matches ?? [{}]).some(({ path: match }) => {
    const type = match?.type ?? 'PathPrefix'
    const value = match?.value ?? '/'
    if (type === 'Exact') return path === value
    if (type !== 'PathPrefix') throw new Error(`${route.metadata.name}: a ${type} match cannot be checked here; use Exact or PathPrefix`)
    const prefix = value.replace(/\/+$/, '')
    return path === prefix || path.startsWith(`${prefix}/`)
  }))
}

t.test('Gateway API routes: one per Gateway, each setting its zone, neither exposing /metrics or /readyz', async t => {
  const httpRoutes = manifests.filter(m => m.kind === 'HTTPRoute') as unknown as HTTPRoute[]
  t.equal(httpRoutes.length, 2)
  const data = await environment(t)
  const service = find(manifests, 'Service')
  const zones: string[] = []
  for (const route of httpRoutes) {
    t.equal(route.apiVersion, 'gateway.networking.k8s.io/v1', `${route.metadata.name}: the GA Gateway API`)
    t.equal(route.spec.parentRefs.length, 1, `${route.metadata.name}: attached to one Gateway`)
    for (const rule of route.spec.rules) {
      const modifiers = (rule.filters ?? [])
        .filter(f => f.type === 'RequestHeaderModifier')
        .map(f => f.requestHeaderModifier)
      t.equal(modifiers.length, 1, `${route.metadata.name}: every rule modifies the request headers`)
      const set = modifiers[0]?.set ?? []
      t.equal(set.length, 1)
      t.equal(set[0]?.name.toLowerCase(), data.PCWP_NETWORK_HEADER?.toLowerCase(),
        'it sets the configured zone header (overwriting a client\'s)')
      zones.push(set[0]?.value ?? '')
      t.same(modifiers[0]?.remove?.map(name => name.toLowerCase()).sort(), ['forwarded', 'x-forwarded-host'],
        "a client's Forwarded and X-Forwarded-Host are dropped")
      t.same(rule.backendRefs, [{ name: service.metadata.name, port: service.spec.ports[0].port }], 'to the Service')
    }
  }
  t.same([...new Set(zones)].sort(), ['external', 'internal'], 'one route per zone')
  t.not(httpRoutes[0]?.spec.parentRefs[0]?.name, httpRoutes[1]?.spec.parentRefs[0]?.name, 'on two Gateways')

  const app = await createApp({ config: loadConfig(data) })
  t.teardown(() => app.close())
  for (const route of httpRoutes) {
    for (const path of ['/metrics', '/readyz', '/healthz', '/metrics/', '/readyz/x', '/', '/roomsx', '/linksx']) {
      t.notOk(routes(route, path), `${route.metadata.name} does not route ${path}`)
    }
    for (const path of [
      '/rooms/new', `/rooms/${ROOM}`, '/rooms', '/links', '/links/links.js', '/links/links.css', '/openapi.json',
      '/robots.txt', '/favicon.ico'
    ]) {
      t.ok(routes(route, path), `${route.metadata.name} routes ${path}`)
      t.not((await app.inject(path)).statusCode, 404, `the service answers ${path}`)
    }
  }
  const route = (rule: HTTPRoute['spec']['rules'][number]) => ({
    metadata: { name: 'made-up' }, spec: { rules: [rule] }
  }) as unknown as HTTPRoute
  t.throws(() => routes(route({
    matches: [{ path: { type: 'RegularExpression', value: '.*' } }],
    backendRefs: []
  }), '/'), { message: /a RegularExpression match cannot be checked here/ })
  t.ok(routes(route({ backendRefs: [] }), '/metrics'), 'the check knows that a rule without matches routes everything')
  t.ok(routes(route({ matches: [{}], backendRefs: [] }), '/readyz'), 'and that a match without a path does')
})
