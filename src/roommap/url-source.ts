import { setTimeout as delay } from 'node:timers/promises'
import { expectedError } from '../expected-error.ts'
import { formatProblem, RoomMapError } from './errors.ts'
import {
  createRoomMapFetcher, type RoomMapFetcherOptions, type RoomMapValidators
} from './fetch.ts'
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
  /** In [0, 1): spreads the refreshes of many replicas apart. */
  readonly random?: () => number
}

// At start an unreachable URL is asked again after 1 s, then doubling, at most every 10 s.
const FIRST_RETRY_MS = 1000
const LAST_RETRY_MS = 10_000
// Refreshes are spread by ±10% so that replicas do not ask in step.
const JITTER = 0.1

/**
 * The room map at a URL, kept in memory and asked again every `refreshMs`
 * with a conditional GET: a `304` costs no parse. A map that is refused, or a
 * fetch that fails, changes nothing but `lastError`: the last good map stays.
 * A refused map's validators are kept too, so that it is not fetched whole
 * again until it changes.
 */
export function createRoomMapUrlSource (options: RoomMapUrlSourceOptions): RoomMapSource {
  const { refreshMs, startTimeoutMs, logger, onReload } = options
  const random = options.random ?? Math.random
  const source = shownUrl(options.url)
  const fetcher = createRoomMapFetcher(options.url, options)
  const stopping = new AbortController()

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

  /** One conditional GET: whether a new map was taken, or the error that kept the last one. */
  async function ask (signal: AbortSignal): Promise<'taken' | 'unchanged' | RoomMapError> {
    let outcome: 'taken' | 'unchanged' | RoomMapError
    try {
      const fetched = await fetcher.fetch(seen?.validators, signal)
      if (fetched === 'not-modified') {
        outcome = 'unchanged'
      } else if ('loaded' in fetched) {
        ({ map, sha256 } = fetched.loaded)
        loadedAt = new Date().toISOString()
        seen = { validators: fetched.validators, refusal: null }
        outcome = 'taken'
      } else {
        seen = { validators: fetched.validators, refusal: describe(fetched.invalid) }
        outcome = fetched.invalid
      }
      if (failures > 0) logger.info({ source, failedAttempts: failures }, 'room map: source recovered')
      failures = 0
      lastError = seen?.refusal ?? null
    } catch (error) {
      outcome = expectedError(error, RoomMapError)
      lastError = describe(outcome)
      failures++
    }
    return outcome
  }

  function reload (): Promise<boolean> {
    const next = queue.then(async () => {
      const outcome = await ask(stopping.signal)
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
    timer = setTimeout(() => { void reload().then(schedule) }, refreshMs * (1 - JITTER + 2 * JITTER * random()))
    timer.unref()
  }

  async function load (): Promise<void> {
    const deadline = AbortSignal.any([AbortSignal.timeout(startTimeoutMs), stopping.signal])
    let reason = 'no answer'
    for (let attempt = 1; ; attempt++) {
      const outcome = await ask(deadline)
      // Taken: the first ask has no validators to send, so it is never answered `unchanged`.
      if (typeof outcome === 'string') break
      if (outcome.code === 'PCWP_ROOM_MAP_INVALID') throw outcome
      // An attempt cut short by the deadline says nothing new.
      if (!deadline.aborted) reason = formatProblem(outcome.problems[0] as RoomMapError['problems'][number])
      const retryInMs = Math.min(LAST_RETRY_MS, FIRST_RETRY_MS * 2 ** (attempt - 1))
      if (!deadline.aborted) {
        logger.warn({ source, reason, attempt, retryInMs }, 'room map unreachable; asking again before listening')
      }
      // Resolves early, not rejecting, once the deadline passes.
      await delay(retryInMs, undefined, { signal: deadline }).catch(() => undefined)
      if (deadline.aborted) {
        const message = `no map within ${String(startTimeoutMs / 1000)} s (PCWP_ROOM_MAP_START_TIMEOUT_S); the last attempt: ${reason}`
        throw new RoomMapError([{ message }], 'PCWP_ROOM_MAP_UNREACHABLE', source)
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

function describe (error: RoomMapError): string {
  return `${error.code}: ${formatProblem(error.problems[0] as RoomMapError['problems'][number])}`
}
