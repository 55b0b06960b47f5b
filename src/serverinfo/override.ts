import type { FastifyBaseLogger } from 'fastify'
import type { ServerInfoConfig } from '../config.ts'
import type { Dispatcher } from 'undici'
import { BaseUrlError, parseBaseUrl, type BaseUrl } from '../pcwp/index.ts'
import { ServerInfoError } from './errors.ts'
import { createServerInfoFetcher, type ServerInfoFetcher } from './fetch.ts'
import { parseServerInfoReply } from './parse.ts'
import type { OverrideSource, OverrideState } from './source.ts'
import { expectedError } from '../expected-error.ts'
import { retryDelayMs, spread } from '../outgoing.ts'
import { shownUrl } from '../quote.ts'

/** How one fetch ended, for the metrics. */
export type FetchResult = 'override' | 'none' | 'error'

export interface ServerInfoOverrideOptions {
  readonly config: ServerInfoConfig
  /** Accept an `http:` override (PCWP_ALLOW_HTTP). */
  readonly allowHttp: boolean
  /** This service's own origin (PCWP_PUBLIC_URL): an override on its host would send readers back here. */
  readonly publicUrl?: string | undefined
  readonly logger: Pick<FastifyBaseLogger, 'info' | 'warn'>
  /** Told of every fetch's result. */
  readonly onFetch?: (result: FetchResult) => void
  /** Milliseconds since the epoch; tests may drive their own clock. */
  readonly clock?: () => number
  /** In [0, 1): spreads refreshes of many replicas apart. */
  readonly random?: () => number
  /** Where HTTP fetches go (tests); a dedicated undici Agent by default. */
  readonly dispatcher?: Dispatcher
}

export interface ServerInfoOverride extends OverrideSource {
  /** Starts refreshing in the background; the first fetch begins at once, without being awaited. */
  start: () => void
  /** One fetch now; never rejects (a failure is recorded in the state). */
  refresh: () => Promise<void>
  /** Stops refreshing, aborts a fetch under way, closes the connection pool. */
  stop: () => Promise<void>
}

const SELF = {
  code: 'PCWP_SERVERINFO_SELF',
  message: 'the reply\'s roomManagementUrl is on this service\'s own host (PCWP_PUBLIC_URL): its links would come back here; ' +
    'the provisioned base URLs apply'
} as const

/**
 * The getserverinfo override (MS-OCGCWEB 3.1.3), kept in memory and refreshed in
 * the background. A redirect only ever reads `current()`: whatever the
 * upstream does, no request waits for it.
 *
 * - A successful reply with a usable URL sets the override.
 * - A successful reply without one (or with one that fails base URL
 *   validation) clears it at once: the provisioned URLs apply.
 * - A failed fetch keeps the last good override until it is older than
 *   `maxStaleMs`, then drops it.
 * State changes are logged once each, not every failed attempt.
 */
export function createServerInfoOverride (options: ServerInfoOverrideOptions): ServerInfoOverride {
  const { config, allowHttp, logger, onFetch } = options
  const clock = options.clock ?? Date.now
  const random = options.random ?? Math.random
  const fetcher: ServerInfoFetcher = createServerInfoFetcher(
    config.url,
    config.timeoutMs,
    options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }
  )
  const source = shownUrl(config.url)
  const selfHost = options.publicUrl === undefined ? undefined : new URL(options.publicUrl).host

  let current: BaseUrl | undefined
  let confirmedAt: number | undefined
  let lastFetchAt: number | undefined
  let lastError: string | null = null
  let failures = 0
  let rejectedUrl: string | undefined
  let timer: NodeJS.Timeout | undefined
  let inFlight: Promise<void> | undefined
  let stopped = false

  /** The reply's URL as a base URL, or why it is refused (in words that never quote the URL). */
  function usable (url: string): BaseUrl | { readonly code: string, readonly message: string } {
    let base: BaseUrl
    try {
      base = parseBaseUrl(url, { allowHttp })
    } catch (error) {
      return expectedError(error, BaseUrlError)
    }
    // The documented way to send the clients' own room buttons to this service is a legacy path of it:
    // followed, every click would come straight back.
    return new URL(base.href).host === selfHost ? SELF : base
  }

  function apply (url: string | undefined, now: number): void {
    const next = url === undefined ? undefined : usable(url)
    if (next !== undefined && 'code' in next) {
      if (rejectedUrl !== url) {
        const reason = { source, code: next.code, reason: next.message }
        logger.warn(reason, 'getserverinfo: ignoring the roomManagementUrl of the reply')
      }
      rejectedUrl = url
      lastError = `${next.code}: ${next.message}`
      set(undefined, now)
      return
    }
    rejectedUrl = undefined
    set(next, now)
  }

  function set (next: BaseUrl | undefined, now: number): void {
    if (next?.href !== current?.href) {
      if (next === undefined) {
        logger.info({ source, previous: current?.href }, 'getserverinfo: no override any more; the provisioned base URLs apply')
      } else {
        logger.info(
          { source, url: next.href, previous: current?.href },
          current === undefined ? 'getserverinfo: override set' : 'getserverinfo: override changed'
        )
      }
    }
    current = next
    confirmedAt = next === undefined ? undefined : now
  }

  function fail (error: ServerInfoError, now: number): void {
    lastError = `${error.code}: ${error.message}`
    failures++
    if (failures === 1) logger.warn({ source, code: error.code, reason: error.message }, 'getserverinfo: upstream failing; keeping the last good override')
    if (current !== undefined && now - (confirmedAt as number) > config.maxStaleMs) {
      logger.warn({ source, url: current.href, maxStaleSeconds: config.maxStaleMs / 1000 }, 'getserverinfo: override lost: older than the maximum staleness; the provisioned base URLs apply')
      current = undefined
      confirmedAt = undefined
    }
  }

  async function refresh (): Promise<void> {
    let result: FetchResult
    try {
      const reply = await fetcher.fetch()
      const url = parseServerInfoReply(reply.body, reply.contentType)
      lastFetchAt = clock()
      if (failures > 0) logger.info({ source, failedAttempts: failures }, 'getserverinfo: upstream recovered')
      failures = 0
      lastError = null
      apply(url, lastFetchAt)
      result = current === undefined ? 'none' : 'override'
    } catch (error) {
      const failure = expectedError(error, ServerInfoError)
      // A fetch that stop() cut short is nobody's failure.
      if (stopped) return
      lastFetchAt = clock()
      fail(failure, lastFetchAt)
      result = 'error'
    }
    onFetch?.(result)
  }

  function schedule (): void {
    if (stopped) return
    // After a failure the next try comes sooner, never later than the refresh period.
    const period = failures === 0 ? config.refreshMs : retryDelayMs(failures, config.refreshMs)
    timer = setTimeout(run, spread(period, random))
    timer.unref()
  }

  function run (): void {
    inFlight = refresh().then(schedule)
  }

  return {
    current: () => current,
    state: (): OverrideState => ({
      source,
      url: current?.href ?? null,
      ageSeconds: confirmedAt === undefined ? null : Math.round((clock() - confirmedAt) / 1000),
      lastFetchAt: lastFetchAt === undefined ? null : new Date(lastFetchAt).toISOString(),
      lastError,
      refused: rejectedUrl !== undefined
    }),
    start: run,
    refresh,
    stop: async () => {
      stopped = true
      clearTimeout(timer)
      await fetcher.close()
      await inFlight
    }
  }
}
