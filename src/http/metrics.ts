import type { FastifyInstance } from 'fastify'
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client'
import { NETWORK_ZONES, type NetworkZone } from '../pcwp/index.js'
import type { FetchResult } from '../serverinfo/override.js'
import type { OverrideSource } from '../serverinfo/source.js'
import { counterFamily, histogramFamily, observe, type CounterSeries, type HistogramSeries } from './metric-families.js'
import { PROBLEM_CODES, type ProblemCode } from './problems.js'
import type { RedirectLog } from './rooms.js'
import { metricsSchema } from './schemas.js'

type Kind = RedirectLog['kind']
type RouteLabel = Kind | 'other'

const KINDS: readonly Kind[] = ['create', 'room']
const ROUTES: readonly RouteLabel[] = ['create', 'room', 'other']
const FETCH_RESULTS: readonly FetchResult[] = ['override', 'none', 'error']
// A redirect takes well under a millisecond; the buckets resolve that range.
const DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1]

/** The service's Prometheus metrics: one registry per service (tests build several). */
export interface Metrics {
  readonly registry: Registry
  /** For the getserverinfo override's `onFetch`. */
  readonly recordFetch: (result: FetchResult) => void
  /** Counts one answered request; `redirect` and `problem` as the request recorded them. */
  readonly recordResponse: (redirect: RedirectLog | null, problem: ProblemCode | null, status: number, seconds: number) => void
}

/**
 * Creates every series up front, with every label value from a fixed set, so
 * that counting a request is a property lookup and an addition: no label
 * string is built per request (see metric-families.ts), and no request can
 * create a series.
 */
export function createMetrics (redirectStatus: number): Metrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })

  const redirectLabels = KINDS.flatMap(kind => NETWORK_ZONES.flatMap(zone => [String(redirectStatus), '503'].map(status => ({ kind, zone, status }))))
  const redirects = counterFamily(registry, 'pcwp_redirects_total', 'Room links answered, by kind, network zone and status (503: room management disabled for the zone).', redirectLabels)
  const rejections = counterFamily(registry, 'pcwp_rejections_total', 'Requests answered with an error, by reason.', PROBLEM_CODES.map(code => ({ reason: code.toLowerCase() })))
  const durations = histogramFamily(registry, 'pcwp_http_request_duration_seconds', 'Time to answer a request, by route.', DURATION_BUCKETS, ROUTES.map(route => ({ route })))
  const fetches = counterFamily(registry, 'pcwp_serverinfo_fetch_total', 'getserverinfo fetches, by result.', FETCH_RESULTS.map(result => ({ result })))

  // Lookup tables from a request's own values to its series, built once.
  const redirected = Object.fromEntries(KINDS.map(kind => [kind, Object.fromEntries(NETWORK_ZONES.map(zone => [zone, {
    answered: find(redirects, { kind, zone, status: String(redirectStatus) }),
    disabled: find(redirects, { kind, zone, status: '503' })
  }]))])) as Record<Kind, Record<NetworkZone, { answered: CounterSeries, disabled: CounterSeries }>>
  const rejected = Object.fromEntries(PROBLEM_CODES.map(code => [code, find(rejections, { reason: code.toLowerCase() })])) as Record<ProblemCode, CounterSeries>
  const timed = Object.fromEntries(ROUTES.map(route => [route, find(durations, { route })])) as Record<RouteLabel, HistogramSeries>
  const fetched = Object.fromEntries(FETCH_RESULTS.map(result => [result, find(fetches, { result })])) as Record<FetchResult, CounterSeries>

  return {
    registry,
    recordFetch: result => { fetched[result].value++ },
    recordResponse: (redirect, problem, status, seconds) => {
      if (redirect !== null) redirected[redirect.kind][redirect.zone][status === 503 ? 'disabled' : 'answered'].value++
      if (problem !== null) rejected[problem].value++
      observe(timed[redirect === null ? 'other' : redirect.kind], DURATION_BUCKETS, seconds)
    }
  }
}

/** The series with exactly these label values (start-up only). */
function find<T extends { readonly labels: Readonly<Record<string, string>> }> (series: readonly T[], labels: Readonly<Record<string, string>>): T {
  return series.find(s => Object.entries(labels).every(([name, value]) => s.labels[name] === value)) as T
}

export interface MetricsRouteOptions {
  readonly metrics: Metrics
  readonly override: OverrideSource | undefined
}

/** GET /metrics, Prometheus text format (requests are counted by request-log.ts). */
export function registerMetrics (app: FastifyInstance, { metrics, override }: MetricsRouteOptions): void {
  const { registry } = metrics
  if (override !== undefined) {
    new Gauge({
      name: 'pcwp_serverinfo_override',
      help: '1 while a getserverinfo override is in force (MS-PCWP 3.1.3), else 0.',
      registers: [registry],
      collect () { this.set(override.current() === undefined ? 0 : 1) }
    })
    new Gauge({
      name: 'pcwp_serverinfo_age_seconds',
      help: 'Seconds since the override in force was last confirmed by the upstream (0 when there is none).',
      registers: [registry],
      collect () { this.set(override.state().ageSeconds ?? 0) }
    })
  }

  app.get('/metrics', { schema: metricsSchema }, async (_request, reply) => reply.type(registry.contentType).header('cache-control', 'no-store').send(await registry.metrics()))
}
