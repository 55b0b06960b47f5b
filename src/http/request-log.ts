import type { FastifyReply, FastifyRequest } from 'fastify'
import { pino, type Logger } from 'pino'
import type { Metrics } from './metrics.js'
import type { RedirectLog } from './rooms.js'

const PROBES = new Set(['/healthz', '/readyz', '/metrics'])

declare module 'fastify' {
  interface FastifyRequest {
    /** Set once the request has been logged and counted (absent before, like `problem`). */
    accounted?: boolean
  }
}

/** The parts of a pino logger that a line of its own format is built from. */
interface PinoInternals {
  [pino.symbols.streamSym]: { write: (line: string) => unknown }
  [pino.symbols.timeSym]: () => string
  [pino.symbols.chindingsSym]: string
  [pino.symbols.messageKeySym]: string
}

/**
 * Accounts for every answered request in one place: one concise log line
 * (instead of fastify's "incoming request" / "request completed" pair) and
 * its metrics. The redirect routes call it right after answering; the other
 * routes through an onResponse hook (app.ts). fastify is given no logger of
 * its own: with one, it builds a child logger and response listeners for
 * every request, which cost a sixth of a redirect's CPU time in the benchmark.
 */
export interface RequestLog {
  /** Logs and counts `request`, answered with `status` after `seconds`; once (later calls do nothing). */
  readonly record: (request: FastifyRequest, status: number, seconds: number) => void
  /** Logs an error nobody expected, with the request it broke. */
  readonly failure: (request: FastifyRequest, error: unknown) => void
  /**
   * For handlers that answer synchronously outside the pages' hooks (the
   * redirects, the 404 page): `answer`, timed, then recorded.
   */
  readonly accounted: (answer: Answer) => Answer
}

type Answer = (request: FastifyRequest, reply: FastifyReply) => void

export function createRequestLog (logger: Logger, metrics: Metrics): RequestLog {
  // The line is written straight to the logger's destination, in pino's own
  // format (level, time, bindings, fields, message): pino's generic
  // serialisation of the same object cost about 5 µs per request in the
  // benchmark. Every value a client chose goes through JSON.stringify.
  const internals = logger as unknown as PinoInternals
  const stream = internals[pino.symbols.streamSym]
  const bindings = internals[pino.symbols.chindingsSym]
  const messageKey = JSON.stringify(internals[pino.symbols.messageKeySym])
  const levelValues = { info: String(logger.levels.values.info), debug: String(logger.levels.values.debug) }

  function line (levelName: 'info' | 'debug', request: FastifyRequest, redirect: RedirectLog | null, status: number, seconds: number): string {
    const message = levelName === 'debug' ? 'probe' : redirect === null ? 'request' : 'redirect'
    const fields = redirect === null
      ? ''
      : `,"kind":"${redirect.kind}","zone":"${redirect.zone}","lang":${JSON.stringify(redirect.lang)},"client":${JSON.stringify(redirect.client)}`
    return `{"level":${levelValues[levelName]}${internals[pino.symbols.timeSym]()}${bindings},"reqId":${JSON.stringify(request.id)},"method":${JSON.stringify(request.method)},"url":${JSON.stringify(request.url)},"status":${String(status)},"ms":${String(Math.round(seconds * 100_000) / 100)}${fields},${messageKey}:"${message}"}\n`
  }

  function record (request: FastifyRequest, status: number, seconds: number): void {
    if (request.accounted === true) return
    request.accounted = true
    const redirect = request.redirect ?? null
    metrics.recordResponse(redirect, request.problem ?? null, status, seconds)
    // Probes and scrapes log at debug, so that they do not drown the redirects.
    const levelName = PROBES.has(request.url) ? 'debug' : 'info'
    if (!logger.isLevelEnabled(levelName)) return
    stream.write(line(levelName, request, redirect, status, seconds))
  }

  return {
    record,
    failure (request, error) {
      logger.error({ reqId: request.id, err: error }, 'unhandled error')
    },
    accounted: answer => (request, reply) => {
      const started = performance.now()
      answer(request, reply)
      record(request, reply.statusCode, (performance.now() - started) / 1000)
    }
  }
}
