import type { Metric, Registry } from 'prom-client'

// prom-client's own Counter and Histogram hash their label set into a string
// on every increment, even through a child bound with labels(): in the
// benchmark that was about an eighth of a redirect's CPU time. These families
// have every series made at start-up, are counted with a plain `+=` on the
// request path, and are turned into samples only when /metrics is scraped.

type Labels = Readonly<Record<string, string>>

/** One counter series: increment `value`. */
export interface CounterSeries { readonly labels: Labels, value: number }

/** One histogram series: call `observe`. */
export interface HistogramSeries {
  readonly labels: Labels
  readonly counts: number[]
  sum: number
  count: number
}

/** A sample as prom-client's registry formats it. */
interface Sample {
  readonly metricName?: string
  readonly labels: Readonly<Record<string, string | number>>
  readonly value: number
}

interface Family {
  readonly name: string
  readonly help: string
  get: () => { name: string, help: string, type: 'counter' | 'histogram', aggregator: 'sum', values: Sample[] }
}

function register (registry: Registry, family: Family): void {
  // The registry only calls get() (and reads name): an object with those is
  // a metric to it, whatever its class.
  registry.registerMetric(family as unknown as Metric)
}

/** A counter family whose series are exactly `labelSets`, each starting at 0. */
export function counterFamily (registry: Registry, name: string, help: string, labelSets: readonly Labels[]): CounterSeries[] {
  const series = labelSets.map(labels => ({ labels, value: 0 }))
  register(registry, {
    name,
    help,
    get: () => ({ name, help, type: 'counter', aggregator: 'sum', values: series.map(({ labels, value }) => ({ labels, value })) })
  })
  return series
}

/** A histogram family with fixed buckets (seconds) and one series per label set. */
export function histogramFamily (registry: Registry, name: string, help: string, buckets: readonly number[], labelSets: readonly Labels[]): HistogramSeries[] {
  const series = labelSets.map(labels => ({ labels, counts: buckets.map(() => 0), sum: 0, count: 0 }))
  register(registry, {
    name,
    help,
    get: () => ({
      name,
      help,
      type: 'histogram',
      aggregator: 'sum',
      values: series.flatMap(({ labels, counts, sum, count }) => {
        let cumulative = 0
        return [
          ...buckets.map((le, i) => {
            cumulative += counts[i] as number
            return { metricName: `${name}_bucket`, labels: { ...labels, le }, value: cumulative }
          }),
          { metricName: `${name}_bucket`, labels: { ...labels, le: '+Inf' }, value: count },
          { metricName: `${name}_sum`, labels, value: sum },
          { metricName: `${name}_count`, labels, value: count }
        ]
      })
    })
  })
  return series
}

/** Counts one observation into its bucket: the only work on the request path. */
export function observe (series: HistogramSeries, buckets: readonly number[], value: number): void {
  let i = 0
  while (i < buckets.length && value > (buckets[i] as number)) i++
  if (i < buckets.length) series.counts[i] = (series.counts[i] as number) + 1
  series.sum += value
  series.count++
}
