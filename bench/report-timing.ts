// Times `pcwp-links report` on generated access logs: wall time, measured
// around the process, and peak RSS, which the process reports itself
// (process.resourceUsage().maxRSS, written by a preloaded exit hook), the same
// way on every machine.
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'

export interface ReportTiming {
  readonly seconds: number
  readonly peakRssMiB: number
  readonly exitCode: number | null
  /** The report's standard output, in characters (a report that prints nothing is not a report). */
  readonly outputChars: number
}

const REPORT_TIMEOUT_MS = 120_000
const RECORD_MAX_RSS = 'data:text/javascript,import { writeFileSync } from "node:fs"; process.on("exit", () => { writeFileSync(process.env.BENCH_MAX_RSS_FILE, String(process.resourceUsage().maxRSS)) })'

/** Whether the CLI lists a `report` command in its help. */
export function hasReportCommand (cli: string): boolean {
  return /^\s+report\b/m.test(execFileSync(process.execPath, [cli, '--help'], { encoding: 'utf8' }))
}

/** Runs `node <cli> report <files>` (killed after two minutes). */
export async function timeReport (cli: string, files: readonly string[], dir: string): Promise<ReportTiming> {
  const rssFile = join(dir, 'report-max-rss')
  rmSync(rssFile, { force: true })
  const started = performance.now()
  const child = spawn(process.execPath, ['--import', RECORD_MAX_RSS, cli, 'report', ...files], {
    env: { ...process.env, BENCH_MAX_RSS_FILE: rssFile },
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: REPORT_TIMEOUT_MS
  })
  let outputChars = 0
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { outputChars += chunk.length })
  const exitCode = await new Promise<number | null>(resolve => child.once('close', resolve))
  const seconds = (performance.now() - started) / 1000
  // A process killed by the time limit leaves no figure.
  const peakRssMiB = existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8')) / 1024 : NaN
  return { seconds, peakRssMiB, exitCode, outputChars }
}
