import { createHash } from 'node:crypto'
import { request, type Dispatcher } from 'undici'
import { expectedError } from '../expected-error.ts'
import { createOutgoingClient, failureName, isNetworkError, statusText } from '../outgoing.ts'
import { shownUrl } from '../quote.ts'
import { single } from '../single-value.ts'
import { RoomMapError } from './errors.ts'
import { hashed, MAX_ROOM_MAP_BYTES, TOO_LARGE, type LoadedRoomMap } from './loader.ts'
import { parseRoomMapChunks, type RoomMapFormat } from './parse.ts'
import type { ValidationOptions } from './validate.ts'

/** How long a map URL may take: to connect, and for the whole answer (a slow drip ends there). */
export interface RoomMapFetchLimits {
  readonly connectTimeoutMs: number
  readonly timeoutMs: number
}

// 64 MiB in a minute is some 9 Mbit/s: any network a map is served on does better.
export const DEFAULT_FETCH_LIMITS: RoomMapFetchLimits = { connectTimeoutMs: 10_000, timeoutMs: 60_000 }

/** What the last answer said about its version: sent back, a `304` means the map in force is still the map. */
export interface RoomMapValidators {
  readonly etag?: string
  readonly lastModified?: string
}

/** A `200`'s map, or why it is not one; and its validators either way: an unchanged bad map is not read again. */
export type FetchedRoomMap = { readonly validators: RoomMapValidators } & (
  | { readonly loaded: LoadedRoomMap }
  | { readonly invalid: RoomMapError }
)

export interface RoomMapFetcherOptions extends ValidationOptions {
  readonly limits?: RoomMapFetchLimits
  /** Where requests go; a dedicated undici Agent when absent (tests pass one that trusts their certificate). */
  readonly dispatcher?: Dispatcher
}

export interface RoomMapFetcher {
  /**
   * One GET, conditional when `validators` are given: `not-modified` for a
   * `304`, else the map and its validators (an `invalid` map's
   * `PCWP_ROOM_MAP_INVALID` error lists its problems). Rejects with a
   * `PCWP_ROOM_MAP_UNREACHABLE` {@link RoomMapError} when no map came
   * (network, TLS, time, size, status, media type). `signal` may end it
   * sooner than the limits.
   */
  fetch: {
    (): Promise<FetchedRoomMap>
    (validators: RoomMapValidators | undefined, signal: AbortSignal): Promise<FetchedRoomMap | 'not-modified'>
  }
  /** Aborts a fetch under way and closes the connections; later fetches fail at once. */
  close: () => Promise<void>
}

// Media types that say nothing of the format: the path's extension does.
const GENERIC_TYPES = new Set(['', 'application/octet-stream', 'binary/octet-stream', 'text/plain'])
const FORMATS = new Map<string, RoomMapFormat>([['text/csv', 'csv'], ['application/json', 'json']])
const TEXT_CHARSETS = new Set(['utf-8', 'utf8', 'us-ascii'])
// What a wrong answer often is, named by a fixed text: the server's own is never repeated.
const NAMED_TYPES = new Map([
  ['text/html', 'an HTML page'],
  ['application/xhtml+xml', 'an HTML page'],
  ['application/xml', 'XML'],
  ['text/xml', 'XML'],
  ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'an Excel workbook: save it as CSV'],
  ['application/vnd.ms-excel', 'an Excel workbook: save it as CSV']
])

/**
 * Fetches a room map from an `https:` (or allowed `http:`) URL with undici:
 * redirects not followed, at most {@link MAX_ROOM_MAP_BYTES}, parsed and
 * hashed as it arrives, CSV or JSON by media type or the path's extension.
 */
export function createRoomMapFetcher (url: URL, options: RoomMapFetcherOptions): RoomMapFetcher {
  const { connectTimeoutMs, timeoutMs } = options.limits ?? DEFAULT_FETCH_LIMITS
  const source = shownUrl(url)
  // The Agent's timers watch the connection and the gaps; the request's signal bounds the whole fetch.
  const client = createOutgoingClient({ connectTimeoutMs, timeoutMs, maxBytes: MAX_ROOM_MAP_BYTES }, options.dispatcher)

  async function fetchOnce (
    validators: RoomMapValidators | undefined, signal: AbortSignal | undefined
  ): Promise<FetchedRoomMap | 'not-modified'> {
    const timeout = AbortSignal.timeout(timeoutMs)
    const signals = [timeout, client.closed, ...(signal === undefined ? [] : [signal])]
    try {
      return await fetchMap(url, client.dispatcher, AbortSignal.any(signals), validators ?? {}, options)
    } catch (error) {
      if (error instanceof RoomMapError) throw new RoomMapError(error.problems, error.code, source)
      // Once a signal has fired, whatever broke broke because of it.
      if (client.closed.aborted || signal?.aborted === true) {
        throw unreachable(source, 'stopped waiting for the answer')
      }
      if (timeout.aborted) throw unreachable(source, `no whole answer within ${String(timeoutMs / 1000)} s`)
      if (!isNetworkError(error)) throw error
      if (error.code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') throw unreachable(source, `the answer is ${TOO_LARGE}`)
      throw unreachable(source, `the server could not be read (${failureName(error)})`)
    }
  }

  return {
    // Without validators there is no 304 to take: fetchMap reads one as a status it cannot use.
    fetch: fetchOnce as RoomMapFetcher['fetch'],
    close: client.close
  }
}

async function fetchMap (
  url: URL, dispatcher: Dispatcher, signal: AbortSignal, validators: RoomMapValidators, options: ValidationOptions
): Promise<FetchedRoomMap | 'not-modified'> {
  const { statusCode, headers, body } = await request(url, {
    dispatcher,
    signal,
    headers: {
      accept: 'text/csv, application/json;q=0.9, */*;q=0.1',
      ...(validators.etag === undefined ? {} : { 'if-none-match': validators.etag }),
      ...(validators.lastModified === undefined ? {} : { 'if-modified-since': validators.lastModified })
    }
  })
  try {
    if (statusCode === 304 && (validators.etag !== undefined || validators.lastModified !== undefined)) {
      return 'not-modified'
    }
    if (statusCode !== 200) {
      throw unreachable(undefined, `the server answered ${statusText(statusCode)}`)
    }
    if (Number(headers['content-length']) > MAX_ROOM_MAP_BYTES) {
      throw unreachable(undefined, `the answer is ${TOO_LARGE}`)
    }
    const format = formatOf(single(headers['content-type']), url.pathname)
    const etag = single(headers.etag)
    const lastModified = single(headers['last-modified'])
    const answered = {
      ...(etag === undefined ? {} : { etag }),
      ...(lastModified === undefined ? {} : { lastModified })
    }
    const hash = createHash('sha256')
    const parsed = await parseRoomMapChunks(hashed(body, hash), format, options).then(
      map => ({ loaded: { map, sha256: hash.digest('hex') } }),
      (error: unknown) => {
        // A body that stopped coming throws undici's error, not a RoomMapError: it is thrown on.
        const { problems, code } = expectedError(error, RoomMapError)
        return { invalid: new RoomMapError(problems, code, shownUrl(url)) }
      })
    return { validators: answered, ...parsed }
  } finally {
    // What was not read (a refused answer, a parse stopped early) is dropped, not waited for: its abort is no news.
    body.on('error', ignore).destroy()
  }
}

/** CSV or JSON by the media type, or by the path's extension when the type says nothing; anything else is refused. */
function formatOf (contentType: string | undefined, pathname: string): RoomMapFormat {
  const [essence = '', ...parameters] = (contentType ?? '').split(';').map(part => part.trim().toLowerCase())
  const charset = parameters.find(parameter => parameter.startsWith('charset='))?.slice(8).replace(/^"|"$/g, '')
  if (charset !== undefined && !TEXT_CHARSETS.has(charset)) {
    throw unreachable(undefined, 'the answer is not UTF-8 (its charset says otherwise); serve the map as UTF-8')
  }
  const format = FORMATS.get(essence) ?? (essence.endsWith('+json') ? 'json' : undefined)
  if (format !== undefined) return format
  const byExtension = /\.(csv|json)$/i.exec(pathname)?.[1]?.toLowerCase() as RoomMapFormat | undefined
  if (GENERIC_TYPES.has(essence) && byExtension !== undefined) return byExtension
  throw unreachable(undefined, `not a map (${kindOf(essence)}): expected text/csv or application/json, or a path ending in .csv or .json`)
}

/** A media type as a message names it: in a fixed text, never as the server wrote it. */
function kindOf (essence: string): string {
  if (essence === '') return 'no media type'
  if (GENERIC_TYPES.has(essence)) return 'a media type that does not say which'
  return NAMED_TYPES.get(essence) ?? 'another media type'
}

function unreachable (source: string | undefined, message: string): RoomMapError {
  return new RoomMapError([{ message }], 'PCWP_ROOM_MAP_UNREACHABLE', source)
}

function ignore (): void { /* an error of a body no longer wanted */ }
