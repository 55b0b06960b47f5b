import { createHash, type Hash } from 'node:crypto'
import { watch, type FSWatcher } from 'node:fs'
import { open, stat, type FileHandle } from 'node:fs/promises'
import { dirname, extname } from 'node:path'
import type { FastifyBaseLogger } from 'fastify'
import { expectedError } from '../expected-error.ts'
import { RoomMapError, summaryOf } from './errors.ts'
import type { RoomMap } from './map.ts'
import { CHUNK_BYTES, parseRoomMapChunks, type RoomMapFormat } from './parse.ts'
import type { ValidationOptions } from './validate.ts'

/** Larger than any map this service is meant for: a wrong file, not a map. */
export const MAX_ROOM_MAP_BYTES = 64 * 1024 * 1024
/** What is said of a file or an answer over {@link MAX_ROOM_MAP_BYTES}. */
export const TOO_LARGE = `larger than ${String(MAX_ROOM_MAP_BYTES / 1024 / 1024)} MiB`
// A file rewritten while it is read is read again, but not for ever.
const READ_ATTEMPTS = 3

const FORMATS = new Map<string, RoomMapFormat>([['.csv', 'csv'], ['.json', 'json']])
const REASONS = new Map<string, string>([
  ['ENOENT', 'no such file'],
  ['EACCES', 'permission denied'],
  ['EPERM', 'permission denied'],
  ['EISDIR', 'a directory, not a file'],
  ['ELOOP', 'a symbolic link loop']
])

/** A map read, and the digest of its bytes. */
export interface LoadedRoomMap {
  readonly map: RoomMap
  /** SHA-256 of the bytes read, lowercase hex: replicas serving one map show the same. */
  readonly sha256: string
}

/** A map read from a file, and the identity of the file read. */
export interface LoadedRoomMapFile extends LoadedRoomMap {
  /** Device, inode, size and modification time of the file read (after symbolic links). */
  readonly identity: string
}

/**
 * Reads and parses a room map file: `.csv` or `.json` by its extension,
 * UTF-8. Throws a {@link RoomMapError}: `PCWP_ROOM_MAP_UNREADABLE` when the
 * file cannot be read, `PCWP_ROOM_MAP_INVALID` when its content is wrong;
 * the message starts with the path.
 */
export async function readRoomMapFile (path: string, options: ValidationOptions): Promise<LoadedRoomMapFile> {
  const format = FORMATS.get(extname(path).toLowerCase())
  if (format === undefined) throw new RoomMapError([{ message: 'the file name must end in .csv or .json, which says its format' }], 'PCWP_ROOM_MAP_INVALID', path)
  try {
    for (let attempt = 1; attempt <= READ_ATTEMPTS; attempt++) {
      const read = await readOnce(path, format, options)
      if (read !== undefined) return read
    }
    throw new RoomMapError([{ message: `the file changed while it was read, ${String(READ_ATTEMPTS)} times in a row` }], 'PCWP_ROOM_MAP_UNREADABLE', path)
  } catch (error) {
    // Parse errors (PCWP_ROOM_MAP_INVALID) get the path; the size and change errors have it.
    if (error instanceof RoomMapError) {
      if (error.code === 'PCWP_ROOM_MAP_UNREADABLE') throw error
      throw new RoomMapError(error.problems, 'PCWP_ROOM_MAP_INVALID', path)
    }
    // What the system could not read is the file's trouble; anything else is a bug of ours, not the file's.
    if (!(error instanceof Error && 'syscall' in error)) throw error
    const code = String((error as NodeJS.ErrnoException).code)
    const message = `cannot read the file: ${REASONS.get(code) ?? code}`
    throw new RoomMapError([{ message }], 'PCWP_ROOM_MAP_UNREADABLE', path)
  }
}

/**
 * One read of the file, or undefined when it changed while it was read (the
 * map is parsed as it is read, so a file rewritten meanwhile would give rows
 * of both versions). JSON goes through the same chunks: JSON.parse needs the
 * whole text, which is gathered from them, not read as bytes first.
 */
async function readOnce (
  path: string, format: RoomMapFormat, options: ValidationOptions
): Promise<LoadedRoomMapFile | undefined> {
  const handle = await open(path)
  try {
    const stats = await handle.stat()
    if (stats.size > MAX_ROOM_MAP_BYTES) {
      throw new RoomMapError([{ message: TOO_LARGE }], 'PCWP_ROOM_MAP_UNREADABLE', path)
    }
    const hash = createHash('sha256')
    const outcome = await parseRoomMapChunks(hashed(fileChunks(handle, stats.size), hash), format, options)
      .then(map => ({ map }), (error: unknown) => ({ error }))
    // What was read of a changed file, good or bad, is not the file.
    const identity = identityOf(stats)
    if (identityOf(await handle.stat()) !== identity) return undefined
    if ('error' in outcome) throw outcome.error
    return { map: outcome.map, identity, sha256: hash.digest('hex') }
  } finally {
    await handle.close()
  }
}

/**
 * The first `size` bytes of a file (the size taken: a file that grows meanwhile
 * is read again, a device not for ever), in chunks of a buffer each, since the
 * parser may keep part of one while it reads the next. A read stream would
 * close the handle when the parse stops early, before its identity is taken.
 */
export async function * fileChunks (handle: FileHandle, size: number): AsyncGenerator<Buffer> {
  for (let position = 0; position < size;) {
    const chunk = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, size - position))
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, position)
    // A file cut short meanwhile is read as far as it goes; its changed identity has it read again.
    if (bytesRead === 0) return
    position += bytesRead
    yield chunk.subarray(0, bytesRead)
  }
}

/** The chunks, each added to `hash` as it passes. */
export async function * hashed (chunks: AsyncIterable<Buffer>, hash: Hash): AsyncGenerator<Buffer> {
  for await (const chunk of chunks) {
    hash.update(chunk)
    yield chunk
  }
}

/** What /readyz says about the room map. */
export interface RoomMapState {
  /** Room rows of the map in force. */
  readonly entries: number
  /** When the map in force was read, ISO 8601; null before the first load. */
  readonly loadedAt: string | null
  /** The configured path. */
  readonly source: string
  /** Why the last read was rejected (`CODE: first problem`), or null when it was taken. */
  readonly lastError: string | null
  /** SHA-256 of the map in force's bytes, lowercase hex; null before the first load. */
  readonly sha256: string | null
}

export type ReloadOutcome = 'success' | 'failure'

export type RoomMapSourceLogger = Pick<FastifyBaseLogger, 'info' | 'warn' | 'error'>

export interface RoomMapFileSourceOptions extends ValidationOptions {
  readonly path: string
  /** How often the file's identity is compared with the one in force. */
  readonly checkIntervalMs?: number
  /** How long a changed file must stay unchanged before it is read. */
  readonly stableMs?: number
  readonly logger: RoomMapSourceLogger
  /** Told of every reload's outcome (not of the first load). */
  readonly onReload?: (outcome: ReloadOutcome) => void
}

export interface RoomMapSource {
  /**
   * The first read; rejects with a {@link RoomMapError}: the service exits 78,
   * or 1 for a URL still unreachable (`PCWP_ROOM_MAP_UNREACHABLE`).
   */
  load: () => Promise<void>
  /** The map in force: an in-memory read. */
  current: () => RoomMap
  state: () => RoomMapState
  /** Reads the map now (SIGHUP); false when it was rejected and the last good map stays. */
  reload: () => Promise<boolean>
  /** Starts watching the file, or asking the URL, for changes. */
  start: () => void
  /** Stops watching or asking; a fetch under way is abandoned. */
  stop: () => Promise<void>
  /** Whether the last reload (or the first load) was taken. */
  lastReloadSuccessful: () => boolean
}

/** The service's timing (docs/room-map.md "Reloading"); tests set theirs small. */
export const DEFAULT_ROOM_MAP_TIMING = { checkIntervalMs: 5000, stableMs: 1000 } as const
// A directory's watch fires for every file in it, as often as they are written
// (a log file beside the map): the checks its events ask for within this time are one.
const WATCH_EVENTS_MERGED_MS = 100

/**
 * The room map file, kept in memory and re-read when it changes.
 *
 * A change is noticed by a watch on the file's directory (a Kubernetes
 * ConfigMap replaces the `..data` symbolic link there, not the file) and by
 * a periodic comparison of the file's identity (device, inode, size and
 * modification time, after symbolic links), for file systems where watching
 * is unreliable. A changed file is read once its identity has stayed the same
 * for `stableMs`, so that a file being written is not read half-way. A
 * rejected file changes nothing but `lastError`: the last good map stays.
 */
export function createRoomMapFileSource (options: RoomMapFileSourceOptions): RoomMapSource {
  const { path, allowHttp, logger, onReload } = options
  const {
    checkIntervalMs = DEFAULT_ROOM_MAP_TIMING.checkIntervalMs, stableMs = DEFAULT_ROOM_MAP_TIMING.stableMs
  } = options

  let map: RoomMap | undefined
  let loadedAt: string | null = null
  let sha256: string | null = null
  let lastError: string | null = null
  let lastSuccessful = true
  // The identity of the file last read, good or bad: a bad file is not read again until it changes.
  let applied: string | undefined
  let candidate: string | undefined
  let queue: Promise<unknown> = Promise.resolve()
  let watcher: FSWatcher | undefined
  let interval: NodeJS.Timeout | undefined
  let settle: NodeJS.Timeout | undefined
  let noticed: NodeJS.Timeout | undefined
  let running = false
  // Reloads queued or under way.
  let reloads = 0

  async function read (): Promise<void> {
    // Taken before reading: should the file change meanwhile, the next check sees a difference and reads again.
    const before = await identify()
    try {
      const loaded = await readRoomMapFile(path, { allowHttp })
      applied = loaded.identity
      map = loaded.map
      sha256 = loaded.sha256
      loadedAt = new Date().toISOString()
      lastError = null
      lastSuccessful = true
    } catch (error) {
      applied = before
      lastError = summaryOf(expectedError(error, RoomMapError))
      lastSuccessful = false
      throw error
    }
  }

  // Reads are queued, so that a SIGHUP during a watch-triggered read waits its turn.
  function reload (): Promise<boolean> {
    reloads++
    const next = queue.then(async () => {
      // read() throws nothing but the RoomMapError it has recorded as lastError.
      const taken = await read().then(() => true, () => false)
      reloads--
      if (taken) logger.info({ source: path, entries: map?.size }, 'room map reloaded')
      else logger.error({ source: path, reason: lastError }, 'room map rejected; the last good map stays')
      onReload?.(taken ? 'success' : 'failure')
      return taken
    })
    queue = next
    return next
  }

  async function identify (): Promise<string> {
    try {
      return identityOf(await stat(path))
    } catch (error) {
      return `unreadable:${String((error as NodeJS.ErrnoException).code)}`
    }
  }

  // A change is read once the identity seen has held for stableMs: each new
  // identity restarts the wait, and the check at its end reads the file.
  async function check (settled = false): Promise<void> {
    // A read under way sets what is applied when it ends; a file that changed meanwhile differs from
    // that, and is read by a later check. Compared now, the file being read would be read twice.
    if (reloads > 0) return
    const identity = await identify()
    // A check in flight when stop() was called.
    if (!running) return
    if (identity === applied) {
      candidate = undefined
      clearTimeout(settle)
    } else if (identity === candidate) {
      if (settled) {
        candidate = undefined
        await reload()
      }
    } else {
      candidate = identity
      clearTimeout(settle)
      settle = setTimeout(() => { void check(true) }, stableMs)
      settle.unref()
    }
  }

  function watchEvent (): void {
    noticed ??= setTimeout(() => {
      noticed = undefined
      void check()
    }, WATCH_EVENTS_MERGED_MS).unref()
  }

  function watchFailed (error: Error): void {
    logger.warn({ source: path, reason: (error as NodeJS.ErrnoException).code }, 'room map: cannot watch the directory; relying on the periodic check')
    closeWatcher()
  }

  function closeWatcher (): void {
    watcher?.close()
    watcher = undefined
  }

  return {
    load: async () => {
      await read()
      logger.info({ source: path, entries: map?.size }, 'room map loaded')
    },
    current: () => {
      if (map === undefined) throw new Error('the room map is not loaded yet: call load() first')
      return map
    },
    state: () => ({ entries: map?.size ?? 0, loadedAt, source: path, lastError, sha256 }),
    reload,
    start: () => {
      running = true
      try {
        watcher = watch(dirname(path), { persistent: false }, watchEvent)
        watcher.on('error', watchFailed)
      } catch (error) {
        watchFailed(error as Error)
      }
      interval = setInterval(() => { void check() }, checkIntervalMs)
      interval.unref()
      // A change between load() and start() is noticed too.
      void check()
    },
    // eslint-disable-next-line @typescript-eslint/require-await -- the file has nothing under way to wait for
    stop: async () => {
      running = false
      closeWatcher()
      clearInterval(interval)
      clearTimeout(settle)
      clearTimeout(noticed)
      noticed = undefined
    },
    lastReloadSuccessful: () => lastSuccessful
  }
}

function identityOf (stats: { dev: number, ino: number, size: number, mtimeMs: number }): string {
  return `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeMs}`
}
