// The Kubernetes manifests agree with the code: variables, probes, ports, hardening.
import { readdir, readFile } from 'node:fs/promises'
import t from 'tap'
import { parseAllDocuments } from 'yaml'
import { CONFIG_VARIABLES, loadConfig } from '../src/config.js'
import { createApp } from '../src/http/app.js'

const DIR = new URL('../deploy/kubernetes/', import.meta.url)

interface Manifest { kind: string, metadata: { name: string }, [key: string]: unknown }

const files = (await readdir(DIR)).filter(name => name.endsWith('.yaml')).sort()
const manifests: Manifest[] = []
for (const file of files) {
  for (const document of parseAllDocuments(await readFile(new URL(file, DIR), 'utf8'))) {
    t.same(document.errors, [], `${file} parses`)
    manifests.push(document.toJS() as Manifest)
  }
}
const byKind = (kind: string): any => manifests.find(m => m.kind === kind) // eslint-disable-line @typescript-eslint/no-explicit-any

t.test('every part is there', async t => {
  t.same(manifests.map(m => m.kind).filter(k => k !== 'Kustomization').sort(),
    ['ConfigMap', 'Deployment', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Service'])
  t.same([...byKind('Kustomization').resources].sort(), files.filter(f => f !== 'kustomization.yaml'), 'kustomization lists every manifest')
})

t.test('the ConfigMap sets only variables the service reads, and they load in production', async t => {
  const data: Record<string, string> = byKind('ConfigMap').data
  for (const name of Object.keys(data)) t.ok(CONFIG_VARIABLES.includes(name), `${name} is read by the configuration`)
  const config = loadConfig(data)
  t.equal(config.demo, false)
  t.same(config.warnings, [])
  t.equal(data.NODE_ENV, 'production')
})

t.test('probes, ports and the metrics path exist in the service', async t => {
  const data: Record<string, string> = byKind('ConfigMap').data
  const deployment = byKind('Deployment')
  const container = deployment.spec.template.spec.containers[0]
  t.equal(container.ports[0].containerPort, Number(data.PORT), 'the container port is the configured PORT')
  t.equal(byKind('Service').spec.ports[0].targetPort, container.ports[0].name, 'the Service targets the named port')
  t.equal(container.envFrom[0].configMapRef.name, byKind('ConfigMap').metadata.name)
  const service = await createApp({ config: loadConfig(data) })
  t.teardown(() => service.close())
  const paths = [container.readinessProbe.httpGet.path, container.livenessProbe.httpGet.path, deployment.spec.template.metadata.annotations['prometheus.io/path']]
  t.same(paths, ['/readyz', '/healthz', '/metrics'])
  for (const path of paths) t.equal((await service.inject(path)).statusCode, 200, path)
  t.equal(container.readinessProbe.httpGet.port, container.ports[0].name)
})

t.test('the pod is hardened and sized', async t => {
  const spec = byKind('Deployment').spec.template.spec
  const container = spec.containers[0]
  t.equal(spec.securityContext.runAsNonRoot, true)
  t.not(spec.securityContext.runAsUser, 0)
  t.equal(spec.automountServiceAccountToken, false)
  t.equal(container.securityContext.readOnlyRootFilesystem, true)
  t.equal(container.securityContext.allowPrivilegeEscalation, false)
  t.same(container.securityContext.capabilities.drop, ['ALL'])
  t.ok(container.resources.requests.cpu && container.resources.requests.memory && container.resources.limits.memory)
  t.ok(spec.terminationGracePeriodSeconds > 10, 'longer than the service needs to drain')
})

t.test('selectors, autoscaler and disruption budget point at the Deployment', async t => {
  const deployment = byKind('Deployment')
  const labels = deployment.spec.template.metadata.labels
  t.same(deployment.spec.selector.matchLabels, labels)
  t.same(byKind('Service').spec.selector, labels)
  t.same(byKind('PodDisruptionBudget').spec.selector.matchLabels, labels)
  const hpa = byKind('HorizontalPodAutoscaler').spec
  t.match(hpa.scaleTargetRef, { kind: 'Deployment', name: deployment.metadata.name })
  t.ok(hpa.minReplicas >= 2, 'at least two replicas, so the budget can be kept')
  t.ok(byKind('PodDisruptionBudget').spec.minAvailable < hpa.minReplicas)
})
