// The service's Prometheus metrics (docs/design.md "Metrics"), free of the HTTP layer: the process creates
// them before the app, since the getserverinfo override and the room map count into them.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, type LabelValues } from 'prom-client'
import { NETWORK_ZONES, type NetworkZone } from './pcwp/index.ts'
import { PROBLEM_CODES, type ProblemCode } from './problem-codes.ts'
import { OUTCOMES, ROOM_LINK_KINDS, type Outcome, type RoomLinkKind } from './room-outcomes.ts'
import type { FetchResult } from './serverinfo/override.ts'

const ROUTES = ['create', 'room', 'other'] as const
const FETCH_RESULTS: readonly FetchResult[] = ['override', 'none', 'error']
const RELOAD_RESULTS = ['success', 'failure'] as const
// A retired room is an outcome of its room link, not a rejection.
const NOT_REJECTIONS: ReadonlySet<ProblemCode> = new Set(['PCWP_ROOM_RETIRED'])
// The buckets resolve answers of under a millisecond (a redirect's), and 0.25 s
// is the latency alert's threshold.
const DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1]

/** One answered request, as the metrics count it. */
export interface Answer {
  /** The room link answered, when the request was one; its kind is the duration's route. */
  readonly link: { readonly kind: RoomLinkKind, readonly zone: NetworkZone, readonly outcome: Outcome } | null
  readonly status: number
  /** The error code answered with, if any. */
  readonly problem: ProblemCode | null
  /** Time to answer. */
  readonly seconds: number
}

/** The service's Prometheus metrics (docs/design.md "Metrics"): one registry per service. */
export interface Metrics {
  readonly registry: Registry
  /** For the getserverinfo override's `onFetch`. */
  readonly recordFetch: (result: FetchResult) => void
  /** For the room map's reloads. */
  readonly recordMapReload: (result: typeof RELOAD_RESULTS[number]) => void
  /** Counts one answered request. */
  readonly recordAnswer: (answer: Answer) => void
  /** Gauges read at scrape time from whoever knows their value. */
  readonly observe: (sources: GaugeSources) => void
}

/** Where the gauges read their values when /metrics is scraped; absent sources read as 0. */
export interface GaugeSources {
  readonly override?: () => { readonly inForce: boolean, readonly ageSeconds: number, readonly refused: boolean }
  readonly roomMap?: () => {
    readonly entries: number, readonly lastReloadSuccessful: boolean, readonly sha256: string | null
  }
}

/** Outcome and status of a room-link answer, as docs/design.md "Metrics" pairs them. */
function redirectLabelSets (redirectStatus: number): LabelValues<string>[] {
  const statusesByOutcome = { pcwp: [String(redirectStatus), '503'], moved: [String(redirectStatus)], retired: ['410'] }
  return ROOM_LINK_KINDS.flatMap(kind => NETWORK_ZONES.flatMap(zone => OUTCOMES.flatMap(outcome =>
    statusesByOutcome[outcome].map(status => ({ kind, zone, status, outcome })))))
}

interface Series {
  readonly name: string
  readonly help: string
  readonly labelNames: readonly string[]
  /** Every documented label combination: each exists at 0 from the start. Label values never come from a request. */
  readonly labelSets: readonly LabelValues<string>[]
}

function counter (registry: Registry, { name, help, labelNames, labelSets }: Series): Counter {
  const made = new Counter({ name, help, labelNames: [...labelNames], registers: [registry] })
  for (const labels of labelSets) made.inc(labels, 0)
  return made
}

function histogram (registry: Registry, { name, help, labelNames, labelSets }: Series,
  buckets: readonly number[]): Histogram {
  const made = new Histogram({ name, help, labelNames: [...labelNames], buckets: [...buckets], registers: [registry] })
  for (const labels of labelSets) made.zero(labels)
  return made
}

/**
 * A fresh registry with every metric and documented series at 0, so that a
 * dashboard or alert never sees a series appear from nowhere. A test that
 * needs clean counts makes its own.
 */
export function createMetrics (redirectStatus: number): Metrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  let sources: GaugeSources = {}

  const redirects = counter(registry, {
    name: 'pcwp_redirects_total',
    help: 'Room links answered, by kind, network zone, status and outcome ' +
      '(pcwp: MS-OCGCWEB; moved, retired: the room map).',
    labelNames: ['kind', 'zone', 'status', 'outcome'],
    labelSets: redirectLabelSets(redirectStatus)
  })
  const rejections = counter(registry, {
    name: 'pcwp_rejections_total',
    help: 'Requests answered with an error other than a retired room, by reason.',
    labelNames: ['reason'],
    labelSets: PROBLEM_CODES.filter(code => !NOT_REJECTIONS.has(code)).map(code => ({ reason: code.toLowerCase() }))
  })
  const fetches = counter(registry, {
    name: 'pcwp_serverinfo_fetch_total',
    help: 'getserverinfo fetches, by result (a refused URL counts as none).',
    labelNames: ['result'],
    labelSets: FETCH_RESULTS.map(result => ({ result }))
  })
  const reloads = counter(registry, {
    name: 'pcwp_room_map_reloads_total',
    help: 'Room map reloads, by result.',
    labelNames: ['result'],
    labelSets: RELOAD_RESULTS.map(result => ({ result }))
  })
  const durations = histogram(registry, {
    name: 'pcwp_http_request_duration_seconds',
    help: 'Time to answer a request, by route.',
    labelNames: ['route'],
    labelSets: ROUTES.map(route => ({ route }))
  }, DURATION_BUCKETS)

  const gauge = (name: string, help: string, read: () => number): Gauge => {
    // The gauge's value is whatever `read` says at scrape time.
    return new Gauge({ name, help, registers: [registry], collect () { this.set(read()) } })
  }
  gauge('pcwp_serverinfo_override', '1 while a getserverinfo override is in force (MS-OCGCWEB 3.1.3), else 0.',
    () => Number(sources.override?.().inForce ?? false))
  gauge('pcwp_serverinfo_age_seconds',
    'Seconds since the override in force was last confirmed by the upstream (0 when there is none).',
    () => sources.override?.().ageSeconds ?? 0)
  gauge('pcwp_serverinfo_refused',
    '1 while the last getserverinfo reply named a roomManagementUrl that was refused, else 0.',
    () => Number(sources.override?.().refused ?? false))
  gauge('pcwp_room_map_entries', 'Rooms in the room map in force.', () => sources.roomMap?.().entries ?? 0)
  gauge('pcwp_room_map_last_reload_successful', '0 while the last read or fetch of the room map gave a bad map or none, else 1.',
    () => Number(sources.roomMap?.().lastReloadSuccessful ?? true))
  // One series per process at a time: the digest of the map in force, so that replicas can be seen to agree.
  new Gauge({ // eslint-disable-line no-new -- registered by `registers`, read by the registry
    name: 'pcwp_room_map_info',
    help: 'Always 1, labelled with the SHA-256 of the room map in force (none without a map).',
    labelNames: ['sha256'],
    registers: [registry],
    collect () {
      this.reset()
      const sha256 = sources.roomMap?.().sha256 ?? null
      if (sha256 !== null) this.set({ sha256 }, 1)
    }
  })

  return {
    registry,
    recordFetch: result => { fetches.inc({ result }) },
    recordMapReload: result => { reloads.inc({ result }) },
    recordAnswer: ({ link, status, problem, seconds }) => {
      if (link !== null) {
        redirects.inc({ kind: link.kind, zone: link.zone, status: String(status), outcome: link.outcome })
      }
      if (problem !== null && !NOT_REJECTIONS.has(problem)) rejections.inc({ reason: problem.toLowerCase() })
      durations.observe({ route: link?.kind ?? 'other' }, seconds)
    },
    observe: next => { sources = next }
  }
}
