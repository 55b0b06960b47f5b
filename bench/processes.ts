// The servers under load: started as child processes on loopback, their log
// in a file, and measured from /proc (peak RSS, CPU time).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { openSync, readFileSync } from 'node:fs'
import { request, type IncomingHttpHeaders } from 'node:http'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { freePort } from './free-port.ts'

export function commandExists (name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

export const PINNED = availableParallelism() >= 2 && commandExists('taskset')

/** The servers on CPU 0, the load generator on CPU 1, when there are two. */
export function pinned (cpu: number, command: string, args: readonly string[]): [string, string[]] {
  return PINNED ? ['taskset', ['-c', String(cpu), command, ...args]] : [command, [...args]]
}

export interface Answer { status: number, headers: IncomingHttpHeaders, body: string }

/** One GET on loopback, without keep-alive; status 0 when the connection fails. */
export async function get (port: number, path: string): Promise<Answer> {
  return new Promise(resolve => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, res => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => { body += chunk })
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, headers: res.headers, body }) })
    })
    req.on('error', () => { resolve({ status: 0, headers: {}, body: '' }) })
    req.end()
  })
}

/** Asks `check` every `everyMs` until it holds; false once `deadlineMs` has passed. */
export async function poll (check: () => Promise<boolean>, deadlineMs: number, everyMs = 10): Promise<boolean> {
  const until = performance.now() + deadlineMs
  while (performance.now() < until) {
    if (await check()) return true
    await new Promise(resolve => setTimeout(resolve, everyMs))
  }
  return false
}

export interface Started {
  readonly child: ChildProcess
  readonly pid: number
  readonly port: number
  readonly logFile: string
  /** performance.now() at the spawn. */
  readonly spawnedAt: number
  readonly firstRedirectMs: number
}

/**
 * Starts `node <args>` with `env` (plus PATH and PORT), its standard output
 * and error written to a file in `dir`, and measures the time from spawn to
 * its first 302 on /rooms/new.
 */
export async function startServer (
  name: string, args: readonly string[], env: Readonly<Record<string, string>>, dir: string, cwd: string
): Promise<Started> {
  const port = await freePort()
  const logFile = join(dir, `${name.replace(/\W/g, '-')}-${String(port)}.log`)
  const log = openSync(logFile, 'w')
  const [command, commandArgs] = pinned(0, process.execPath, args)
  const started = performance.now()
  const child = spawn(command, commandArgs, {
    cwd, env: { PATH: process.env.PATH, ...env, PORT: String(port) }, stdio: ['ignore', log, log]
  })
  const answered = await poll(async () => {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${String(child.exitCode)}: see ${logFile}`)
    return (await get(port, '/rooms/new')).status === 302
  }, 15_000).catch((error: unknown) => error as Error)
  if (answered !== true) {
    child.kill('SIGKILL') // the bench stops by itself: nothing is left running
    throw answered === false ? new Error(`${name} did not redirect within 15 s: see ${logFile}`) : answered
  }
  return {
    child, pid: child.pid as number, port, logFile, spawnedAt: started, firstRedirectMs: performance.now() - started
  }
}

/** SIGTERM, then SIGKILL if it has not exited within 10 s. */
export async function stop ({ child }: Started): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise(resolve => child.once('exit', resolve))
  child.kill('SIGTERM')
  const killer = setTimeout(() => child.kill('SIGKILL'), 10_000)
  await exited
  clearTimeout(killer)
}

/** The process's peak resident set size so far (VmHWM), in MiB. */
export function peakRssMiB (pid: number): number {
  const status = readFileSync(`/proc/${String(pid)}/status`, 'utf8')
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024
}

/** User and system CPU time the process has used, in microseconds (all its threads). */
export function cpuMicroseconds (pid: number): number {
  const fields = readFileSync(`/proc/${String(pid)}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
  // utime and stime are fields 14 and 15 of /proc/<pid>/stat, in clock ticks (100 Hz on Linux).
  return (Number(fields[11]) + Number(fields[12])) * 10_000
}
