import { readFile, stat } from 'node:fs/promises'
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { fileURLToPath } from 'node:url'
import { ServerInfoError } from './errors.js'

/** No getserverinfo reply comes near this; a larger body is refused unread. */
export const MAX_REPLY_BYTES = 1024 * 1024

export interface ServerInfoReply {
  readonly body: string
  readonly contentType: string | undefined
}

export interface ServerInfoFetcher {
  /** One fetch, bounded by the time limit in all its parts: connect, headers and body. */
  fetch: () => Promise<ServerInfoReply>
  /** Aborts a fetch under way; later fetches fail at once. */
  close: () => Promise<void>
}

/**
 * Fetches the getserverinfo reply from `https:`/`http:` URLs (a connection of
 * its own per fetch, redirects not followed) or `file:` URLs.
 *
 * Node's own HTTP client rather than undici (DESIGN.md names undici): the
 * service makes one request every few minutes, and loading undici, whose HTTP
 * parser is WebAssembly, cost 20 MiB of resident memory and 140 ms of
 * start-up, a fifth of the memory the whole service may use (docs/benchmarks.md).
 */
export function createServerInfoFetcher (url: URL, timeoutMs: number): ServerInfoFetcher {
  if (url.protocol === 'file:') {
    return { fetch: async () => bounded(timeoutMs, signal => readReplyFile(url, signal)), close: async () => { /* nothing to close */ } }
  }
  const closing = new AbortController()
  return {
    fetch: async () => bounded(timeoutMs, signal => fetchReply(url, AbortSignal.any([signal, closing.signal]))),
    close: () => {
      closing.abort()
      return Promise.resolve()
    }
  }
}

/** One fetch under the time limit, as a whole; every failure becomes a ServerInfoError. */
async function bounded (timeoutMs: number, fetch: (signal: AbortSignal) => Promise<ServerInfoReply>): Promise<ServerInfoReply> {
  const timeout = AbortSignal.timeout(timeoutMs)
  try {
    return await fetch(timeout)
  } catch (error) {
    // Once the time is up, whatever broke (the request, the body being read)
    // broke because of it.
    throw timeout.aborted ? timedOut() : asServerInfoError(error)
  }
}

async function fetchReply (url: URL, signal: AbortSignal): Promise<ServerInfoReply> {
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest
    // Kept for the request's whole life, not once: an error after the
    // response (the body cut short, an abort) must not go unhandled.
    send(url, { signal, agent: false, headers: { accept: 'application/xml, application/json' } }, resolve)
      .on('error', reject)
      .end()
  })
  if (response.statusCode !== 200) {
    response.destroy()
    // A response the client received always has its status code.
    const code = response.statusCode as number
    throw new ServerInfoError('PCWP_SERVERINFO_HTTP_STATUS', `the upstream answered HTTP ${code}${code >= 300 && code < 400 ? ' (redirects are not followed)' : ''}`)
  }
  if (Number(response.headers['content-length']) > MAX_REPLY_BYTES) {
    response.destroy()
    throw tooLarge()
  }
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of response as AsyncIterable<Buffer>) {
    size += chunk.length
    // Leaving the loop destroys the response: the rest is never read.
    if (size > MAX_REPLY_BYTES) throw tooLarge()
    chunks.push(chunk)
  }
  return { body: Buffer.concat(chunks).toString('utf8'), contentType: response.headers['content-type'] }
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

/** Names the failure without quoting anything the upstream sent. */
function asServerInfoError (error: unknown): ServerInfoError {
  if (error instanceof ServerInfoError) return error
  const { code } = error as { code?: string }
  // Network and file system errors all carry a code (ECONNREFUSED, ECONNRESET, ENOENT, …).
  return new ServerInfoError('PCWP_SERVERINFO_UNREACHABLE', `the upstream could not be read (${String(code)})`)
}
