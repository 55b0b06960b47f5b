import { readFile, stat } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { request, type Dispatcher } from 'undici'
import { createOutgoingClient, failureName, isNetworkError, statusText } from '../outgoing.ts'
import { single } from '../single-value.ts'
import { ServerInfoError } from './errors.ts'

/** No getserverinfo reply comes near this; a larger body is refused. */
export const MAX_REPLY_BYTES = 1024 * 1024

export interface ServerInfoReply {
  readonly body: string
  readonly contentType: string | undefined
}

export interface ServerInfoFetcher {
  /** One fetch, bounded by the time limit in all its parts: connect, headers and body. */
  fetch: () => Promise<ServerInfoReply>
  /** Aborts a fetch under way and closes the connections; later fetches fail at once. */
  close: () => Promise<void>
}

export interface FetcherOptions {
  /** Where `https:`/`http:` requests go; a dedicated undici Agent when absent (tests may pass a MockAgent). */
  readonly dispatcher?: Dispatcher
}

/**
 * Fetches the getserverinfo reply from `https:`/`http:` URLs with undici
 * (redirects not followed) or from `file:` URLs with node:fs.
 */
export function createServerInfoFetcher (url: URL, timeoutMs: number, options: FetcherOptions = {}): ServerInfoFetcher {
  if (url.protocol === 'file:') {
    return {
      fetch: async () => bounded(timeoutMs, signal => readReplyFile(url, signal)),
      close: async () => { /* nothing to close */ }
    }
  }
  // The Agent's timers watch each phase and the size cap the body; the
  // request's signal bounds the whole fetch, which a slow drip of bytes
  // would otherwise stretch without end.
  const client = createOutgoingClient(
    { connectTimeoutMs: timeoutMs, timeoutMs, maxBytes: MAX_REPLY_BYTES }, options.dispatcher
  )
  return {
    fetch: async () => bounded(
      timeoutMs,
      signal => fetchReply(url, client.dispatcher, AbortSignal.any([signal, client.closed])),
      client.closed
    ),
    close: client.close
  }
}

/** One fetch under the time limit, as a whole; every failure becomes a ServerInfoError. */
async function bounded (
  timeoutMs: number,
  fetch: (signal: AbortSignal) => Promise<ServerInfoReply>,
  closed?: AbortSignal
): Promise<ServerInfoReply> {
  const timeout = AbortSignal.timeout(timeoutMs)
  try {
    return await fetch(timeout)
  } catch (error) {
    // Once a signal has fired, whatever broke broke because of it.
    if (closed?.aborted === true) {
      throw new ServerInfoError('PCWP_SERVERINFO_UNREACHABLE', 'stopped waiting for the answer')
    }
    throw timeout.aborted ? timedOut() : asServerInfoError(error)
  }
}

async function fetchReply (url: URL, dispatcher: Dispatcher, signal: AbortSignal): Promise<ServerInfoReply> {
  const { statusCode, headers, body } = await request(url, {
    dispatcher,
    signal,
    headers: { accept: 'application/xml, application/json' }
  })
  if (statusCode !== 200) {
    await body.dump()
    throw new ServerInfoError('PCWP_SERVERINFO_HTTP_STATUS', `the upstream answered ${statusText(statusCode)}`)
  }
  if (Number(headers['content-length']) > MAX_REPLY_BYTES) {
    await body.dump()
    throw tooLarge()
  }
  return { body: await body.text(), contentType: single(headers['content-type']) }
}

async function readReplyFile (url: URL, signal: AbortSignal): Promise<ServerInfoReply> {
  const path = fileURLToPath(url)
  if ((await stat(path)).size > MAX_REPLY_BYTES) throw tooLarge()
  const body = await readFile(path, { encoding: 'utf8', signal })
  return { body, contentType: path.endsWith('.json') ? 'application/json' : undefined }
}

function timedOut (): ServerInfoError {
  return new ServerInfoError('PCWP_SERVERINFO_TIMEOUT', 'the upstream did not answer in time')
}

function tooLarge (): ServerInfoError {
  return new ServerInfoError('PCWP_SERVERINFO_TOO_LARGE', `the reply is larger than ${MAX_REPLY_BYTES} bytes`)
}

/** Names the failure without quoting anything the upstream sent; a bug of ours is thrown on. */
function asServerInfoError (error: unknown): ServerInfoError {
  if (error instanceof ServerInfoError) return error
  if (!isNetworkError(error)) throw error
  if (error.code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') return tooLarge()
  return new ServerInfoError('PCWP_SERVERINFO_UNREACHABLE', `the upstream could not be read (${failureName(error)})`)
}
