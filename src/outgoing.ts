// What the service fetches itself (the getserverinfo reply, a room map URL):
// an undici Agent of its own under time and size limits, how a failure is
// told and named, and when to ask again.
import { Agent, errors, type Dispatcher } from 'undici'

export interface OutgoingLimits {
  readonly connectTimeoutMs: number
  /** For the headers, and for each gap in the body; the caller's signal bounds a whole fetch. */
  readonly timeoutMs: number
  readonly maxBytes: number
}

export interface OutgoingClient {
  readonly dispatcher: Dispatcher
  /** Aborted by close(): every request passes it, so that none outlives the client. */
  readonly closed: AbortSignal
  /** Aborts the requests under way and closes the connections; a second call (a signal in shutdown) does nothing. */
  close: () => Promise<void>
}

/** A client with an Agent of its own under `limits`, or over `dispatcher` (tests pass one). */
export function createOutgoingClient (limits: OutgoingLimits, dispatcher?: Dispatcher): OutgoingClient {
  const agent = dispatcher ?? new Agent({
    connect: { timeout: limits.connectTimeoutMs },
    headersTimeout: limits.timeoutMs,
    bodyTimeout: limits.timeoutMs,
    maxResponseSize: limits.maxBytes
  })
  const closing = new AbortController()
  return {
    dispatcher: agent,
    closed: closing.signal,
    close: async () => {
      if (closing.signal.aborted) return
      closing.abort()
      await agent.close()
    }
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308])

/**
 * Whether the network (or the file system, for a `file:` source) raised it:
 * undici's errors, system errors (ECONNREFUSED, ENOENT, …), OpenSSL's
 * verification codes (CERT_HAS_EXPIRED, …) and Node's TLS errors. Anything
 * else, Node's other ERR_ codes included, is a bug of ours, to be thrown on.
 */
export function isNetworkError (error: unknown): error is Error & { code?: string } {
  if (error instanceof errors.UndiciError || error instanceof errors.HTTPParserError) return true
  const code: unknown = error instanceof Error ? (error as { code?: unknown }).code : undefined
  return typeof code === 'string' && (!code.startsWith('ERR_') || /^ERR_(?:TLS|SSL)_/.test(code))
}

/** A network failure as a message names it: its code, or its kind (undici's HTTPParserError has none). */
export function failureName ({ code, name }: Error & { code?: string }): string {
  return code ?? name
}

/** `HTTP 503`, and for a redirect that it was not taken: its target was never configured. */
export function statusText (status: number): string {
  return `HTTP ${String(status)}${REDIRECTS.has(status) ? ' (redirects are not followed)' : ''}`
}

// After a failure the next try comes sooner than a normal refresh: 1 s, then doubling.
const FIRST_RETRY_MS = 1000
// Refreshes are spread by ±10% so that replicas do not ask in step.
const JITTER = 0.1

/** The wait before retry number `failures` (1, 2, …): 1 s, doubling, never more than `capMs`. */
export function retryDelayMs (failures: number, capMs: number): number {
  return Math.min(capMs, FIRST_RETRY_MS * 2 ** (failures - 1))
}

/** `periodMs`, spread by ±10 % with `random` in [0, 1). */
export function spread (periodMs: number, random: () => number): number {
  return periodMs * (1 - JITTER + 2 * JITTER * random())
}
