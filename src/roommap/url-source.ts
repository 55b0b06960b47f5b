import { setTimeout as delay } from 'node:timers/promises'
import { expectedError } from '../expected-error.ts'
import { formatProblem, RoomMapError, summaryOf, type RoomMapProblem } from './errors.ts'
import {
  createRoomMapFetcher, type RoomMapFetcherOptions, type RoomMapValidators
} from './fetch.ts'
import { retryDelayMs, spread } from '../outgoing.ts'
import { shownUrl } from '../quote.ts'
import type { RoomMapSource, RoomMapSourceLogger, ReloadOutcome } from './loader.ts'
import type { RoomMap } from './map.ts'

export interface RoomMapUrlSourceOptions extends RoomMapFetcherOptions {
  readonly url: URL
  /** How often the URL is asked whether the map changed. */
  readonly refreshMs: number
  /** How long an unreachable URL is retried by load() before it gives up. */
  readonly startTimeoutMs: number
  readonly logger: RoomMapSourceLogger
  /** Told of every map fetched after the first, taken or refused, and of every failed fetch. */
  readonly onReload?: (outcome: ReloadOutcome) => void
}

// At start an unreachable URL is asked again after 1 s, then doubling, at most every 10 s.
const LAST_RETRY_MS = 10_000

/**
 * The room map at a URL, kept in memory and asked again every `refreshMs`
 * with a conditional GET: a `304` costs no parse. A map that is refused, or a
 * fetch that fails, changes nothing but `lastError`: the last good map stays.
 * A refused map's validators are kept too, so that it is not fetched whole
 * again until it changes.
 */
export function createRoomMapUrlSource (options: RoomMapUrlSourceOptions): RoomMapSource {
  const { refreshMs, startTimeoutMs, logger, onReload } = options
  const source = shownUrl(options.url)
  const fetcher = createRoomMapFetcher(options.url, options)
  const stopping = new AbortController()
  const unloaded = (message: string) => new RoomMapError([{ message }], 'PCWP_ROOM_MAP_UNREACHABLE', source)

  let map: RoomMap | undefined
  let loadedAt: string | null = null
  let sha256: string | null = null
  let lastError: string | null = null
  // The last answer with a body: its validators, and why its map was refused (null when taken).
  let seen: { readonly validators: RoomMapValidators, readonly refusal: string | null } | undefined
  // Failed fetches in a row: the first is logged, and the recovery.
  let failures = 0
  let queue: Promise<unknown> = Promise.resolve()
  let timer: NodeJS.Timeout | undefined

  /**
   * One conditional GET: whether a new map was taken, the error that kept the
   * last one, or `stopped` (a fetch that stop() cut short is nobody's failure).
   */
  async function ask (signal: AbortSignal): Promise<'taken' | 'unchanged' | 'stopped' | RoomMapError> {
    let outcome: 'taken' | 'unchanged' | RoomMapError
    try {
      const fetched = await fetcher.fetch(seen?.validators, signal)
      if (fetched === 'not-modified') {
        outcome = 'unchanged'
      } else if ('invalid' in fetched) {
        seen = { validators: fetched.validators, refusal: summaryOf(fetched.invalid) }
        outcome = fetched.invalid
      } else {
        seen = { validators: fetched.validators, refusal: null }
        // A server without validators sends the same map whole: the same bytes are no new map.
        outcome = fetched.loaded.sha256 === sha256 ? 'unchanged' : 'taken'
        if (outcome === 'taken') {
          ({ map, sha256 } = fetched.loaded)
          loadedAt = new Date().toISOString()
        }
      }
      if (failures > 0) logger.info({ source, failedAttempts: failures }, 'room map: source recovered')
      failures = 0
      lastError = seen?.refusal ?? null
    } catch (error) {
      const failure = expectedError(error, RoomMapError)
      if (stopping.signal.aborted) return 'stopped'
      outcome = failure
      lastError = summaryOf(outcome)
      failures++
    }
    return outcome
  }

  function reload (): Promise<boolean> {
    const next = queue.then(async () => {
      // Once stopped, nothing is asked: a SIGHUP during shutdown, or a refresh that was due.
      const outcome = stopping.signal.aborted ? 'stopped' : await ask(stopping.signal)
      if (outcome === 'taken') {
        logger.info({ source, entries: map?.size, sha256 }, 'room map reloaded')
        onReload?.('success')
      } else if (outcome instanceof RoomMapError) {
        // An unreachable source is said once until it recovers; every refused map is said.
        const reason = { source, reason: lastError }
        if (outcome.code === 'PCWP_ROOM_MAP_INVALID') logger.error(reason, 'room map rejected; the last good map stays')
        else if (failures === 1) logger.warn(reason, 'room map: source failing; the last good map stays')
        onReload?.('failure')
      }
      return lastError === null
    })
    queue = next
    return next
  }

  function schedule (): void {
    if (stopping.signal.aborted) return
    timer = setTimeout(() => { void reload().then(schedule) }, spread(refreshMs, Math.random))
    timer.unref()
  }

  async function load (): Promise<void> {
    const deadline = AbortSignal.any([AbortSignal.timeout(startTimeoutMs), stopping.signal])
    let reason = 'no answer'
    for (let attempt = 1; ; attempt++) {
      const outcome = await ask(deadline)
      if (outcome === 'stopped') throw unloaded('stopped before a map had loaded')
      // Taken: the first ask has no validators to send, nor a map to compare, so it is never `unchanged`.
      if (typeof outcome === 'string') break
      if (outcome.code === 'PCWP_ROOM_MAP_INVALID') throw outcome
      // An attempt cut short by the deadline says nothing new.
      if (!deadline.aborted) reason = formatProblem(outcome.problems[0] as RoomMapProblem)
      const retryInMs = retryDelayMs(attempt, LAST_RETRY_MS)
      if (!deadline.aborted) {
        logger.warn({ source, reason, attempt, retryInMs }, 'room map unreachable; asking again before listening')
      }
      // Resolves early, not rejecting, once the deadline passes.
      await delay(retryInMs, undefined, { signal: deadline }).catch(() => undefined)
      if (stopping.signal.aborted) throw unloaded('stopped before a map had loaded')
      if (deadline.aborted) {
        throw unloaded(`no map within ${String(startTimeoutMs / 1000)} s (PCWP_ROOM_MAP_START_TIMEOUT_S); the last attempt: ${reason}`)
      }
    }
    logger.info({ source, entries: map?.size, sha256 }, 'room map loaded')
  }

  return {
    load,
    current: () => {
      if (map === undefined) throw new Error('the room map is not loaded yet: call load() first')
      return map
    },
    state: () => ({ entries: map?.size ?? 0, loadedAt, source, lastError, sha256 }),
    reload,
    start: schedule,
    stop: async () => {
      stopping.abort()
      clearTimeout(timer)
      await fetcher.close()
      await queue
    },
    lastReloadSuccessful: () => lastError === null
  }
}
