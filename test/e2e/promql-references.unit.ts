// test/fixtures/promql-references.ts: which metrics and labels PromQL uses, as
// the Prometheus grammar reads it, and which a /metrics exposition offers; and
// the shipped alert rules and dashboard in deploy/ checked against what a
// running service's /metrics exports, in a plain configuration.
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { parse } from 'yaml'
import { loadConfig } from '../../src/config.ts'
import { createApp } from '../../src/http/app.ts'
import { exportedSeries, grafanaQuery, metricReferences, unknownReferences } from '../fixtures/promql-references.ts'

const ROOT = new URL('../../', import.meta.url)

t.test('selectors name a metric and the labels they match on', async t => {
  t.same(metricReferences('pcwp_redirects_total{zone="internal", outcome!~"moved|retired"}'), [
    { metric: 'pcwp_redirects_total', labels: ['outcome', 'zone'] }
  ])
  t.same(metricReferences('a_total{} + b'), [{ metric: 'a_total', labels: [] }, { metric: 'b', labels: [] }])
  t.same(metricReferences('a{x="1"} / a{y="}{,\\"z=\\""}'), [{ metric: 'a', labels: ['x', 'y'] }],
    'one entry per metric; braces and quotes in values are values')
  t.same(metricReferences("a{x='1'} or a{z=`}`}"), [{ metric: 'a', labels: ['x', 'z'] }],
    'single-quoted and raw strings')
  const strings = 'a{x=~"[a-z]+{2}", y="# not a comment"} > bool 0 unless label_replace(b, "d", "{$1}", "s", "(.*)")'
  t.same(metricReferences(strings), [
    { metric: 'a', labels: ['x', 'y'] },
    { metric: 'b', labels: [] }
  ], 'brackets, braces and # in strings are values')
})

t.test('a selector without a name names its metric by __name__ or by a quoted name', async t => {
  t.same(metricReferences('{__name__="pcwp_room_map_entries", instance="a"}'), [
    { metric: 'pcwp_room_map_entries', labels: ['instance'] }
  ])
  t.same(metricReferences('{__name__=~"pcwp_.*"}'), [], 'a pattern names no one metric')
  t.same(metricReferences('{__name__!="x"}'), [])
  t.same(metricReferences('{job="pcwp-links"}'), [])
  const quoted = '{"http.server.duration", "url.scheme"="https"} / sum by ("http.route") ({"http.requests"})'
  t.same(metricReferences(quoted), [
    { metric: 'http.server.duration', labels: ['url.scheme'] },
    { metric: 'http.requests', labels: ['http.route'] }
  ], 'quoted (UTF-8) metric and label names')
})

t.test('functions, operators, keywords, numbers, durations and strings are not metrics', async t => {
  t.same(metricReferences('histogram_quantile(0.99, rate(h_bucket[5m] offset 1h)) > 0.25 and bool 1e-3'), [
    { metric: 'h_bucket', labels: [] }
  ])
  t.same(metricReferences('label_replace(up, "dst", "$1", "src", "(.*)") unless vector(1)'), [
    { metric: 'up', labels: [] }
  ])
  t.same(metricReferences('max_over_time(deriv(g[1h:5m])[1d:1h]) @ start() + inf - nan + 0x1F + time()'), [
    { metric: 'g', labels: [] }
  ])
  t.same(metricReferences('# a comment naming not_a_metric\nm # and another'), [{ metric: 'm', labels: [] }])
  t.same(metricReferences(''), [])
  t.same(metricReferences('  # only a comment\n'), [], 'blanks and comments read nothing')
  const modifiers = 'rate(a{x="1"}[5m:] offset -5m @ end()) * on (x) group_left count_values("le", b[10m:1m] @ 170000)'
  t.same(metricReferences(modifiers), [
    { metric: 'a', labels: ['x'] },
    { metric: 'b', labels: ['x'] }
  ], 'subqueries, negative offsets and @ modifiers')
})

t.test('by and without add their labels to the metrics aggregated, before or after the arguments', async t => {
  t.same(metricReferences('sum by (le, route) (rate(h_bucket[5m])) / sum(rate(c[5m]))'), [
    { metric: 'h_bucket', labels: ['le', 'route'] },
    { metric: 'c', labels: [] }
  ])
  t.same(metricReferences('sum(rate(a[5m])) without (reason) + max(b)'), [
    { metric: 'a', labels: ['reason'] },
    { metric: 'b', labels: [] }
  ])
  t.same(metricReferences('topk(3, sum by (room) (x)) by (zone)'), [{ metric: 'x', labels: ['room', 'zone'] }],
    'nested aggregations')
  t.same(metricReferences('count without () (x)'), [{ metric: 'x', labels: [] }])
})

t.test('on, ignoring and group_left/right add their labels to the operands around them', async t => {
  t.same(metricReferences('a == 0 and on (job, instance) b > 0'), [
    { metric: 'a', labels: ['instance', 'job'] },
    { metric: 'b', labels: ['instance', 'job'] }
  ])
  t.same(metricReferences('c + (a * ignoring (result) group_left (zone) b)'), [
    { metric: 'c', labels: [] },
    { metric: 'a', labels: ['result', 'zone'] },
    { metric: 'b', labels: ['result', 'zone'] }
  ], 'only within the parentheses')
  t.same(metricReferences('a / on () group_right b'), [{ metric: 'a', labels: [] }, { metric: 'b', labels: [] }])
  t.same(metricReferences('c + a * on (x) b'), [
    { metric: 'c', labels: [] },
    { metric: 'a', labels: ['x'] },
    { metric: 'b', labels: ['x'] }
  ], 'by precedence: * binds before +')
  t.same(metricReferences('a unless on (job) b or c'), [
    { metric: 'a', labels: ['job'] },
    { metric: 'b', labels: ['job'] },
    { metric: 'c', labels: [] }
  ], 'by precedence: unless binds before or')
})

t.test('an expression that does not parse throws, naming the place', async t => {
  t.throws(() => metricReferences('sum(rate(a[5m])'),
    new SyntaxError('PromQL "sum(rate(a[5m])": a syntax error at offset 15, at the end'), 'an unclosed parenthesis')
  t.throws(() => metricReferences('a) + (b'), { name: 'SyntaxError', message: /offset 1, before "\) \+ \(b"$/ },
    'a stray parenthesis')
  t.throws(() => metricReferences('rate(a[5m]) by (q)'), { name: 'SyntaxError', message: /before "by \(q\)"/ },
    'by after a function that is no aggregation')
  t.throws(() => metricReferences('sum(rate(a{x="1"[5m]))'), SyntaxError, 'an unclosed selector')
  t.throws(() => metricReferences('rate(a[5 m])'), SyntaxError, 'a duration with a blank')
  t.throws(() => metricReferences('a > "open'), { name: 'SyntaxError', message: /an unclosed string at offset 4/ },
    'an unclosed string the grammar would let run to the end')
  t.throws(() => metricReferences('a > "open\\"'), { message: /an unclosed string/ }, 'its quote escaped')
  t.throws(() => metricReferences('rate(a[$__rate_interval])'), SyntaxError, 'a Grafana variable left in')
})

t.test('grafanaQuery replaces the interval variables as Grafana does before it sends a query', async t => {
  // eslint-disable-next-line no-template-curly-in-string -- Grafana's ${…} form, not a template
  t.equal(grafanaQuery('rate(a{i=~"$instance"}[$__rate_interval]) + rate(b[${__interval}]) + c[$__range]'),
    'rate(a{i=~"$instance"}[5m]) + rate(b[5m]) + c[5m]', 'variables in strings are values, left as they are')
  t.equal(grafanaQuery('a[$__interval_ms]'), 'a[$__interval_ms]', 'others are left for the parser to refuse')
})

const EXPOSITION = `# HELP d Duration.
# TYPE d histogram
d_bucket{le="0.1",route="room"} 1
d_bucket{le="+Inf",route="room"} 2
d_sum{route="room"} 0.3
d_count{route="room"} 2
# TYPE e histogram
# TYPE s summary
# TYPE g gauge
g 1 1700000000000
h NaN
i{a="1"} -Inf
c_total{reason="a \\"quoted\\", value",kind="x,y=z"} 3
  # an indented comment
not a sample line
`

t.test('exportedSeries lists every series with its label names', async t => {
  const series = exportedSeries(EXPOSITION)
  t.same(Object.fromEntries([...series].map(([name, labels]) => [name, [...labels].sort()])), {
    d_bucket: ['le', 'route'],
    d_sum: ['route'],
    d_count: ['route'],
    e_bucket: [],
    e_sum: [],
    e_count: [],
    s: [],
    s_sum: [],
    s_count: [],
    g: [],
    h: [],
    i: ['a'],
    c_total: ['kind', 'reason']
  }, 'histograms and summaries by their queried series, even without samples')
})

t.test('unknownReferences names unknown metrics and labels, and ignores what Prometheus adds', async t => {
  const exported = exportedSeries(EXPOSITION)
  t.same(unknownReferences([
    { metric: 'up', labels: ['job', 'anything'] },
    { metric: 'd_bucket', labels: ['job', 'instance', 'le', 'route'] },
    { metric: 'g', labels: ['__name__'] }
  ], exported), [])
  t.same(unknownReferences([
    { metric: 'nope', labels: ['x'] },
    { metric: 'c_total', labels: ['reason', 'zone'] },
    { metric: 'd_sum', labels: ['zone', 'le'] },
    { metric: 'nope', labels: [] },
    { metric: 'd', labels: [] }
  ], exported), ['c_total has no label zone', 'd_sum has no label zone', 'unknown metric d', 'unknown metric nope'])
})

interface Rule {
  readonly alert: string
  readonly expr: string
  readonly for?: string
  readonly labels?: Record<string, string>
  readonly annotations?: Record<string, string>
}
interface Target { readonly expr: string, readonly datasource?: unknown }
interface Panel {
  readonly type: string
  readonly title: string
  readonly datasource?: unknown
  readonly targets?: Target[]
}
interface Dashboard {
  readonly __inputs: { name: string, type: string, pluginId: string }[]
  readonly schemaVersion: number
  readonly uid: string
  readonly panels: Panel[]
  readonly templating: { list: { name: string, type: string, query: unknown, datasource?: unknown }[] }
}

// eslint-disable-next-line no-template-curly-in-string -- Grafana's ${…} form, not a template
const DATASOURCE = { type: 'prometheus', uid: '${DS_PROMETHEUS}' }

/**
 * /metrics of a real service on a loopback port, configured with a base URL and the shipped example room map:
 * every metric exists anyway, and pcwp_room_map_info has its one series.
 */
async function scrape (): Promise<string> {
  const service = await createApp({
    config: loadConfig({
      PCWP_BASE_URL_INTERNAL: 'https://pool.corp.example/rm/',
      PCWP_ROOM_MAP: fileURLToPath(new URL('deploy/room-map.example.csv', ROOT))
    })
  })
  try {
    const address = await service.listen({ host: '127.0.0.1', port: 0 })
    const response = await fetch(`${address}/metrics`)
    return await response.text()
  } finally {
    await service.close()
  }
}

async function shipped (): Promise<{ rules: Rule[], dashboard: Dashboard, exported: Map<string, Set<string>> }> {
  const [rulesText, dashboardText, metricsText] = await Promise.all([
    readFile(new URL('deploy/prometheus/pcwp-links.rules.yml', ROOT), 'utf8'),
    readFile(new URL('deploy/grafana/pcwp-links.json', ROOT), 'utf8'),
    scrape()
  ])
  const { groups } = parse(rulesText) as { groups: { rules: Rule[] }[] }
  return {
    rules: groups.flatMap(group => group.rules),
    dashboard: JSON.parse(dashboardText) as Dashboard,
    exported: exportedSeries(metricsText)
  }
}

t.test('the alert rules use only exported metrics and labels, on job="pcwp-links"', async t => {
  const { rules, exported } = await shipped()
  t.equal(rules.length, 9)
  for (const rule of rules) {
    t.same(unknownReferences(metricReferences(rule.expr), exported), [], rule.alert)
    t.match(rule.labels?.severity, /^(critical|warning)$/, `${rule.alert} has a severity`)
    t.ok((rule.annotations?.summary ?? '').length > 10, `${rule.alert} has a summary`)
    t.match(rule.annotations?.description, /Check first/, `${rule.alert} says what to check first`)
    const jobs = rule.expr.match(/job="[^"]*"/g) ?? []
    t.ok(jobs.length > 0 && jobs.every(job => job === 'job="pcwp-links"'),
      `${rule.alert} selects job="pcwp-links" only`)
    t.notMatch(rule.expr, /\{(?![^}]*job=)[^}]*\}/, `${rule.alert}: every selector names the job`)
  }
})

t.test('the dashboard uses only exported metrics and labels', async t => {
  const { dashboard, exported } = await shipped()
  const targets = dashboard.panels.flatMap(panel => panel.targets ?? [])
  t.ok(targets.length >= 15)
  for (const { expr } of targets) t.same(unknownReferences(metricReferences(grafanaQuery(expr)), exported), [], expr)
  const used = new Set(targets.flatMap(({ expr }) => metricReferences(grafanaQuery(expr)).map(({ metric }) => metric)))
  for (const metric of ['pcwp_redirects_total', 'pcwp_rejections_total', 'pcwp_http_request_duration_seconds_bucket',
    'pcwp_serverinfo_override', 'pcwp_serverinfo_age_seconds', 'pcwp_room_map_entries', 'pcwp_room_map_reloads_total',
    'process_resident_memory_bytes', 'nodejs_eventloop_lag_p99_seconds']) {
    t.ok(used.has(metric), `a panel shows ${metric}`)
  }
})

t.test('the dashboard works imported and provisioned', async t => {
  const { dashboard } = await shipped()
  t.match(dashboard.__inputs, [{ name: 'DS_PROMETHEUS', type: 'datasource', pluginId: 'prometheus' }],
    'import asks for a Prometheus data source')
  t.match(dashboard.templating.list.find(variable => variable.name === 'DS_PROMETHEUS'),
    { type: 'datasource', query: 'prometheus' }, 'provisioning resolves it as a variable')
  t.ok(dashboard.schemaVersion >= 39)
  t.equal(dashboard.uid, 'pcwp-links')
  for (const panel of dashboard.panels.filter(panel => panel.type !== 'row')) {
    t.same(panel.datasource, DATASOURCE, `${panel.title}: panel data source`)
    for (const target of panel.targets ?? []) t.same(target.datasource, DATASOURCE, `${panel.title}: query data source`)
  }
  for (const variable of dashboard.templating.list.filter(variable => variable.type === 'query')) {
    t.same(variable.datasource, DATASOURCE, variable.name)
  }
})
