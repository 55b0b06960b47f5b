// The service's process: configuration, catalogs and room map loaded, the app
// listening, signals and graceful shutdown. src/server.ts runs it.
import closeWithGrace from 'close-with-grace'
import type { Logger } from 'pino'
import { ConfigError, loadConfig, type Config } from './config.ts'
import { EXIT_CONFIG, EXIT_START_FAILED } from './exit-codes.ts'
import { createApp } from './http/app.ts'
import { BUILT_IN_LOCALES_DIR, CatalogError, loadCatalogs, type Catalogs } from './i18n/index.ts'
import { createLogger } from './logger.ts'
import { createMetrics } from './metrics.ts'
import { RoomMapError } from './roommap/index.ts'
import { createRoomMapSource } from './roommap/source.ts'
import { expectedError } from './expected-error.ts'

// How long in-flight requests get to finish after SIGTERM before the process gives up.
const SHUTDOWN_GRACE_MS = 10_000

// What the operating system's error codes mean to an administrator.
const LISTEN_FAILURES: Readonly<Record<string, string>> = {
  EADDRINUSE: 'address already in use',
  EADDRNOTAVAIL: 'address not available on this machine',
  EACCES: 'permission denied',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name could not be resolved'
}

/** Why listening failed, in an administrator's words where the operating system's code is a known one. */
export function listenFailure (error: NodeJS.ErrnoException): string {
  return LISTEN_FAILURES[error.code ?? ''] ?? error.message
}

/** The line that says listening failed: where (an IPv6 host in brackets, as in a URL) and why. */
export function listenFailureReason (host: string, port: number, error: NodeJS.ErrnoException): string {
  return `cannot listen on ${host.includes(':') ? `[${host}]` : host}:${String(port)}: ${listenFailure(error)}`
}

/**
 * A failure that stops the process is said twice, so that it is seen
 * whatever reads the output: a JSON `fatal` line for the log pipeline (at
 * any LOG_LEVEL but silent) and one plain line on standard error.
 */
function reportFatal (logger: Logger, error: unknown, reason: string): void {
  logger.fatal({ err: error }, reason)
  logger.flush()
  process.stderr.write(`pcwp-links: ${reason}\n`)
}

/**
 * The process: configuration, logger, app, listen, graceful shutdown.
 * Returns the exit code when start-up fails; otherwise the process runs until
 * a signal, when close-with-grace closes the app and exits.
 */
export async function startServer (env: NodeJS.ProcessEnv = process.env): Promise<number | undefined> {
  let config: Config
  try {
    config = loadConfig(env)
  } catch (error) {
    // Its message lists every problem.
    process.stderr.write(`pcwp-links: ${expectedError(error, ConfigError).message}\n`)
    return EXIT_CONFIG
  }

  let catalogs: Catalogs
  try {
    catalogs = loadCatalogs({ builtInDir: BUILT_IN_LOCALES_DIR, overrideDir: config.localesDir })
  } catch (error) {
    // One problem per file and key.
    process.stderr.write(`pcwp-links: ${expectedError(error, CatalogError).message}\n`)
    return EXIT_CONFIG
  }

  const logger = createLogger(config.logLevel, config.logClient)
  for (const warning of config.warnings) logger.warn(warning)
  const metrics = createMetrics(config.redirectStatus)
  // Loaded only when a source is configured: nothing else needs undici or the XML parser.
  const override = config.serverInfo === undefined
    ? undefined
    : (await import('./serverinfo/override.ts')).createServerInfoOverride({
        config: config.serverInfo,
        allowHttp: config.allowHttp,
        publicUrl: config.publicUrl,
        logger: logger.child({ component: 'serverinfo' }),
        onFetch: metrics.recordFetch
      })
  // The map is in force before the first request; a bad one stops the start like any bad configuration,
  // a URL that stays unreachable like an address that cannot be listened on.
  const roomMap = config.roomMap === undefined
    ? undefined
    : await createRoomMapSource({
      ...config.roomMap,
      allowHttp: config.allowHttp,
      logger: logger.child({ component: 'room-map' }),
      onReload: metrics.recordMapReload
    })
  // SIGHUP re-reads the room map and keeps serving (close-with-grace would shut down on it). Until the
  // first load is done there is nothing to re-read, but Node's own answer to SIGHUP would end the process.
  let loaded = false
  const reloadOnHangup = () => {
    if (loaded) void roomMap?.reload()
    else logger.info('SIGHUP ignored: the room map is still loading')
  }
  process.on('SIGHUP', reloadOnHangup)
  try {
    await roomMap?.load()
    loaded = true
  } catch (error) {
    const { code, message } = expectedError(error, RoomMapError)
    process.off('SIGHUP', reloadOnHangup)
    await roomMap?.stop()
    if (code === 'PCWP_ROOM_MAP_UNREACHABLE') {
      reportFatal(logger, error, `PCWP_ROOM_MAP: ${message}`)
      return EXIT_START_FAILED
    }
    // Its message lists the bad lines.
    process.stderr.write(`pcwp-links: PCWP_ROOM_MAP: ${message}\n`)
    return EXIT_CONFIG
  }
  const app = await createApp({
    config,
    logger,
    metrics,
    catalogs,
    ...(override === undefined ? {} : { override }),
    ...(roomMap === undefined ? {} : { roomMap })
  })

  const stopSources = async (): Promise<void> => {
    await override?.stop()
    await roomMap?.stop()
  }
  const closer = closeWithGrace({
    delay: SHUTDOWN_GRACE_MS,
    logger: false,
    skip: ['SIGHUP']
  }, async ({ signal, err }) => {
    process.off('SIGHUP', reloadOnHangup)
    // `err` is set when an uncaught error brought us here; close-with-grace then exits 1.
    if (err === undefined) logger.info({ signal }, 'shutting down: finishing in-flight requests')
    else reportFatal(logger, err, `crashed: ${err.message}`)
    await app.close()
    await stopSources()
    logger.flush()
  })

  // The first fetch starts now and is not awaited: listening, and every
  // redirect, go ahead with the provisioned URLs until it answers.
  override?.start()
  roomMap?.start()
  try {
    await app.listen({ host: config.host, port: config.port })
  } catch (error) {
    // listen rejects with the operating system's error (or the resolver's).
    reportFatal(logger, error, listenFailureReason(config.host, config.port, error as NodeJS.ErrnoException))
    closer.uninstall()
    process.off('SIGHUP', reloadOnHangup)
    await stopSources()
    return EXIT_START_FAILED
  }
  if (config.demo) {
    logger.warn(`DEMO MODE: no PCWP_BASE_URL_INTERNAL, PCWP_BASE_URL_EXTERNAL, PCWP_SERVERINFO_URL or PCWP_ROOM_MAP is set, so links lead to the built-in stand-in at /demo/rm/. Open http://localhost:${config.port}/ to try the flow. Set PCWP_BASE_URL_INTERNAL and PCWP_BASE_URL_EXTERNAL to your room management application for real use; with NODE_ENV=production the service refuses to start without them.`)
  }
  logger.flush()
  return undefined
}
