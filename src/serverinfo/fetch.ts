import { readFile, stat } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { Agent, request } from 'undici'
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
  /** Closes the fetcher's own connection pool. */
  close: () => Promise<void>
}

/**
 * Fetches the getserverinfo reply from `https:`/`http:` (undici, a pool of
 * its own, redirects not followed) or `file:` URLs.
 */
export function createServerInfoFetcher (url: URL, timeoutMs: number): ServerInfoFetcher {
  if (url.protocol === 'file:') {
    return { fetch: async () => readReplyFile(url, timeoutMs), close: async () => { /* nothing to close */ } }
  }
  // The abort signal bounds each fetch as a whole; the pool's own limits are
  // a backstop set a little later, so that every timeout reads the same.
  const backstop = timeoutMs + 1000
  const agent = new Agent({ connectTimeout: backstop, headersTimeout: backstop, bodyTimeout: backstop, connections: 2 })
  return {
    fetch: async () => {
      try {
        return await fetchReply(url, agent, timeoutMs)
      } catch (error) {
        throw asServerInfoError(error)
      }
    },
    // destroy, not close: a hanging fetch must not hold up shutdown.
    close: async () => { await agent.destroy() }
  }
}

async function fetchReply (url: URL, agent: Agent, timeoutMs: number): Promise<ServerInfoReply> {
  const response = await request(url, {
    dispatcher: agent,
    signal: AbortSignal.timeout(timeoutMs),
    headers: { accept: 'application/xml, application/json' }
  })
  if (response.statusCode !== 200) {
    await response.body.dump()
    throw new ServerInfoError('PCWP_SERVERINFO_HTTP_STATUS', `the upstream answered HTTP ${response.statusCode}${response.statusCode >= 300 && response.statusCode < 400 ? ' (redirects are not followed)' : ''}`)
  }
  const length = Number(response.headers['content-length'])
  if (length > MAX_REPLY_BYTES) {
    await response.body.dump()
    throw tooLarge()
  }
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of response.body as AsyncIterable<Buffer>) {
    size += chunk.length
    // Leaving the loop destroys the body: the rest is never read.
    if (size > MAX_REPLY_BYTES) throw tooLarge()
    chunks.push(chunk)
  }
  const contentType = response.headers['content-type']
  return { body: Buffer.concat(chunks).toString('utf8'), contentType: typeof contentType === 'string' ? contentType : undefined }
}

async function readReplyFile (url: URL, timeoutMs: number): Promise<ServerInfoReply> {
  const path = fileURLToPath(url)
  try {
    if ((await stat(path)).size > MAX_REPLY_BYTES) throw tooLarge()
    const body = await readFile(path, { encoding: 'utf8', signal: AbortSignal.timeout(timeoutMs) })
    return { body, contentType: path.endsWith('.json') ? 'application/json' : undefined }
  } catch (error) {
    throw asServerInfoError(error)
  }
}

function tooLarge (): ServerInfoError {
  return new ServerInfoError('PCWP_SERVERINFO_TOO_LARGE', `the reply is larger than ${MAX_REPLY_BYTES} bytes`)
}

/** Names the failure without quoting anything the upstream sent. */
function asServerInfoError (error: unknown): ServerInfoError {
  if (error instanceof ServerInfoError) return error
  const { name, code } = error as { name?: string, code?: string }
  if (name === 'TimeoutError') return new ServerInfoError('PCWP_SERVERINFO_TIMEOUT', 'the upstream did not answer in time')
  // Network and file system errors all carry a code (ECONNREFUSED, UND_ERR_SOCKET, ENOENT, …).
  return new ServerInfoError('PCWP_SERVERINFO_UNREACHABLE', `the upstream could not be read (${String(code)})`)
}
