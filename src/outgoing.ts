// What the service fetches itself (the getserverinfo reply, a room map URL):
// an undici Agent of its own under time and size limits.
import { Agent, type Dispatcher } from 'undici'

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
