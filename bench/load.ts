// Load generation: wrk when installed (one thread, on its own CPU), else
// autocannon in this process. Every load is bounded by its duration.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import autocannon from 'autocannon'
import type { BenchRequest } from './mix.ts'
import { commandExists, pinned } from './processes.ts'

export const WRK = commandExists('wrk')

export interface Load {
  readonly rps: number
  readonly p50: number
  readonly p99: number
  /** The slowest request's latency, in ms. */
  readonly max: number
  readonly requests: number
  /** Socket errors, timeouts and answers whose status is not an expected one. */
  readonly errors: number
}

export interface Workload {
  readonly mix: readonly BenchRequest[]
  /** The wrk script sending `mix` (mix.ts's wrkScript). */
  readonly wrkScriptFile: string
  readonly expected: readonly number[]
}

function milliseconds (text: string): number {
  const match = /^([\d.]+)(us|ms|s)$/.exec(text)
  if (match === null) return NaN
  return Number(match[1]) * { us: 0.001, ms: 1, s: 1000 }[match[2] as 'us' | 'ms' | 's']
}

export async function generate (port: number, seconds: number, connections: number, workload: Workload): Promise<Load> {
  if (WRK) {
    const [command, args] = pinned(1, 'wrk', ['-t1', `-c${String(connections)}`, `-d${String(seconds)}s`, '--latency', '-s', workload.wrkScriptFile, `http://127.0.0.1:${String(port)}`])
    // Asynchronous, so that this process's timers (scrapes, the reload signal) fire during the load.
    const { stdout: out } = await promisify(execFile)(command, args, { encoding: 'utf8' })
    const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out)
    return {
      rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]),
      p50: milliseconds(/ 50%\s+(\S+)/.exec(out)?.[1] ?? ''),
      p99: milliseconds(/ 99%\s+(\S+)/.exec(out)?.[1] ?? ''),
      // Latency: average, standard deviation, max, share within one deviation.
      max: milliseconds(/Latency\s+\S+\s+\S+\s+(\S+)/.exec(out)?.[1] ?? ''),
      requests: Number(/(\d+) requests in/.exec(out)?.[1]),
      errors: Number(/Unexpected statuses: (\d+)/.exec(out)?.[1] ?? NaN) +
        (socketErrors === null ? 0 : socketErrors.slice(1).reduce((sum, n) => sum + Number(n), 0))
    }
  }
  const result = await autocannon({
    url: `http://127.0.0.1:${String(port)}`,
    connections,
    duration: seconds,
    requests: workload.mix.map(({ path, headers }) => ({ method: 'GET' as const, path, headers: { ...headers } }))
  })
  const codes: Record<string, { count?: number }> = result.statusCodeStats ?? {}
  const good = Object.entries(codes)
    .filter(([code]) => workload.expected.includes(Number(code)))
    .reduce((sum, [, s]) => sum + (s.count ?? 0), 0)
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    requests: result.requests.total,
    errors: result.errors + result.timeouts + result.requests.total - good
  }
}
