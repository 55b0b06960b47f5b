// /metrics and /openapi.json.
import { readFile } from 'node:fs/promises'
import t, { type Test } from 'tap'
import { createApp } from '../../src/http/app.ts'
import { PROBLEM_CODES } from '../../src/problem-codes.ts'
import { createMetrics } from '../../src/metrics.ts'
import { parseBaseUrl } from '../../src/pcwp/index.ts'
import type { OverrideSource } from '../../src/serverinfo/source.ts'
import { app, config, ROOM, STANDARD_ENV } from '../fixtures/app.ts'
import { exportedSeries } from '../fixtures/promql-references.ts'
import { validateOpenApi } from '../fixtures/openapi.ts'

function sample (text: string, series: string): number | undefined {
  const line = text.split('\n').find(l => l.startsWith(series + ' '))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

t.test('/metrics counts redirects, rejections and durations with fixed labels', async t => {
  const service = await app()
  t.teardown(() => service.close())
  await service.inject({ url: `/rooms/${ROOM}`, remoteAddress: '10.1.1.1' })
  await service.inject({ url: `/rooms/${ROOM}`, remoteAddress: '10.1.1.1' })
  await service.inject({ url: '/rooms/new', remoteAddress: '203.0.113.9' })
  await service.inject({ url: '/rooms/not-a-room' })
  await service.inject({ url: '/rooms?uri=ma-chan://evil' })
  await service.inject({ url: '/wp-admin/<script>' })
  await service.inject({ url: '/rooms/%E0%A4%A' })
  const res = await service.inject('/metrics')
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/plain; version=0\.0\.4/)
  const text = res.body
  t.equal(sample(text, 'pcwp_redirects_total{kind="room",zone="internal",status="302",outcome="pcwp"}'), 2)
  t.equal(sample(text, 'pcwp_redirects_total{kind="create",zone="external",status="302",outcome="pcwp"}'), 1)
  t.equal(sample(text, 'pcwp_redirects_total{kind="create",zone="internal",status="503",outcome="pcwp"}'), 0, 'every series exists from the start')
  t.equal(sample(text, 'pcwp_rejections_total{reason="pcwp_room_id_invalid"}'), 1)
  t.equal(sample(text, 'pcwp_rejections_total{reason="pcwp_room_uri_invalid"}'), 1)
  t.equal(sample(text, 'pcwp_rejections_total{reason="not_found"}'), 1)
  t.equal(sample(text, 'pcwp_http_request_duration_seconds_count{route="room"}'), 2)
  t.equal(sample(text, 'pcwp_http_request_duration_seconds_count{route="create"}'), 1)
  t.match(text, /^process_cpu_user_seconds_total /m, 'default process metrics')
  t.match(text, /^nodejs_eventloop_lag_seconds /m)
  t.notMatch(text, /\{[^}]*(wp-admin|script|evil|not-a-room)/, 'nothing from a request becomes a label')
  t.equal(sample(text, 'pcwp_serverinfo_override'), 0, 'the override gauges exist without a source, at 0')
  t.equal(sample(text, 'pcwp_serverinfo_refused'), 0)
  t.equal(sample(text, 'pcwp_room_map_entries'), 0)
  t.equal(sample(text, 'pcwp_room_map_last_reload_successful'), 1)
})

const DESIGN = 'docs/design.md'
const EXAMPLE_MAP = new URL('../../deploy/room-map.example.csv', import.meta.url).pathname

/**
 * The metrics of the "Metrics" table of docs/design.md: its first column's
 * names in backticks, several to a cell, each with the label names in its
 * braces (`name{a, b}`); a name ending in `*` stands for every name it begins.
 */
function metricsTable (markdown: string): Map<string, string[]> {
  const section = markdown.split(/^## /m).find(part => part.startsWith('Metrics\n')) ?? ''
  const metrics = new Map<string, string[]>()
  // The header row and the delimiter row name no metric.
  for (const row of section.split('\n').filter(line => line.startsWith('|')).slice(2)) {
    const [, first = ''] = row.split('|')
    for (const [, name = '', labels] of first.matchAll(/`([A-Za-z_:][A-Za-z0-9_:]*\*?)(?:\{([^}]*)\})?`/g)) {
      metrics.set(name, labels === undefined ? [] : labels.split(',').map(label => label.trim()))
    }
  }
  return metrics
}

const DOCUMENTED = metricsTable(await readFile(new URL(`../../${DESIGN}`, import.meta.url), 'utf8'))

/** The documented metric an exported series is of: its own name, its histogram's, or a `*` name's. */
function documentedMetric (series: string): string | undefined {
  return [series, series.replace(/_(?:bucket|sum|count)$/, '')].find(name => DOCUMENTED.has(name)) ??
    [...DOCUMENTED.keys()].find(name => name.endsWith('*') && series.startsWith(name.slice(0, -1)))
}

/**
 * The exposition `text` against the table: every metric it names is exported, with the labels it names, and
 * every series exported is of a metric it names. `unsampled`: the labelled metrics with no series yet.
 */
function matchesTable (t: Test, text: string, unsampled: readonly string[]): void {
  const labelsSeen = new Map<string, Set<string>>()
  const undocumented: string[] = []
  for (const [series, labels] of exportedSeries(text)) {
    const metric = documentedMetric(series)
    if (metric === undefined) undocumented.push(series)
    // `le` is a histogram bucket's own label.
    else labelsSeen.set(metric, new Set([...(labelsSeen.get(metric) ?? []), ...labels].filter(label => label !== 'le')))
  }
  t.same(undocumented, [], `every series exported is of a metric in ${DESIGN} "Metrics"`)
  const bare = [...DOCUMENTED]
    .filter(([metric, labels]) => labels.length > 0 && (labelsSeen.get(metric)?.size ?? 0) === 0)
    .map(([metric]) => metric)
  t.same(bare, unsampled, 'the labelled metrics with no series yet')
  for (const [metric, labels] of DOCUMENTED) {
    t.ok(labelsSeen.has(metric), `${metric} is exported`)
    if (metric.endsWith('*') || unsampled.includes(metric)) continue
    t.same([...(labelsSeen.get(metric) ?? [])].sort(), [...labels].sort(), `${metric}: the documented labels`)
  }
}

/** The series of every documented label combination of a service whose redirects answer `status`. */
function documentedSeries (status: number): string[] {
  return [
    ...['create', 'room'].flatMap(kind => ['internal', 'external'].flatMap(zone => [
      `pcwp_redirects_total{kind="${kind}",zone="${zone}",status="${String(status)}",outcome="pcwp"}`,
      `pcwp_redirects_total{kind="${kind}",zone="${zone}",status="503",outcome="pcwp"}`,
      `pcwp_redirects_total{kind="${kind}",zone="${zone}",status="${String(status)}",outcome="moved"}`,
      `pcwp_redirects_total{kind="${kind}",zone="${zone}",status="410",outcome="retired"}`
    ])),
    ...PROBLEM_CODES.filter(code => code !== 'PCWP_ROOM_RETIRED')
      .map(code => `pcwp_rejections_total{reason="${code.toLowerCase()}"}`),
    ...['override', 'none', 'error'].map(result => `pcwp_serverinfo_fetch_total{result="${result}"}`),
    ...['success', 'failure'].map(result => `pcwp_room_map_reloads_total{result="${result}"}`),
    ...['create', 'room', 'other'].flatMap(route => [
      `pcwp_http_request_duration_seconds_count{route="${route}"}`,
      `pcwp_http_request_duration_seconds_bucket{le="+Inf",route="${route}"}`
    ])
  ]
}

const CONFIGURATIONS: Record<string, Record<string, string>> = {
  standard: STANDARD_ENV,
  '307, legacy paths, rate limit': {
    ...STANDARD_ENV, PCWP_REDIRECT_STATUS: '307', PCWP_LEGACY_PATHS: '/old/chat', PCWP_RATE_LIMIT_PER_MIN: '5'
  },
  'the example room map': { ...STANDARD_ENV, PCWP_ROOM_MAP: EXAMPLE_MAP },
  demo: {}
}

t.test(`the ${DESIGN} "Metrics" table is read`, async t => {
  t.same(DOCUMENTED.get('pcwp_redirects_total'), ['kind', 'zone', 'status', 'outcome'], 'a name with its labels')
  t.same(DOCUMENTED.get('pcwp_serverinfo_age_seconds'), [], 'the second of two names in a cell')
  t.ok(DOCUMENTED.has('process_*'), 'a name for many')
})

for (const [name, env] of Object.entries(CONFIGURATIONS)) {
  t.test(`every documented series exists from the start, at 0: ${name}`, async t => {
    const settings = config(env)
    const service = await createApp({ config: settings })
    t.teardown(() => service.close())
    const text = (await service.inject('/metrics')).body
    for (const series of documentedSeries(settings.redirectStatus)) t.equal(sample(text, series), 0, series)
    const rejections = text.match(/^pcwp_rejections_total\{/gm)?.length
    t.equal(rejections, PROBLEM_CODES.length - 1, 'a series for every error code but a retired room')
    // Without a map there is no digest to carry.
    matchesTable(t, text, env.PCWP_ROOM_MAP === undefined ? ['pcwp_room_map_info'] : [])
  })
}

t.test('a fresh metrics object counts from 0, its other series staying there', async t => {
  const metrics = createMetrics(307)
  const service = await createApp({ config: config({ ...STANDARD_ENV, PCWP_REDIRECT_STATUS: '307' }), metrics })
  t.teardown(() => service.close())
  await service.inject({ url: `/rooms/${ROOM}`, remoteAddress: '10.1.1.1' })
  metrics.recordFetch('error')
  metrics.recordMapReload('failure')
  const text = await metrics.registry.metrics()
  const counted = [
    'pcwp_redirects_total{kind="room",zone="internal",status="307",outcome="pcwp"}',
    'pcwp_serverinfo_fetch_total{result="error"}',
    'pcwp_room_map_reloads_total{result="failure"}',
    'pcwp_http_request_duration_seconds_count{route="room"}',
    'pcwp_http_request_duration_seconds_bucket{le="+Inf",route="room"}'
  ]
  for (const series of counted) t.equal(sample(text, series), 1, series)
  for (const series of documentedSeries(307)) {
    if (!counted.includes(series)) t.equal(sample(text, series), 0, series)
  }
  t.notMatch(text, /pcwp_rejections_total\{reason="pcwp_room_retired"\}/, 'a retired room is an outcome, not a rejection')
  t.ok(metrics.registry.getSingleMetric('pcwp_redirects_total'), 'metrics stay reachable by name')
})

t.test('src/metrics.ts counts answers without the HTTP layer', async t => {
  const metrics = createMetrics(302)
  const retired = { kind: 'room', zone: 'external', outcome: 'retired' } as const
  metrics.recordAnswer({ link: retired, status: 410, problem: 'PCWP_ROOM_RETIRED', seconds: 0.002 })
  metrics.recordAnswer({ link: null, status: 404, problem: 'NOT_FOUND', seconds: 0.0001 })
  metrics.recordAnswer({ link: null, status: 200, problem: null, seconds: 0.3 })
  const text = await metrics.registry.metrics()
  t.equal(sample(text, 'pcwp_redirects_total{kind="room",zone="external",status="410",outcome="retired"}'), 1)
  t.equal(sample(text, 'pcwp_rejections_total{reason="not_found"}'), 1)
  t.notMatch(text, /pcwp_rejections_total\{reason="pcwp_room_retired"\}/)
  t.equal(sample(text, 'pcwp_http_request_duration_seconds_bucket{le="0.0025",route="room"}'), 1)
  t.equal(sample(text, 'pcwp_http_request_duration_seconds_count{route="other"}'), 2)
  const underThreshold = sample(text, 'pcwp_http_request_duration_seconds_bucket{le="0.25",route="other"}')
  t.equal(underThreshold, 1, '0.3 s is past the alert\'s 0.25 s')
  t.equal(sample(text, 'pcwp_serverinfo_override'), 0, 'no gauge source: 0')
})

t.test('disabled zones count as 503 redirects and as rejections', async t => {
  const service = await app({ PCWP_BASE_URL_INTERNAL: 'https://pool.corp.example/rm/' })
  t.teardown(() => service.close())
  await service.inject({ url: '/rooms/new', remoteAddress: '203.0.113.9' })
  const text = (await service.inject('/metrics')).body
  t.equal(sample(text, 'pcwp_redirects_total{kind="create",zone="external",status="503",outcome="pcwp"}'), 1)
  t.equal(sample(text, 'pcwp_rejections_total{reason="pcwp_room_management_disabled"}'), 1)
})

t.test('the override gauges and the fetch counter', async t => {
  let current: ReturnType<OverrideSource['current']> = parseBaseUrl('https://override.example.com/rm/')
  let ageSeconds: number | null = 42
  let refused = false
  const override: OverrideSource = {
    current: () => current,
    state: () => ({ source: 's', url: current?.href ?? null, ageSeconds, lastFetchAt: null, lastError: null, refused })
  }
  const metrics = createMetrics(302)
  const service = await createApp({ config: config(), override, metrics })
  t.teardown(() => service.close())
  metrics.recordFetch('override')
  metrics.recordFetch('error')
  metrics.recordFetch('error')
  let text = (await service.inject('/metrics')).body
  t.equal(sample(text, 'pcwp_serverinfo_override'), 1)
  t.equal(sample(text, 'pcwp_serverinfo_age_seconds'), 42)
  t.equal(sample(text, 'pcwp_serverinfo_fetch_total{result="override"}'), 1)
  t.equal(sample(text, 'pcwp_serverinfo_fetch_total{result="none"}'), 0)
  t.equal(sample(text, 'pcwp_serverinfo_fetch_total{result="error"}'), 2)
  t.equal(sample(text, 'pcwp_serverinfo_refused'), 0)
  current = undefined
  ageSeconds = null
  refused = true
  text = (await service.inject('/metrics')).body
  t.equal(sample(text, 'pcwp_serverinfo_override'), 0)
  t.equal(sample(text, 'pcwp_serverinfo_age_seconds'), 0)
  t.equal(sample(text, 'pcwp_serverinfo_refused'), 1)
})

t.test('/openapi.json documents every route with its statuses and headers', async t => {
  const service = await app({ ...STANDARD_ENV, PCWP_SERVERINFO_URL: 'https://chat.example.com/x' })
  t.teardown(() => service.close())
  const res = await service.inject('/openapi.json')
  t.equal(res.statusCode, 200)
  const doc = res.json()
  t.match(doc, { openapi: String, info: { title: 'pcwp-links', version: String } })
  t.same(Object.keys(doc.paths).sort(), [
    '/healthz', '/links', '/links/links.css', '/links/links.js', '/metrics', '/openapi.json', '/persistentchat/rm',
    '/readyz', '/robots.txt', '/rooms', '/rooms/new', '/rooms/{*}', '/rooms/{room}'
  ])
  const room = doc.paths['/rooms/{room}'].get
  t.same(Object.keys(room.responses).sort(), ['302', '400', '410', '503'])
  t.same(Object.keys(room.responses['302'].headers).sort(), ['cache-control', 'location', 'vary'])
  const { headers } = room.responses['302']
  t.same(headers['cache-control'].schema, { type: 'string', enum: ['no-store'] }, 'enum: OpenAPI 3.0 has no const')
  t.same(headers.vary.schema, { type: 'string', enum: ['Accept-Language'] })
  t.match(room.responses['400'].content['application/json'].schema.properties.error.enum, ['PCWP_ROOM_ID_INVALID'])
  t.ok(room.responses['400'].content['text/html'])
  t.match(room.parameters, [{ name: 'lang', in: 'query' }, { name: 'room', in: 'path', required: true }])
  t.same(Object.keys(doc.paths['/readyz'].get.responses).sort(), ['200', '503'])
  t.same(await validateOpenApi(doc), { valid: true }, 'a valid OpenAPI 3.0 document')
})

t.test('readyz answers through its response schema without losing fields', async t => {
  const override: OverrideSource = {
    current: () => undefined,
    state: () => ({
      source: 's', url: null, ageSeconds: null, lastFetchAt: '2026-11-27T00:00:00.000Z', lastError: 'x', refused: false
    })
  }
  const service = await createApp({ config: config(), override })
  t.teardown(() => service.close())
  t.same((await service.inject('/readyz')).json().override, {
    source: 's', url: null, ageSeconds: null, lastFetchAt: '2026-11-27T00:00:00.000Z', lastError: 'x', refused: false
  })
})
