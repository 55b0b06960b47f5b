import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import closeWithGrace from 'close-with-grace'
import { ConfigError, loadConfig, type Config } from './config.js'
import { createApp } from './http/app.js'
import { createMetrics } from './http/metrics.js'
import { createLogger } from './log-destination.js'

/** EX_CONFIG from sysexits.h: the configuration is wrong. */
export const EXIT_CONFIG = 78
// How long in-flight requests get to finish after SIGTERM before the process gives up.
const SHUTDOWN_GRACE_MS = 10_000

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
    // loadConfig throws nothing but ConfigError, whose message lists every problem.
    process.stderr.write(`pcwp-links: ${(error as ConfigError).message}\n`)
    return EXIT_CONFIG
  }

  const logger = createLogger(config.logLevel)
  for (const warning of config.warnings) logger.warn(warning)
  const metrics = createMetrics(config.redirectStatus)
  // Loaded only when a source is configured: nothing else needs the XML
  // parser and its validator.
  const override = config.serverInfo === undefined
    ? undefined
    : (await import('./serverinfo/override.js')).createServerInfoOverride({
      config: config.serverInfo,
      allowHttp: config.allowHttp,
      logger: logger.child({ component: 'serverinfo' }),
      onFetch: metrics.recordFetch
    })
  const app = await createApp({ config, logger, metrics, ...(override === undefined ? {} : { override }) })

  closeWithGrace({ delay: SHUTDOWN_GRACE_MS, logger }, async ({ signal, err }) => {
    // `err` is set when an uncaught error brought us here (close-with-grace then exits 1).
    logger.info({ signal, err }, 'shutting down: finishing in-flight requests')
    await app.close()
    await override?.stop()
    logger.flush()
  })

  // The first fetch starts now and is not awaited: listening, and every
  // redirect, go ahead with the provisioned URLs until it answers.
  override?.start()
  await app.listen({ host: config.host, port: config.port })
  // A TCP listener (HOST and PORT) has an AddressInfo, never a pipe's path.
  for (const { address, family, port } of app.addresses() as AddressInfo[]) {
    logger.info(`Server listening at http://${family === 'IPv6' ? `[${address}]` : address}:${String(port)}`)
  }
  if (config.demo) {
    logger.warn(`DEMO MODE: no PCWP_BASE_URL_INTERNAL, PCWP_BASE_URL_EXTERNAL or PCWP_SERVERINFO_URL is set, so links lead to the built-in stand-in at /demo/rm/. Open http://localhost:${config.port}/ to try the flow. Set PCWP_BASE_URL_INTERNAL and PCWP_BASE_URL_EXTERNAL to your room management application for real use; with NODE_ENV=production the service refuses to start without them.`)
  }
  logger.flush()
  return undefined
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const code = await startServer()
  if (code !== undefined) process.exitCode = code
}
