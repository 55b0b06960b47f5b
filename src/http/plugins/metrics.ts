import type { FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, type LabelValues } from 'prom-client'
import { NETWORK_ZONES } from '../../pcwp/index.ts'
import type { FetchResult } from '../../serverinfo/override.ts'
import { PROBLEM_CODES, type ProblemCode } from '../problems.ts'
import type { RoomLinkLog } from './access-log.ts'

const KINDS = ['create', 'room'] as const
const OUTCOMES = ['pcwp', 'moved', 'retired'] as const
const ROUTES = ['create', 'room', 'other'] as const
const FETCH_RESULTS: readonly FetchResult[] = ['override', 'none', 'error']
const RELOAD_RESULTS = ['success', 'failure'] as const
// A redirect takes well under a millisecond; the buckets resolve that range,
// and 0.25 s is the latency alert's threshold.
const DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1]

/** Outcome and status of a room-link answer, as docs/design.md "Metrics" pairs them. */
function redirectLabelSets (redirectStatus: number): LabelValues<string>[] {
  const statusesByOutcome = { pcwp: [String(redirectStatus), '503'], moved: [String(redirectStatus)], retired: ['410'] }
  return KINDS.flatMap(kind => NETWORK_ZONES.flatMap(zone => OUTCOMES.flatMap(outcome =>
    statusesByOutcome[outcome].map(status => ({ kind, zone, status, outcome })))))
}

/**
 * A counter whose documented series exist from the start at 0, and again
 * after the registry's resetMetrics(): a dashboard or alert never sees a
 * series appear from nowhere. Label values never come from a request.
 */
function zeroedCounter (registry: Registry, name: string, help: string, labelNames: readonly string[], labelSets: readonly LabelValues<string>[]): Counter {
  // prom-client's constructor resets before the counter can count: zeroing starts after it.
  let constructed = false
  class ZeroedCounter extends Counter {
    override reset (): void {
      super.reset()
      if (constructed) for (const labels of labelSets) this.inc(labels, 0)
    }
  }
  const counter = new ZeroedCounter({ name, help, labelNames: [...labelNames], registers: [registry] })
  constructed = true
  counter.reset()
  return counter
}

/** The same for a histogram: every series with empty buckets from the start and after a reset. */
function zeroedHistogram (registry: Registry, name: string, help: string, buckets: readonly number[], labelNames: readonly string[], labelSets: readonly LabelValues<string>[]): Histogram {
  class ZeroedHistogram extends Histogram {
    override reset (): void {
      super.reset()
      for (const labels of labelSets) this.zero(labels)
    }
  }
  const histogram = new ZeroedHistogram({ name, help, labelNames: [...labelNames], buckets: [...buckets], registers: [registry] })
  histogram.reset()
  return histogram
}

/** The service's Prometheus metrics (docs/design.md "Metrics"): one registry per service. */
export interface Metrics {
  readonly registry: Registry
  /** For the getserverinfo override's `onFetch`. */
  readonly recordFetch: (result: FetchResult) => void
  /** For the room map's reloads. */
  readonly recordMapReload: (result: typeof RELOAD_RESULTS[number]) => void
  /** Counts one answered request. */
  readonly recordResponse: (request: FastifyRequest, reply: FastifyReply) => void
  /** Gauges read at scrape time from whoever knows their value. */
  readonly observe: (sources: GaugeSources) => void
}

/** Where the gauges read their values when /metrics is scraped; absent sources read as 0. */
export interface GaugeSources {
  readonly override?: () => { readonly inForce: boolean, readonly ageSeconds: number, readonly refused: boolean }
  readonly roomMap?: () => { readonly entries: number, readonly lastReloadSuccessful: boolean }
}

export function createMetrics (redirectStatus: number): Metrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  let sources: GaugeSources = {}

  const redirects = zeroedCounter(registry, 'pcwp_redirects_total',
    'Room links answered, by kind, network zone, status and outcome (pcwp: MS-OCGCWEB; moved, retired: the room map).', ['kind', 'zone', 'status', 'outcome'], redirectLabelSets(redirectStatus))
  const rejections = zeroedCounter(registry, 'pcwp_rejections_total', 'Requests answered with an error other than a retired room, by reason.', ['reason'],
    PROBLEM_CODES.filter(code => code !== 'PCWP_ROOM_RETIRED').map(code => ({ reason: code.toLowerCase() })))
  const fetches = zeroedCounter(registry, 'pcwp_serverinfo_fetch_total', 'getserverinfo fetches, by result (a refused URL counts as none).', ['result'],
    FETCH_RESULTS.map(result => ({ result })))
  const reloads = zeroedCounter(registry, 'pcwp_room_map_reloads_total', 'Room map reloads, by result.', ['result'], RELOAD_RESULTS.map(result => ({ result })))
  const durations = zeroedHistogram(registry, 'pcwp_http_request_duration_seconds', 'Time to answer a request, by route.',
    DURATION_BUCKETS, ['route'], ROUTES.map(route => ({ route })))

  const gauge = (name: string, help: string, read: () => number): void => {
    // The gauge's value is whatever `read` says at scrape time.
    new Gauge({ name, help, registers: [registry], collect () { this.set(read()) } })
  }
  gauge('pcwp_serverinfo_override', '1 while a getserverinfo override is in force (MS-OCGCWEB 3.1.3), else 0.', () => Number(sources.override?.().inForce ?? false))
  gauge('pcwp_serverinfo_age_seconds', 'Seconds since the override in force was last confirmed by the upstream (0 when there is none).', () => sources.override?.().ageSeconds ?? 0)
  gauge('pcwp_serverinfo_refused', '1 while the last getserverinfo reply named a roomManagementUrl that was refused, else 0.', () => Number(sources.override?.().refused ?? false))
  gauge('pcwp_room_map_entries', 'Rooms in the room map in force.', () => sources.roomMap?.().entries ?? 0)
  gauge('pcwp_room_map_last_reload_successful', '0 while the room map file on disk is refused, else 1.', () => Number(sources.roomMap?.().lastReloadSuccessful ?? true))

  return {
    registry,
    recordFetch: result => { fetches.inc({ result }) },
    recordMapReload: result => { reloads.inc({ result }) },
    recordResponse: (request, reply) => {
      const roomLink: RoomLinkLog | null = request.roomLink
      const problem: ProblemCode | null = request.problem
      if (roomLink !== null) {
        redirects.inc({ kind: roomLink.kind, zone: roomLink.zone, status: String(reply.statusCode), outcome: roomLink.outcome })
      }
      if (problem !== null && problem !== 'PCWP_ROOM_RETIRED') rejections.inc({ reason: problem.toLowerCase() })
      durations.observe({ route: roomLink?.kind ?? 'other' }, reply.elapsedTime / 1000)
    },
    observe: next => { sources = next }
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    readonly metrics: Metrics
  }
}

export interface MetricsPluginOptions {
  readonly metrics: Metrics
}

/** Decorates the app with its metrics and counts every answered request. */
export default fp<MetricsPluginOptions>((app, { metrics }, done) => {
  app.decorate('metrics', metrics)
  app.addHook('onResponse', (request, reply, next) => {
    metrics.recordResponse(request, reply)
    next()
  })
  done()
}, { name: 'metrics', dependencies: ['errors'] })
