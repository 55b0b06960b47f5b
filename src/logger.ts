import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino'
import type { LogClientMode } from './net/logged-address.ts'

/**
 * Lines are written out once this many bytes have collected (or every
 * LOG_FLUSH_MS): one write per line would cost a system call per request.
 * sonic-boom requires it below its maxWrite (16 KiB by default).
 */
const LOG_MIN_LENGTH = 8192
/** docs/operations.md "Access log" promises that every line reaches standard output within a second. */
const LOG_FLUSH_MS = 1000

/**
 * What never reaches a log line, whoever logs it: credentials a client sent
 * and cookies the service might set. Only the unhandled-error line carries
 * request headers, but the rule holds for every line.
 */
const REDACT_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]'
]

/** The headers that carry client addresses: redacted unless PCWP_LOG_CLIENT=full. */
const ADDRESS_HEADER_PATHS: readonly string[] = ['req.headers["x-forwarded-for"]', 'req.headers.forwarded']

/** The parts of a request (fastify's, or Node's) that a log line shows. */
interface LoggedRequest {
  readonly method: string
  readonly url: string
  readonly headers: Readonly<Record<string, unknown>>
}

/**
 * Replaces fastify's request serializer: a line that logs a request (only
 * the unhandled-error line does) shows its method, URL and headers, which
 * {@link REDACT_PATHS} then strips of credentials.
 */
function serializeRequest ({ method, url, headers }: LoggedRequest): LoggedRequest {
  return { method, url, headers: { ...headers } }
}

/** The logger options every pcwp-links logger shares; tests build loggers from them too. */
export function loggerOptions (level: string, logClient: LogClientMode = 'full'): LoggerOptions {
  const redact = logClient === 'full' ? REDACT_PATHS : [...REDACT_PATHS, ...ADDRESS_HEADER_PATHS]
  return { level, redact: [...redact], serializers: { req: serializeRequest } }
}

/**
 * The service's logger: pino writing to standard output through its own
 * asynchronous destination, so that writing the log never blocks a redirect.
 * What is still buffered is written out when the process exits.
 */
export function createLogger (
  level: string,
  logClient: LogClientMode,
  destination: DestinationStream = pino.destination({
    sync: false, minLength: LOG_MIN_LENGTH, periodicFlush: LOG_FLUSH_MS
  })
): Logger {
  return pino(loggerOptions(level, logClient), destination)
}
