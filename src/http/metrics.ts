import type { FastifyInstance } from 'fastify'
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import { NETWORK_ZONES, type NetworkZone } from '../pcwp/index.js'
import type { FetchResult } from '../serverinfo/override.js'
import type { OverrideSource } from '../serverinfo/source.js'
import { PROBLEM_CODES, type ProblemCode } from './problems.js'
import type { RedirectLog } from './rooms.js'
import { metricsSchema } from './schemas.js'

type Kind = RedirectLog['kind']
type RouteLabel = Kind | 'other'

const KINDS: readonly Kind[] = ['create', 'room']
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
 * that counting a request is a property lookup and an increment: no label
 * string is built per request, and no request can create a series.
 */
export function createMetrics (redirectStatus: number): Metrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const redirects = new Counter({ name: 'pcwp_redirects_total', help: 'Room links answered, by kind, network zone and status (503: room management disabled for the zone).', labelNames: ['kind', 'zone', 'status'], registers: [registry] })
  const rejections = new Counter({ name: 'pcwp_rejections_total', help: 'Requests answered with an error, by reason.', labelNames: ['reason'], registers: [registry] })
  const duration = new Histogram({ name: 'pcwp_http_request_duration_seconds', help: 'Time to answer a request, by route.', labelNames: ['route'], buckets: DURATION_BUCKETS, registers: [registry] })
  const fetches = new Counter({ name: 'pcwp_serverinfo_fetch_total', help: 'getserverinfo fetches, by result.', labelNames: ['result'], registers: [registry] })

  // A series is exported from its first increment: start every one at 0.
  const series = (counter: Counter, ...labels: string[]): Counter.Internal => {
    const child = counter.labels(...labels)
    child.inc(0)
    return child
  }
  const redirectSeries = (status: number) => Object.fromEntries(KINDS.map(kind => [kind, Object.fromEntries(
    NETWORK_ZONES.map(zone => [zone, series(redirects, kind, zone, String(status))]))])) as Record<Kind, Record<NetworkZone, Counter.Internal>>
  const redirected = redirectSeries(redirectStatus)
  const disabled = redirectSeries(503)
  const rejected = Object.fromEntries(PROBLEM_CODES.map(code => [code, series(rejections, code.toLowerCase())])) as Record<ProblemCode, Counter.Internal>
  const timed = Object.fromEntries((['create', 'room', 'other'] as const).map(route => [route, duration.labels(route)])) as Record<RouteLabel, Histogram.Internal<string>>
  const fetched = Object.fromEntries(FETCH_RESULTS.map(result => [result, series(fetches, result)])) as Record<FetchResult, Counter.Internal>

  return {
    registry,
    recordFetch: result => { fetched[result].inc() },
    recordResponse: (redirect, problem, status, seconds) => {
      if (redirect !== null) (status === 503 ? disabled : redirected)[redirect.kind][redirect.zone].inc()
      if (problem !== null) rejected[problem].inc()
      timed[redirect === null ? 'other' : redirect.kind].observe(seconds)
    }
  }
}

export interface MetricsRouteOptions {
  readonly metrics: Metrics
  readonly override: OverrideSource | undefined
}

/** GET /metrics, Prometheus text format, and the hook that counts every response. */
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

  app.addHook('onResponse', (request, reply, done) => {
    metrics.recordResponse(request.redirect, request.problem, reply.statusCode, reply.elapsedTime / 1000)
    done()
  })

  app.get('/metrics', { schema: metricsSchema }, async (_request, reply) => reply.type(registry.contentType).header('cache-control', 'no-store').send(await registry.metrics()))
}
