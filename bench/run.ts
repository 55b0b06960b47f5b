// npm run bench: the service as shipped against the stack floor (the same
// packages, used the same idiomatic way, answering a fixed 302: the targets)
// and bare fastify (information), in interleaved rounds; the service with a
// 200,000-room map against the service without one; the same map fetched over
// HTTPS and refreshed every second; and `pcwp-links report`
// on a million-line access log. With --reference "<node arguments>", a second
// service started with those arguments takes the floor's and bare fastify's
// place: an A/B comparison of two versions, without targets. Loopback only;
// every load is bounded by --rounds × --duration, every wait by a deadline.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { availableParallelism, cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { writeAccessLog } from './access-log-fixture.ts'
import { generate, WRK, type Load, type Workload } from './load.ts'
import { requestMix, spelled, wrkScript, type BenchRequest } from './mix.ts'
import { cpuMicroseconds, get, peakRssMiB, PINNED, poll, startServer, stop, type Started } from './processes.ts'
import { hasReportCommand, timeReport, type ReportTiming } from './report-timing.ts'
import { mixRooms, writeRoomMap, type RoomMapSample } from './room-map-fixture.ts'
import { selfSignedCertificate, servedMap, startMapServer, type MapServer, type ServedMap } from './room-map-server.ts'
import { bundleForNode } from '../scripts/bundle.ts'

const ALL_SCENARIOS = [
  'mix', 'override', 'hanging-upstream', 'metrics-scrape', 'room-map', 'room-map-url', 'report'
]
const { values: options } = parseArgs({
  options: {
    duration: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '50' },
    scenarios: { type: 'string', default: ALL_SCENARIOS.join(',') },
    smoke: { type: 'boolean', default: false },
    reference: { type: 'string' },
    markdown: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false }
  }
})
const SMOKE = options.smoke
const DURATION_S = SMOKE ? 1 : Number(options.duration)
const ROUNDS = SMOKE ? 1 : Number(options.rounds)
const CONNECTIONS = Number(options.connections)
const SCENARIOS = options.scenarios.split(',')
const unknown = SCENARIOS.filter(name => !ALL_SCENARIOS.includes(name))
const USAGE = `usage: npm run bench -- [--smoke] [--scenarios ${ALL_SCENARIOS.join(',')}] [--rounds N] [--duration S] [--connections N] [--reference "<node arguments>"] [--markdown]`
if (options.help) {
  console.log(USAGE)
  process.exit(0)
}
if (unknown.length > 0 || !(DURATION_S > 0) || !(ROUNDS >= 1) || !(CONNECTIONS >= 1)) {
  console.error(`${USAGE}${unknown.length > 0 ? `\nunknown scenario: ${unknown.join(', ')}` : ''}`)
  process.exit(2)
}
const MAP_ROWS = 200_000
const LOG_LINES = SMOKE ? 50_000 : 1_000_000
const LOG_ROOMS = 5000
const SEED = 20_261_127
const ROOT = new URL('..', import.meta.url).pathname
const WORK = mkdtempSync(join(tmpdir(), 'pcwp-bench-'))

/**
 * A server in a scenario: its name in the tables, node's arguments, its environment beyond the scenario's, and the
 * load it gets.
 */
interface Contender {
  readonly name: string
  readonly args: readonly string[]
  readonly env: Readonly<Record<string, string>>
  readonly service: boolean
  readonly workload: Workload
  /** Answers /metrics, and so is scraped in the metrics-scrape scenario. */
  readonly scraped: boolean
}
interface Row extends Load { readonly round: number, readonly server: string, readonly cpuUs: number }
/** The medians of a server's rounds, and its process's figures. */
interface Summary {
  readonly scenario: string
  readonly server: string
  readonly rps: number
  readonly p50: number
  readonly p99: number
  readonly cpuUs: number
  readonly errors: number
  readonly peakRssMiB: number
  readonly firstRedirectMs: number
}
/** A target and whether it was met (null: not measured in this run). */
interface Target {
  readonly scenario: string
  readonly target: string
  readonly figure: string
  readonly met: boolean | null
}

const summaries: Summary[] = []
const targets: Target[] = []
const notes: string[] = []
const fmt = (n: number, digits = 2) => Number.isFinite(n) ? n.toFixed(digits) : 'n/a'

function workload (name: string, mix: readonly BenchRequest[], expected: readonly number[]): Workload {
  const wrkScriptFile = join(WORK, `${name}.lua`)
  writeFileSync(wrkScriptFile, wrkScript(mix, expected))
  return { mix, wrkScriptFile, expected }
}

function median (values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid] as number : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

const pad = (cells: readonly string[]) => cells.map((c, i) => i < 3 ? c.padEnd(16) : c.padStart(10)).join(' ')
const roundLine = (scenario: string, row: Row) => pad([
  scenario, String(row.round), row.server, fmt(row.rps, 0), fmt(row.p50, 3), fmt(row.p99, 3), fmt(row.max, 0),
  fmt(row.cpuUs, 1), String(row.errors)
])

/** Loads a server and measures its throughput, latency, errors and CPU time per request. */
async function load (server: Started, contender: Contender, seconds: number): Promise<Load & { cpuUs: number }> {
  const before = cpuMicroseconds(server.pid)
  const result = await generate(server.port, seconds, CONNECTIONS, contender.workload)
  return { ...result, cpuUs: (cpuMicroseconds(server.pid) - before) / result.requests }
}

interface RoundHooks {
  /** Called as the first measured load of `index` (a contender) begins. */
  readonly firstLoad?: (index: number, server: Started) => void
}

/**
 * Warms every server up (not measured), then measures them in rounds, each
 * server first in turn (A B C, B C A, C A B), so that the drifts of a shared
 * machine hit all alike.
 */
async function rounds (
  scenario: string, contenders: readonly Contender[], started: readonly Started[], hooks: RoundHooks = {}
): Promise<Row[]> {
  if (!SMOKE) {
    for (const [i, server] of started.entries()) await load(server, contenders[i] as Contender, 2)
  }
  const rows: Row[] = []
  const order = [...started.keys()]
  for (let round = 1; round <= ROUNDS; round++) {
    const shift = (round - 1) % order.length
    for (const i of [...order.slice(shift), ...order.slice(0, shift)]) {
      const contender = contenders[i] as Contender
      const server = started[i] as Started
      if (round === 1) hooks.firstLoad?.(i, server)
      const row = { round, server: contender.name, ...await load(server, contender, DURATION_S) }
      console.log(roundLine(scenario, row))
      rows.push(row)
    }
  }
  return rows
}

function summarize (
  scenario: string, contenders: readonly Contender[], started: readonly Started[], rows: readonly Row[]
): Summary[] {
  return contenders.map((contender, i) => {
    const own = rows.filter(row => row.server === contender.name)
    const server = started[i] as Started
    const of = (key: 'rps' | 'p50' | 'p99' | 'cpuUs') => median(own.map(row => row[key]))
    return {
      scenario,
      server: contender.name,
      rps: of('rps'),
      p50: of('p50'),
      p99: of('p99'),
      cpuUs: of('cpuUs'),
      errors: own.reduce((sum, row) => sum + row.errors, 0),
      peakRssMiB: peakRssMiB(server.pid),
      firstRedirectMs: server.firstRedirectMs
    }
  })
}

async function startAll (contenders: readonly Contender[], env: Readonly<Record<string, string>>): Promise<Started[]> {
  const started: Started[] = []
  for (const contender of contenders) {
    started.push(await startServer(
      contender.name, contender.args, { ...contender.service ? env : {}, ...contender.env }, WORK, ROOT
    ))
  }
  return started
}

// ---- getserverinfo upstreams
const OVERRIDE_HOST = 'https://chatadmin.contoso.com/rooms/'
const OVERRIDE_REPLY = `<xccos ver="1" envid="5823019934471203397" xmlns="urn:parlano:xml:ns:xccos"><rpl id="rpl:getserverinfo" seqid="1"><resp code="200">SUCCESS_OK</resp><data><sib infoType="123" roomManagementUrl="${OVERRIDE_HOST}"/></data></rpl></xccos>`

async function upstream (hang: boolean): Promise<{ server: Server, url: string }> {
  const server = createServer((_req, res) => {
    if (hang) return // never answers
    res.writeHead(200, { 'content-type': 'application/xml' })
    res.end(OVERRIDE_REPLY)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return { server, url: `http://127.0.0.1:${String((server.address() as AddressInfo).port)}/getserverinfo` }
}

const BASE_INTERNAL = 'https://pool.corp.example/PersistentChat/RM/'
const SERVICE_ENV = {
  NODE_ENV: 'production',
  HOST: '127.0.0.1',
  PCWP_BASE_URL_INTERNAL: BASE_INTERNAL,
  PCWP_BASE_URL_EXTERNAL: 'https://chat.example.com/PersistentChat/RM/?tenant=contoso',
  PCWP_INTERNAL_CIDRS: '10.0.0.0/8,192.168.0.0/16',
  PCWP_TRUST_PROXY: '127.0.0.1'
}

// ---- the service against the floor: mix, override, hanging-upstream, metrics-scrape
async function plainScenario (name: string, contenders: readonly Contender[]): Promise<void> {
  const env: Record<string, string> = { ...SERVICE_ENV }
  const up = name === 'override' || name === 'hanging-upstream'
    ? await upstream(name === 'hanging-upstream')
    : undefined
  if (up !== undefined) {
    env.PCWP_SERVERINFO_URL = up.url
    env.PCWP_SERVERINFO_TIMEOUT_MS = '60000'
  }
  const started = await startAll(contenders, env)
  if (name === 'override') {
    for (const [i, server] of started.entries()) {
      if (!(contenders[i] as Contender).service) continue
      const applied = await poll(
        async () => (await get(server.port, '/rooms/new')).headers.location?.startsWith(OVERRIDE_HOST) === true,
        2000
      )
      if (!applied) notes.push(`override: ${(contenders[i] as Contender).name} did not use the override within 2 s`)
    }
  }
  // Prometheus scraping once a second, as a busy monitoring setup would.
  const scraper = name === 'metrics-scrape'
    ? setInterval(() => {
      for (const [i, { port }] of started.entries()) {
        if ((contenders[i] as Contender).scraped) void get(port, '/metrics')
      }
    }, 1000)
    : undefined
  const rows = await rounds(name, contenders, started)
  clearInterval(scraper)
  const summary = summarize(name, contenders, started, rows)
  await Promise.all(started.map(stop))
  up?.server.closeAllConnections()
  up?.server.close()
  summaries.push(...summary)
  const [service, floor, bare] = summary as [Summary, Summary, Summary | undefined]
  if (bare === undefined) return // a comparison of two services has no targets
  const throughput = service.rps / floor.rps
  const p99 = service.p99 / floor.p99
  targets.push(
    {
      scenario: name,
      target: 'throughput ≥ 1.0× the stack floor',
      figure: `${fmt(throughput, 3)}×`,
      met: throughput >= 1
    },
    { scenario: name, target: 'p99 ≤ 1.25× the stack floor\'s', figure: `${fmt(p99, 3)}×`, met: p99 <= 1.25 },
    { scenario: name, target: 'no errors', figure: String(service.errors), met: service.errors === 0 },
    {
      scenario: name,
      target: 'first redirect ≤ 1 s after start',
      figure: `${fmt(service.firstRedirectMs, 0)} ms`,
      met: service.firstRedirectMs <= 1000
    }
  )
  if (name === 'override') {
    targets.push({
      scenario: name,
      target: 'peak RSS ≤ 128 MiB (getserverinfo source, no room map)',
      figure: `${fmt(service.peakRssMiB, 1)} MiB`,
      met: service.peakRssMiB <= 128
    })
  }
  notes.push(`${name}: floor/bare (information): throughput ${fmt(floor.rps / bare.rps, 3)}×, p99 ${fmt(floor.p99 / bare.p99, 3)}×, CPU per request ${fmt(floor.cpuUs / bare.cpuUs, 2)}×`)
}

// ---- room-map: the service with a 200,000-room map against the service without
/** The part of a map target before its first placeholder: where a moved room's redirect must lead. */
const targetPrefix = (target: string) => target.split('{')[0] as string

interface MapCheck {
  readonly applied: boolean
  readonly readyMs: number
  readonly entries: number | undefined
  readonly problems: readonly string[]
}

/**
 * Whether the service applies the map (its /readyz reports one), and then
 * how long after the spawn a moved room first redirects to its target, and
 * whether retired, kept and unlisted rooms answer as mapped.
 */
async function checkRoomMap (server: Started, sample: RoomMapSample): Promise<MapCheck> {
  const ready = JSON.parse((await get(server.port, '/readyz')).body) as { roomMap?: { entries?: number } }
  if (ready.roomMap === undefined) return { applied: false, readyMs: NaN, entries: undefined, problems: [] }
  const [moved] = sample.moved as [RoomMapSample['moved'][number]]
  const redirected = await poll(
    async () => (await get(server.port, `/rooms/${moved.room}`)).headers.location
      ?.startsWith(targetPrefix(moved.target)) === true,
    10_000
  )
  const readyMs = redirected ? performance.now() - server.spawnedAt : NaN
  const problems: string[] = []
  if (!redirected) problems.push(`moved room ${moved.room} never redirected to ${moved.target}`)
  for (const room of sample.retired) {
    const { status } = await get(server.port, `/rooms/${spelled(room, 2)}`)
    if (status !== 410) problems.push(`retired room ${room} answered ${String(status)}`)
  }
  for (const room of [...sample.kept, ...sample.unlisted]) {
    const { status, headers } = await get(server.port, `/rooms/${room}`)
    if (status !== 302 || headers.location?.startsWith('https://chat.example.com/PersistentChat/RM/') !== true) problems.push(`room ${room} (kept or unlisted) answered ${String(status)} ${headers.location ?? ''}`)
  }
  return { applied: true, readyMs, entries: ready.roomMap.entries, problems }
}

/** The count of successful room map reloads the service reports, or 0. */
async function reloads (port: number): Promise<number> {
  const { body } = await get(port, '/metrics')
  return Number(/^pcwp_room_map_reloads_total\{result="success"\} (\d+)/m.exec(body)?.[1] ?? 0)
}

/**
 * The stack floor on the two mixes of the room-map scenario: on the plain
 * mix, and on the map's mix with the retired rooms answered by a fixed 410
 * page, the bytes of the service's own page for one of them.
 */
async function floorsOnMapMix (
  floor: Contender, withMap: Started, sample: RoomMapSample, mapWorkload: Workload
): Promise<Contender[]> {
  const page = join(WORK, 'retired-page.html')
  writeFileSync(page, (await get(withMap.port, `/rooms/${sample.retired[0] ?? ''}`)).body)
  const gone = sample.retired.map(room => room.toUpperCase()).join(',')
  return [
    floor,
    { ...floor, name: 'floor+410', env: { FLOOR_GONE_ROOMS: gone, FLOOR_GONE_PAGE: page }, workload: mapWorkload }
  ]
}

async function roomMapScenario (service: Contender, floor: Contender | undefined): Promise<void> {
  const mapFile = join(WORK, 'room-map.csv')
  const sample = writeRoomMap(mapFile, MAP_ROWS, SEED)
  const mapped: Contender = {
    ...service,
    name: 'service+map',
    env: { ...service.env, PCWP_ROOM_MAP: mapFile },
    workload: workload('room-map', requestMix(mixRooms(sample)), [302, 410])
  }
  const started = await startAll([service, mapped], SERVICE_ENV)
  const [plain, withMap] = started as [Started, Started]
  const check = await checkRoomMap(withMap, sample)
  const floors = floor === undefined || !check.applied
    ? []
    : await floorsOnMapMix(floor, withMap, sample, mapped.workload)
  started.push(...await startAll(floors, SERVICE_ENV))
  const contenders = [service, mapped, ...floors]
  const reloadsBefore = check.applied ? await reloads(withMap.port) : 0
  const rows = await rounds('room-map', contenders, started, {
    // One reload (SIGHUP) halfway through the map's first measured load.
    firstLoad: (index, server) => {
      if (index === 1 && check.applied) setTimeout(() => server.child.kill('SIGHUP'), DURATION_S * 500)
    }
  })
  const reloaded = check.applied && await poll(async () => await reloads(withMap.port) > reloadsBefore, 10_000)
  const alive = withMap.child.exitCode === null
  const [withoutSummary, withSummary, ...floorSummaries] =
    summarize('room-map', contenders, started, rows) as [Summary, Summary, ...Summary[]]
  await Promise.all(started.map(stop))
  summaries.push(withoutSummary, withSummary, ...floorSummaries)
  const [floorPlain, floorGone] = floorSummaries
  if (floorPlain !== undefined && floorGone !== undefined) {
    notes.push(`room-map: the stack floor on the same two mixes (a fixed 410 page of the service's bytes for the retired rooms, a fixed 302 for the others): throughput ${fmt(floorGone.rps / floorPlain.rps, 3)}×, p99 ${fmt(floorGone.p99 / floorPlain.p99, 3)}×`)
  }
  const throughput = withSummary.rps / withoutSummary.rps
  const p99 = withSummary.p99 / withoutSummary.p99
  const loadMs = check.readyMs - plain.firstRedirectMs
  const judged = (met: boolean) => check.applied ? met : null
  if (check.applied) fileMapFigures = { loadMs, peakRssMiB: withSummary.peakRssMiB }
  targets.push(
    { scenario: 'room-map', target: 'map applied: moved, retired and unlisted rooms answer as mapped', figure: check.applied ? (check.problems.join('; ') || `${String(check.entries ?? '?')} entries`) : 'not applied by this build', met: judged(check.problems.length === 0) },
    {
      scenario: 'room-map',
      target: 'throughput ≥ 0.95× the plain mix\'s',
      figure: `${fmt(throughput, 3)}×`,
      met: judged(throughput >= 0.95)
    },
    { scenario: 'room-map', target: 'p99 ≤ 1.1× the plain mix\'s', figure: `${fmt(p99, 3)}×`, met: judged(p99 <= 1.1) },
    { scenario: 'room-map', target: 'map load < 2 s (first mapped redirect, less the plain service\'s first redirect)', figure: `${fmt(loadMs, 0)} ms (${fmt(check.readyMs, 0)} − ${fmt(plain.firstRedirectMs, 0)})`, met: judged(loadMs < 2000) },
    { scenario: 'room-map', target: 'peak RSS with the map and one reload ≤ 256 MiB', figure: `${fmt(withSummary.peakRssMiB, 1)} MiB${reloaded ? '' : ', reload not confirmed'}${alive ? '' : ', the service died'}`, met: judged(reloaded && alive && withSummary.peakRssMiB <= 256) }
  )
}

// ---- room-map-url: the same map over HTTPS, refreshed every second by a conditional GET
// Both loads of a round last at least 8 s, so that a whole reload (the refresh within about 1 s of the change,
// then 2–4 s of fetching and parsing under load) fits in one.
const URL_LOAD_S = Math.max(DURATION_S, 8)
/** The file scenario's figures in this run, for a note beside the URL's. */
let fileMapFigures: { readonly loadMs: number, readonly peakRssMiB: number } | undefined

/** The SHA-256 of the map in force, as /readyz shows it. */
async function mapSha256 (port: number): Promise<string | undefined> {
  const { status, body } = await get(port, '/readyz')
  if (status === 0) return undefined
  try {
    return (JSON.parse(body) as { roomMap?: { sha256?: string | null } }).roomMap?.sha256 ?? undefined
  } catch {
    return undefined
  }
}

/**
 * The longest the service's event loop was held since the last scrape of its
 * /metrics (prom-client's nodejs_eventloop_lag_max_seconds, reset by each
 * scrape), in ms: a stall seen from inside, whatever the load generator's own
 * event loop does.
 */
async function eventLoopMaxMs (port: number): Promise<number> {
  const { body } = await get(port, '/metrics')
  return Number(/^nodejs_eventloop_lag_max_seconds (\S+)/m.exec(body)?.[1] ?? NaN) * 1000
}

/**
 * The map with its last row (a retired room, in none of the mix's samples)
 * replaced by another retired room: 200,000 rows still, one changed.
 */
function changedMap (base: Buffer, change: number): ServedMap {
  const lastRow = base.lastIndexOf('\n', base.length - 2) + 1
  const room = `BE4C${change.toString(16).toUpperCase().padStart(4, '0')}-0000-4000-8000-000000000000`
  const row = `${room},retired,Bench change ${String(change)},Changed by the bench so that the map is fetched again\n`
  return servedMap(Buffer.concat([base.subarray(0, lastRow), Buffer.from(row)]))
}

interface MapChange {
  /** performance.now() when the service asked for the changed map (its 200), NaN if it did not. */
  readonly fetchedAt: number
  /** performance.now() when /readyz first showed the changed map's SHA-256, NaN if not within 30 s. */
  readonly swappedAt: number
  /** The service's CPU time from the change to the swap, in ms. */
  readonly cpuMs: number
}

/** A view of the map server's answers from `since` (performance.now()) on. */
const answers = (server: MapServer, status: 200 | 304, since = 0, until = Infinity) =>
  server.fetches.filter(fetch => fetch.status === status && fetch.at >= since && fetch.at < until).length

async function roomMapUrlScenario (service: Contender): Promise<void> {
  const scenario = 'room-map-url'
  const mapFile = join(WORK, 'room-map-url.csv')
  const sample = writeRoomMap(mapFile, MAP_ROWS, SEED)
  const base = readFileSync(mapFile)
  const certificate = await selfSignedCertificate(join(WORK, 'tls'))
  const first = servedMap(base)
  let changes = 0
  const mapServer = await startMapServer(certificate, first)
  const mapped: Contender = {
    ...service,
    name: 'service+url',
    env: {
      ...service.env,
      PCWP_ROOM_MAP: mapServer.url,
      PCWP_ROOM_MAP_REFRESH_S: '1',
      // Within startServer's 15 s: a service that cannot fetch the map exits by itself.
      PCWP_ROOM_MAP_START_TIMEOUT_S: '10',
      NODE_EXTRA_CA_CERTS: certificate.certFile
    },
    workload: workload(scenario, requestMix(mixRooms(sample)), [302, 410])
  }
  const reloading: Contender = { ...mapped, name: 'service+url+reload' }
  const started: Started[] = []

  /**
   * Changes the served map just after a refresh (so that the next comes about
   * 1 s later), calls `during` at once, and waits (30 s at most) until
   * /readyz shows the changed map.
   */
  async function change (server: Started, during: () => Promise<void>): Promise<MapChange> {
    changes++
    // Hashed before: 36 MB hashed while the load runs would hold the load generator.
    const next = changedMap(base, changes)
    const since = performance.now()
    await poll(() => Promise.resolve(answers(mapServer, 304, since) > 0), 5000)
    const cpuBefore = cpuMicroseconds(server.pid)
    const changedAt = performance.now()
    mapServer.serve(next)
    let swappedAt = NaN
    const swapped = poll(async () => await mapSha256(server.port) === next.sha256, 30_000, 50)
      .then(seen => { if (seen) swappedAt = performance.now() })
    await during()
    await swapped
    return {
      fetchedAt: mapServer.fetches.find(fetch => fetch.status === 200 && fetch.at >= changedAt)?.at ?? NaN,
      swappedAt,
      cpuMs: (cpuMicroseconds(server.pid) - cpuBefore) / 1000
    }
  }

  try {
    const [plain] = await startAll([service], SERVICE_ENV)
    started.push(plain as Started)
    let withUrl: Started
    try {
      [withUrl] = await startAll([mapped], SERVICE_ENV) as [Started]
    } catch (error) {
      const figure = `the service did not start: ${(error as Error).message}`
      targets.push({ scenario, target: 'map fetched over HTTPS and applied', figure, met: false })
      return
    }
    started.push(withUrl)
    await stop(plain as Started) // needed for its first redirect only
    const check = await checkRoomMap(withUrl, sample)
    const shaAtStart = await mapSha256(withUrl.port)
    const reloadsBefore = await reloads(withUrl.port)
    if (!SMOKE) await load(withUrl, mapped, 2)

    // Rounds of two loads of the same service, in turn first: one while only 304s come, one spanning a whole
    // reload (the map changed as the load starts, the swap awaited after it).
    const rows: Row[] = []
    const reloadsInLoad: (MapChange & { readonly loadEndedAt: number })[] = []
    let refreshesInSteadyLoads = 0
    const loopHeld: { readonly server: string, readonly ms: number, readonly benchMs: number }[] = []
    const benchLoop = monitorEventLoopDelay({ resolution: 10 })
    benchLoop.enable()
    let rssAfterOneReload = NaN
    for (let round = 1; round <= ROUNDS; round++) {
      for (const contender of round % 2 === 1 ? [mapped, reloading] : [reloading, mapped]) {
        let row: Row | undefined
        const measure = async () => {
          await eventLoopMaxMs(withUrl.port)
          benchLoop.reset()
          row = { round, server: contender.name, ...await load(withUrl, contender, URL_LOAD_S) }
          const ms = await eventLoopMaxMs(withUrl.port)
          loopHeld.push({ server: contender.name, ms, benchMs: benchLoop.max / 1e6 })
        }
        if (contender === reloading) {
          let loadEndedAt = NaN
          const changed = await change(withUrl, async () => {
            await measure()
            loadEndedAt = performance.now()
          })
          reloadsInLoad.push({ ...changed, loadEndedAt })
        } else {
          const from = performance.now()
          // /readyz asked as often as while a reload is awaited, so that both loads carry the same.
          const asking = poll(async () => { await mapSha256(withUrl.port); return false }, URL_LOAD_S * 1000, 50)
          await measure()
          await asking
          refreshesInSteadyLoads += answers(mapServer, 304, from, performance.now())
        }
        console.log(roundLine(scenario, row as Row))
        rows.push(row as Row)
      }
      if (round === 1) rssAfterOneReload = peakRssMiB(withUrl.pid)
    }

    // Without load: what a 304 refresh costs, and what a whole reload costs.
    const idleS = SMOKE ? 3 : 5
    const idleFrom = performance.now()
    const cpuBefore = cpuMicroseconds(withUrl.pid)
    await new Promise(resolve => setTimeout(resolve, idleS * 1000))
    const idleCpuMs = (cpuMicroseconds(withUrl.pid) - cpuBefore) / 1000
    const idleRefreshes = answers(mapServer, 304, idleFrom, performance.now())
    const idleReload = await change(withUrl, () => Promise.resolve())
    benchLoop.disable()

    const reloadsCounted = await reloads(withUrl.port) - reloadsBefore
    const alive = withUrl.child.exitCode === null
    const [steady, spanning] =
      summarize(scenario, [mapped, reloading], [withUrl, withUrl], rows) as [Summary, Summary]
    summaries.push(steady, spanning)

    const loadMs = check.readyMs - (plain as Started).firstRedirectMs
    const judged = (met: boolean) => check.applied ? met : null
    const worst = (name: string) => Math.max(...rows.filter(r => r.server === name).map(r => r.max))
    const steadyMax = worst(mapped.name)
    const spanningMax = worst(reloading.name)
    const loopMax = (name: string) => Math.max(...loopHeld.filter(held => held.server === name).map(held => held.ms))
    const errors = steady.errors + spanning.errors
    const inLoad = reloadsInLoad.filter(r => r.swappedAt <= r.loadEndedAt).length
    const swapTimes = reloadsInLoad.map(r => r.swappedAt - r.fetchedAt)
    const range = (values: readonly number[], unit = 1000, digits = 1) =>
      `${fmt(Math.min(...values) / unit, digits)}–${fmt(Math.max(...values) / unit, digits)}`
    const fetched200 = answers(mapServer, 200)
    const fetched304 = answers(mapServer, 304)
    const shaMatches = shaAtStart === first.sha256
    targets.push(
      { scenario, target: 'map fetched over HTTPS and applied: moved, retired and unlisted rooms answer as mapped; /readyz\'s sha256 is the served map\'s', figure: check.applied ? ([...check.problems, ...shaMatches ? [] : [`sha256 ${shaAtStart ?? 'none'}`]].join('; ') || `${String(check.entries ?? '?')} entries`) : 'not applied by this build', met: judged(check.problems.length === 0 && shaMatches) },
      { scenario, target: 'map load < 2 s (first mapped redirect, less the plain service\'s first redirect)', figure: `${fmt(loadMs, 0)} ms (${fmt(check.readyMs, 0)} − ${fmt((plain as Started).firstRedirectMs, 0)})`, met: judged(loadMs < 2000) },
      { scenario, target: 'peak RSS with the map and one reload ≤ 256 MiB (after the first round, one reload in it)', figure: `${fmt(rssAfterOneReload, 1)} MiB${Number.isNaN(reloadsInLoad[0]?.swappedAt) ? ', reload not confirmed' : ''}${alive ? '' : ', the service died'} (${fmt(steady.peakRssMiB, 1)} MiB after all ${String(changes)} reloads)`, met: judged(alive && !Number.isNaN(reloadsInLoad[0]?.swappedAt) && rssAfterOneReload <= 256) },
      { scenario, target: 'a 304 refresh costs no parse: the map server answers 200 once at start and once per change, 304 otherwise; the service counts a reload per change only', figure: `${String(fetched304)} × 304, ${String(fetched200)} × 200 for ${String(changes)} changes, ${String(reloadsCounted)} reloads counted; idle, ${String(idleRefreshes)} refreshes (304) in ${String(idleS)} s took ${fmt(idleCpuMs, 0)} ms of CPU in all, one whole reload ${fmt(idleReload.cpuMs, 0)} ms`, met: judged(fetched200 === 1 + changes && fetched304 > 0 && reloadsCounted === changes) },
      { scenario, target: 'no request stalls during a refresh: the slowest request of the loads spanning a whole reload ≤ 2× that of the loads with 304s only; no errors', figure: `max ${fmt(spanningMax, 0)} vs ${fmt(steadyMax, 0)} ms (${fmt(spanningMax / steadyMax, 2)}×; p99 ${fmt(spanning.p99, 1)} vs ${fmt(steady.p99, 1)} ms; the service's event loop held at most ${fmt(loopMax(reloading.name), 0)} vs ${fmt(loopMax(mapped.name), 0)} ms); reloads of ${range(swapTimes)} s, ${String(inLoad)} of ${String(reloadsInLoad.length)} inside their load; ${String(errors)} errors`, met: judged(inLoad === reloadsInLoad.length && spanningMax <= 2 * steadyMax && errors === 0) }
    )
    const perLoad = rows.map((row, i) => `${row.server === reloading.name ? 'reload' : '304s'} ${fmt(row.max, 0)}/${fmt(loopHeld[i]?.ms ?? NaN, 0)}/${fmt(loopHeld[i]?.benchMs ?? NaN, 0)}`)
    notes.push(`room-map-url: per load in order, the slowest request / the longest the service's event loop was held / the longest the bench's own (load generator and map server) was held, ms: ${perLoad.join(', ')}`)
    notes.push(`room-map-url: loads of ${String(URL_LOAD_S)} s; the loads with 304s only saw ${String(refreshesInSteadyLoads)} refreshes; a reload is the time from the service's GET of the changed map to /readyz showing it; idle, it took ${fmt((idleReload.swappedAt - idleReload.fetchedAt) / 1000, 2)} s`)
    if (fileMapFigures !== undefined) {
      notes.push(`room-map-url against room-map in this run: map load ${fmt(loadMs, 0)} vs ${fmt(fileMapFigures.loadMs, 0)} ms, peak RSS ${fmt(rssAfterOneReload, 1)} vs ${fmt(fileMapFigures.peakRssMiB, 1)} MiB`)
    }
  } finally {
    await Promise.all(started.map(stop))
    await mapServer.close()
  }
}

// ---- report: pcwp-links report on a generated access log
async function reportScenario (): Promise<void> {
  const cli = join(ROOT, 'dist/cli.js')
  if (!hasReportCommand(cli)) {
    notes.push('report: skipped, dist/cli.js has no `report` command')
    const target = `report on ${String(LOG_LINES)} lines < 10 s`
    targets.push({ scenario: 'report', target, figure: 'no report command', met: null })
    return
  }
  const logFile = join(WORK, 'access.log')
  writeAccessLog(logFile, { lines: LOG_LINES, rooms: LOG_ROOMS, seed: SEED })
  const sizeMb = statSync(logFile).size / 1e6
  // The same file twice: twice the lines, the same rooms.
  const once = await timeReport(cli, [logFile], WORK)
  const twice = await timeReport(cli, [logFile, logFile], WORK)
  const shown = (run: ReportTiming) => `${fmt(run.seconds, 2)} s, peak RSS ${fmt(run.peakRssMiB, 1)} MiB${run.exitCode === 0 && run.outputChars > 0 ? '' : `, exit ${String(run.exitCode)}, ${String(run.outputChars)} characters printed`}`
  const ok = (run: ReportTiming) => run.exitCode === 0 && run.outputChars > 0
  notes.push(`report: ${String(LOG_LINES)} lines (${fmt(sizeMb, 0)} MB, ${String(LOG_ROOMS)} rooms): ${shown(once)}; the same file twice: ${shown(twice)}`)
  targets.push(
    { scenario: 'report', target: `report on ${String(LOG_LINES)} lines (${fmt(sizeMb, 0)} MB) < 10 s`, figure: `${fmt(once.seconds, 2)} s`, met: ok(once) && once.seconds < 10 },
    // Garbage collection moves peak RSS a little from run to run; a reader that kept lines would double it.
    { scenario: 'report', target: 'memory with twice the lines (same rooms) ≤ 1.2× (grows with rooms, not lines)', figure: `${fmt(twice.peakRssMiB, 1)} / ${fmt(once.peakRssMiB, 1)} MiB`, met: ok(twice) && twice.peakRssMiB <= once.peakRssMiB * 1.2 }
  )
}

// ---- the contenders, bundled alike
// Every server runs as plain JavaScript: the service as npm start runs it
// (built first), the floor and bare fastify bundled from the same node_modules.
execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' })
// npm start's node arguments (`node <flags> <file>`): a flag takes its value
// with `=`, anything else is a path from the package root.
const nodeArgs = (text: string) => text.split(' ')
  .filter(arg => arg !== '')
  .map(arg => arg.startsWith('-') ? arg : join(ROOT, arg))
const PLAIN = workload('mix', requestMix(), [302])
const SERVICE: Contender = {
  name: 'service',
  args: nodeArgs((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start.replace(/^node /, '')),
  env: {},
  service: true,
  workload: PLAIN,
  scraped: true
}
async function bundled (name: string, source: string, scraped: boolean): Promise<Contender> {
  const file = join(WORK, `${name}.js`)
  await bundleForNode(join(ROOT, source), file)
  return { name, args: [file], env: {}, service: false, workload: PLAIN, scraped }
}
const PLAIN_CONTENDERS: readonly Contender[] = options.reference === undefined
  ? [
      SERVICE,
      await bundled('floor', 'bench/stack-floor-server.ts', true),
      await bundled('bare', 'bench/bare-server.ts', false)
    ]
  : [SERVICE, { ...SERVICE, name: 'reference', args: nodeArgs(options.reference) }]

console.log(`pcwp-links benchmark: node ${process.version}, ${String(availableParallelism())} CPUs (${cpus()[0]?.model ?? 'unknown CPU'}), load by ${WRK ? 'wrk' : 'autocannon'}, ${String(CONNECTIONS)} connections, ${String(ROUNDS)} round(s) of ${String(DURATION_S)} s, ${PINNED ? 'servers on CPU 0, load on CPU 1' : 'not pinned'}`)
console.log(`logs and generated files: ${WORK}\n`)
console.log(pad(['scenario', 'round', 'server', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'CPU µs/req', 'errors']))
for (const name of SCENARIOS) {
  if (name === 'room-map') {
    await roomMapScenario(SERVICE, PLAIN_CONTENDERS.find(contender => contender.name === 'floor'))
  } else if (name === 'room-map-url') await roomMapUrlScenario(SERVICE)
  else if (name === 'report') await reportScenario()
  else await plainScenario(name, PLAIN_CONTENDERS)
}

const result = (met: boolean | null) => met === null ? 'n/a' : met ? 'PASS' : 'FAIL'
if (options.markdown) {
  console.log('\n| scenario | server | req/s | p50 ms | p99 ms | CPU µs/req | errors | peak RSS MiB | first redirect ms |\n|---|---|--:|--:|--:|--:|--:|--:|--:|')
  for (const s of summaries) console.log(`| ${s.scenario} | ${s.server} | ${fmt(s.rps, 0)} | ${fmt(s.p50, 3)} | ${fmt(s.p99, 3)} | ${fmt(s.cpuUs, 1)} | ${String(s.errors)} | ${fmt(s.peakRssMiB, 1)} | ${fmt(s.firstRedirectMs, 0)} |`)
  console.log('\n| scenario | target | figure | result |\n|---|---|---|---|')
  for (const t of targets) console.log(`| ${t.scenario} | ${t.target} | ${t.figure} | ${result(t.met)} |`)
  if (notes.length > 0) console.log(`\n${notes.map(note => `- ${note}`).join('\n')}`)
} else {
  console.log(`\n${pad(['scenario', 'server', '', 'req/s', 'p50 ms', 'p99 ms', 'CPU µs/req', 'errors', 'RSS MiB', 'first ms'])}`)
  for (const s of summaries) {
    console.log(pad([
      s.scenario, s.server, 'median', fmt(s.rps, 0), fmt(s.p50, 3), fmt(s.p99, 3), fmt(s.cpuUs, 1), String(s.errors),
      fmt(s.peakRssMiB, 1), fmt(s.firstRedirectMs, 0)
    ]))
  }
  console.log(`\n${notes.join('\n')}\n`)
  for (const t of targets) console.log(`${result(t.met)} ${t.scenario}: ${t.target}: ${t.figure}`)
}
const judged = targets.filter(t => t.met !== null)
if (judged.length > 0) console.log(`\n${judged.every(t => t.met === true) ? 'all targets met' : 'some targets missed'}${judged.length < targets.length ? ' (some not measured: n/a)' : ''}`)
