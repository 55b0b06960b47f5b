// Which metrics and labels PromQL expressions use, and which ones a /metrics
// exposition offers: so that alert rules and dashboards are checked against
// what the service really exports, not against what someone remembered.

/** One metric an expression reads, with the label names it uses on it. */
export interface MetricReference {
  readonly metric: string
  readonly labels: string[]
}

// Aggregation operators take an optional `by`/`without` clause, before or after their arguments.
const AGGREGATIONS = new Set(['sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values', 'bottomk', 'topk', 'quantile', 'limitk', 'limit_ratio'])
const GROUPING = new Set(['by', 'without'])
const MATCHING = new Set(['on', 'ignoring', 'group_left', 'group_right'])
// Words that are never metric names where they stand (operators, modifiers, literals).
const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan', 'atan2', ...GROUPING, ...MATCHING])

type Token =
  | { readonly kind: 'word', readonly text: string }
  | { readonly kind: 'string', readonly text: string }
  | { readonly kind: 'punct', readonly text: string }

const WORD = /[A-Za-z_:][A-Za-z0-9_:]*/y
// Numbers, durations (5m, 1h30m) and hex, scientific and float forms alike: never names.
const NUMBER = /(?:0x[0-9a-fA-F]+|[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)[A-Za-z0-9]*/y
const SPACE_OR_COMMENT = /\s+|#[^\n]*/y
const STRING = /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/y
// A range or subquery (`[5m]`, `[1h:1m]`) names nothing.
const RANGE = /\[[^\]]*\]/y

function tokenize (expr: string): Token[] {
  const tokens: Token[] = []
  let at = 0
  const take = (pattern: RegExp): string | undefined => {
    pattern.lastIndex = at
    const match = pattern.exec(expr)
    if (match === null) return undefined
    at = pattern.lastIndex
    return match[0]
  }
  while (at < expr.length) {
    if (take(SPACE_OR_COMMENT) !== undefined || take(NUMBER) !== undefined || take(RANGE) !== undefined) continue
    const word = take(WORD)
    if (word !== undefined) {
      tokens.push({ kind: 'word', text: word })
      continue
    }
    const string = take(STRING)
    if (string !== undefined) {
      tokens.push({ kind: 'string', text: unquote(string) })
      continue
    }
    tokens.push({ kind: 'punct', text: expr.charAt(at) })
    at++
  }
  return tokens
}

function unquote (literal: string): string {
  const body = literal.slice(1, -1)
  return literal.startsWith('`') ? body : body.replace(/\\(.)/g, '$1')
}

interface Reference { readonly metric: string, readonly labels: Set<string> }

/** A parenthesised expression: the references inside it, and labels that apply to all of them. */
interface Group {
  readonly references: Reference[]
  readonly aggregation: boolean
  readonly labels: string[]
}

/**
 * The metrics an expression reads and the label names it uses on each:
 * selector matchers (`{zone="internal"}`, `{__name__="m"}` as the name),
 * `by`/`without` on an aggregation (for the metrics aggregated), and
 * `on`/`ignoring`/`group_left`/`group_right` on a binary operation (for every
 * metric in the parentheses around it: both operands, so a label must exist
 * on each side). Function names, operators, keywords, numbers, durations and
 * string arguments are not metrics. One entry per metric, in order of first
 * use, labels sorted.
 */
export function metricReferences (expr: string): MetricReference[] {
  const tokens = tokenize(expr)
  const stack: Group[] = [{ references: [], aggregation: false, labels: [] }]
  const all: Reference[] = []
  let aggregationNext = false
  let groupingNext: string[] = []
  let closedAggregation: Group | undefined
  const current = (): Group => stack[stack.length - 1] as Group
  const isPunct = (token: Token | undefined, text: string): boolean => token?.kind === 'punct' && token.text === text

  // Reads `(a, b)` starting at `at` (a '('); returns the names and the index after ')'.
  const readList = (at: number, close: string): [string[], number] => {
    const names: string[] = []
    let i = at + 1
    for (; i < tokens.length && !isPunct(tokens[i], close); i++) {
      // In a selector, label values are strings: every word is a label name.
      const token = tokens[i] as Token
      if (token.kind === 'word') names.push(token.text)
    }
    return [names, i + 1]
  }

  const addReference = (metric: string, labels: string[]): void => {
    const reference = { metric, labels: new Set(labels) }
    all.push(reference)
    current().references.push(reference)
  }

  const addLabels = (references: readonly Reference[], labels: readonly string[]): void => {
    for (const reference of references) for (const label of labels) reference.labels.add(label)
  }

  let i = 0
  while (i < tokens.length) {
    const token = tokens[i] as Token
    const next = tokens[i + 1]
    const wasClosedAggregation = closedAggregation
    closedAggregation = undefined
    if (token.kind === 'word' && (GROUPING.has(token.text) || MATCHING.has(token.text))) {
      const [labels, after] = isPunct(next, '(') ? readList(i + 1, ')') : [[], i + 1]
      if (MATCHING.has(token.text)) current().labels.push(...labels)
      else if (wasClosedAggregation !== undefined) addLabels(wasClosedAggregation.references, labels)
      else groupingNext = labels
      i = after
    } else if (token.kind === 'word' && (isPunct(next, '(') || (AGGREGATIONS.has(token.text) && next?.kind === 'word' && GROUPING.has(next.text)))) {
      // A function or an aggregation: its arguments are the group that follows.
      aggregationNext = AGGREGATIONS.has(token.text)
      i++
    } else if (token.kind === 'word' && !KEYWORDS.has(token.text)) {
      const [labels, after] = isPunct(next, '{') ? readList(i + 1, '}') : [[], i + 1]
      addReference(token.text, labels)
      i = after
    } else if (isPunct(token, '{')) {
      // A selector without a leading name: the name, if any, is its __name__ matcher.
      const start = i
      const [labels, after] = readList(i, '}')
      const name = selectorName(tokens.slice(start, after))
      if (name !== undefined) addReference(name, labels.filter(label => label !== '__name__'))
      i = after
    } else if (isPunct(token, '(')) {
      stack.push({ references: [], aggregation: aggregationNext, labels: groupingNext })
      aggregationNext = false
      groupingNext = []
      i++
    } else if (isPunct(token, ')') && stack.length > 1) {
      const group = stack.pop() as Group
      addLabels(group.references, group.labels)
      current().references.push(...group.references)
      if (group.aggregation) closedAggregation = group
      i++
    } else {
      i++
    }
  }
  addLabels(current().references, current().labels)
  return merge(all)
}

function selectorName (selector: readonly Token[]): string | undefined {
  // Only an exact match (`=`, then the string) names one metric; `=~`, `!=` have a punctuation mark before the string.
  const at = selector.findIndex((token, i) => token.text === '__name__' && selector[i + 1]?.text === '=')
  const value = selector[at + 2]
  return at >= 0 && value?.kind === 'string' ? value.text : undefined
}

function merge (references: readonly Reference[]): MetricReference[] {
  const byMetric = new Map<string, Set<string>>()
  for (const { metric, labels } of references) {
    const known = byMetric.get(metric) ?? new Set<string>()
    for (const label of labels) known.add(label)
    byMetric.set(metric, known)
  }
  return [...byMetric].map(([metric, labels]) => ({ metric, labels: [...labels].sort() }))
}

// A name, its labels if any, and a value: a number, Inf or NaN.
const SAMPLE = /^([A-Za-z_:][A-Za-z0-9_:]*)(?:\{(.*)\})?\s+[-+]?(?:[0-9.]|Inf|NaN)/
const TYPE = /^#\s+TYPE\s+([A-Za-z_:][A-Za-z0-9_:]*)\s+(\w+)/
const LABEL = /\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*"(?:[^"\\]|\\.)*"\s*,?/y
// The series a histogram or summary is queried by; its own name is not one.
const SUFFIXES: Readonly<Record<string, readonly string[]>> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count']
}

/**
 * The series names in a Prometheus text exposition, each with the label
 * names seen on it. A `# TYPE` line declares its series even before any
 * sample (a labelled family with no series yet): a histogram `h` as
 * `h_bucket`, `h_sum`, `h_count`; a summary as `s`, `s_sum`, `s_count`.
 */
export function exportedSeries (exposition: string): Map<string, Set<string>> {
  const series = new Map<string, Set<string>>()
  const labelsOf = (name: string): Set<string> => {
    const known = series.get(name) ?? new Set<string>()
    series.set(name, known)
    return known
  }
  for (const line of exposition.split('\n')) {
    const type = TYPE.exec(line)
    if (type !== null) {
      const [, name, kind] = type as unknown as [string, string, string]
      for (const suffix of SUFFIXES[kind] ?? ['']) labelsOf(name + suffix)
      continue
    }
    const sample = line.startsWith('#') ? null : SAMPLE.exec(line)
    if (sample === null) continue
    const known = labelsOf(sample[1] as string)
    const body = sample[2] ?? ''
    LABEL.lastIndex = 0
    for (let match = LABEL.exec(body); match !== null && match[0] !== ''; match = LABEL.exec(body)) known.add(match[1] as string)
  }
  return series
}

// Added by Prometheus itself, not by the service: the scrape's health series
// and the target labels; `le` is a histogram bucket's own label.
const PROMETHEUS_SERIES = new Set(['up'])
const PROMETHEUS_LABELS = new Set(['job', 'instance', 'le', '__name__'])

/** What the references use that the exposition does not offer, one sentence each, sorted. */
export function unknownReferences (references: readonly MetricReference[], exported: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const problems = new Set<string>()
  for (const { metric, labels } of references) {
    if (PROMETHEUS_SERIES.has(metric)) continue
    const known = exported.get(metric)
    if (known === undefined) {
      problems.add(`unknown metric ${metric}`)
      continue
    }
    for (const label of labels) if (!known.has(label) && !PROMETHEUS_LABELS.has(label)) problems.add(`${metric} has no label ${label}`)
  }
  return [...problems].sort()
}
