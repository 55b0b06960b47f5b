import { pino, type Logger } from 'pino'

const LOG_BATCH_CHARS = 65_536
const LOG_FLUSH_MS = 1000

/** Where pino's lines go: anything with `write`, such as pino's own asynchronous destination. */
export interface LineSink {
  write: (chunk: string) => unknown
  flush?: (callback?: (error?: Error) => void) => void
  flushSync?: () => void
}

export interface BatchedDestination {
  write: (line: string) => boolean
  /** Hands the collected lines on and asks the sink to flush (pino's `logger.flush()` calls this). */
  flush: (callback?: (error?: Error) => void) => void
  /** Hands the collected lines on and writes everything out before returning (for process exit). */
  flushSync: () => void
}

export interface BatchOptions {
  /** Lines are handed on once this many characters have collected. */
  readonly batchChars: number
  /** ... and at least this often. */
  readonly flushMs: number
}

/**
 * Collects log lines and hands them to the sink as one string per batch. The
 * sink is pino's asynchronous destination (SonicBoom), which measures the byte
 * length of its whole pending buffer on every write: one write per line made
 * a log line cost about 3 µs more than one write per batch (bench/ and
 * docs/benchmarks.md). Lines appear at most `flushMs` late; shutdown and
 * process exit flush what is left.
 */
export function batchedDestination (sink: LineSink, { batchChars, flushMs }: BatchOptions): BatchedDestination {
  // Joined once per batch: one flat string for the sink to encode, not a
  // chain of hundreds of concatenations.
  let pending: string[] = []
  let pendingChars = 0

  function handOn (): void {
    if (pending.length === 0) return
    sink.write(pending.join(''))
    pending = []
    pendingChars = 0
  }

  setInterval(handOn, flushMs).unref()

  return {
    write (line) {
      pending.push(line)
      pendingChars += line.length
      if (pendingChars >= batchChars) handOn()
      return true
    },
    flush (callback) {
      handOn()
      if (sink.flush === undefined) callback?.()
      else sink.flush(callback)
    },
    flushSync () {
      handOn()
      sink.flushSync?.()
    }
  }
}

/**
 * The service's logger, writing to standard output through pino's
 * asynchronous destination: writing the log never blocks a redirect. Lines
 * reach it in batches of 64 KiB, and at least once a second: each
 * asynchronous write costs about 100 µs of CPU whatever its size (the hand-off
 * to libuv's thread pool), 1.7 µs per line in 16 KiB batches, 0.5 µs in 64 KiB
 * (npm run bench:log-write). What is left is written out when the process exits.
 */
export function createLogger (level: string): Logger {
  const destination = batchedDestination(pino.destination({ sync: false }), { batchChars: LOG_BATCH_CHARS, flushMs: LOG_FLUSH_MS })
  process.once('exit', destination.flushSync)
  return pino({ level }, destination)
}
