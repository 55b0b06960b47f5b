import Fastify, {
  LogController, type FastifyInstance, type FastifyPluginCallback, type RawServerDefault
} from 'fastify'
import helmet from '@fastify/helmet'
import fp from 'fastify-plugin'
import { Type } from '@sinclair/typebox'
import rateLimit from '@fastify/rate-limit'
import swagger from '@fastify/swagger'
import { pino, type Logger } from 'pino'
import type { Config } from '../config.ts'
import type { OverrideSource } from '../serverinfo/source.ts'
import type { RoomMapSource } from '../roommap/loader.ts'
import { createRoomMapSource } from '../roommap/source.ts'
import { BUILT_IN_LOCALES_DIR, loadCatalogs, type Catalogs } from '../i18n/index.ts'
import { createMetrics, type Metrics } from '../metrics.ts'
import { VERSION } from '../package-files.ts'
import accessLog from './plugins/access-log.ts'
import clientAddress from './plugins/client-address.ts'
import configPlugin from './plugins/config.ts'
import errors, { answerFrameworkError } from './plugins/errors.ts'
import language from './plugins/language.ts'
import metricsPlugin from './plugins/metrics.ts'
import pagesPlugin from './plugins/pages.ts'
import roomMapPlugin from './plugins/room-map.ts'
import { HELMET_OPTIONS } from './plugins/security-headers.ts'
import demoRoutes from './routes/demo.ts'
import healthRoutes from './routes/health.ts'
import linkRoutes from './routes/links.ts'
import metricsRoute from './routes/metrics.ts'
import roomRoutes from './routes/rooms.ts'
import { pageSchema, problem } from './schemas.ts'

/** Connection limits; tests set them small, production uses {@link DEFAULT_TIMEOUTS}. */
export interface Timeouts {
  /** A client must have sent its headers (and, a redirect having no body, its whole request) by then. */
  readonly headersMs: number
  /** A quiet keep-alive socket is closed after this. */
  readonly keepAliveMs: number
  /** How often Node looks for sockets past the headers timeout. */
  readonly checkIntervalMs: number
}

/**
 * A client that dribbles its headers, or sends none, is dropped once the
 * headers timeout has passed, noticed within the check interval: well inside
 * the 30 s of docs/design.md "Other surfaces". Together with the keep-alive timeout they cover every
 * idle socket.
 */
export const DEFAULT_TIMEOUTS: Timeouts = { headersMs: 10_000, keepAliveMs: 5_000, checkIntervalMs: 1_000 }

export interface AppOptions {
  readonly config: Config
  /** The logger requests are logged to; a silent one when absent (tests). */
  readonly logger?: Logger
  /** The getserverinfo override, when a source is configured. */
  readonly override?: OverrideSource
  /** Metrics shared with the override's fetch counter; a fresh set when absent. */
  readonly metrics?: Metrics
  readonly timeouts?: Timeouts
  /** The page catalogs; the built-in ones and PCWP_LOCALES_DIR when absent (throws CatalogError). */
  readonly catalogs?: Catalogs
  /** The room map file, loaded; when absent, PCWP_ROOM_MAP is read once here (not watched). */
  readonly roomMap?: RoomMapSource
}

export interface ServiceOptions {
  readonly config: Config
  readonly override: OverrideSource | undefined
  readonly metrics: Metrics
  readonly catalogs: Catalogs
  readonly roomMap: RoomMapSource | undefined
}

// The router's own bound on a path parameter, far above any room (the core refuses a longer one as no room).
const MAX_PARAM_LENGTH = 2048

/**
 * The pages, in a scope of their own: @fastify/helmet's hooks run for them
 * and not for the room links, which set their few security headers themselves.
 */
const pages: FastifyPluginCallback = (scope, _options, done) => {
  scope.register(helmet, HELMET_OPTIONS)
  scope.register(linkRoutes)
  scope.register(healthRoutes)
  scope.get('/openapi.json', { schema: pageSchema('This document: the OpenAPI description of every route the running configuration answers.', 'application/json', Type.Object({}, { additionalProperties: true })), config: { kind: 'openapi' } }, () => scope.swagger())
  if (scope.config.demo) scope.register(demoRoutes)
  done()
}

/**
 * The service as a fastify plugin (docs/design.md "Parts and imports"): its plugins
 * and routes, registered explicitly since the server runs as one bundled file.
 */
export const service = fp<ServiceOptions>((app, { config, override, metrics, catalogs, roomMap }, done) => {
  app.register(configPlugin, { config, override })
  app.register(roomMapPlugin, { roomMap })
  app.register(pagesPlugin, { catalogs })
  app.register(errors)
  app.register(clientAddress)
  app.register(accessLog)
  app.register(metricsPlugin, { metrics })
  app.register(language)
  app.register(swagger, {
    openapi: {
      // Stated, not left to a default: schemas (enum, never const) and methods (no QUERY) are chosen for 3.0.
      openapi: '3.0.3',
      // Only an origin the administrator stated: a request's own Host is no address to publish.
      ...(config.publicUrl === undefined ? {} : { servers: [{ url: config.publicUrl }] }),
      info: { title: 'pcwp-links', version: VERSION, description: 'Persistent Chat Web Protocol (MS-OCGCWEB) room links: redirects to the room management application.' },
      tags: [
        { name: 'rooms', description: 'Room links (MS-OCGCWEB 2.2)' },
        { name: 'operations', description: 'Health, readiness and metrics' },
        { name: 'pages', description: 'Pages for people and their assets' }
      ]
    }
  })
  if (config.rateLimitPerMinute !== undefined) {
    // Every limited route can answer 429: its OpenAPI entry says so. A route is exempt by its own
    // `config: { rateLimit: false }`, as the limiter decides, whatever path form a request uses.
    app.addHook('onRoute', route => {
      if (route.config?.rateLimit === false || route.schema === undefined) return
      route.schema = { ...route.schema, response: { ...(route.schema.response as object), 429: problem('RATE_LIMITED: over PCWP_RATE_LIMIT_PER_MIN from this address; see Retry-After.') } }
    })
    // Per client address, in a bounded in-memory store.
    app.register(rateLimit, {
      max: config.rateLimitPerMinute,
      timeWindow: 60_000,
      keyGenerator: request => request.clientAddress ?? request.ip
    })
  }
  app.register(roomRoutes)
  app.register(metricsRoute)
  app.register(pages)
  done()
}, { name: 'pcwp-links' })

/** PCWP_ROOM_MAP read once, for an app built without a source of its own (tests, tools). */
async function loadRoomMap (config: Config, logger: Logger): Promise<RoomMapSource | undefined> {
  if (config.roomMap === undefined) return undefined
  const source = await createRoomMapSource({ ...config.roomMap, allowHttp: config.allowHttp, logger })
  // A URL's connections close with the source, which nothing else would stop.
  await source.load().catch(async (error: unknown) => {
    await source.stop()
    throw error
  })
  return source
}

/**
 * Builds the service as a fastify instance, ready to `listen` or `inject`.
 * It does no I/O of its own: the caller owns listening and the override.
 */
export async function createApp ({
  config,
  logger = pino({ level: 'silent' }),
  override,
  metrics = createMetrics(config.redirectStatus),
  timeouts = DEFAULT_TIMEOUTS,
  catalogs = loadCatalogs({ builtInDir: BUILT_IN_LOCALES_DIR, overrideDir: config.localesDir }),
  ...options
}: AppOptions): Promise<FastifyInstance> {
  const roomMap = options.roomMap ?? await loadRoomMap(config, logger)
  const app = Fastify<RawServerDefault>({
    loggerInstance: logger,
    // One access line per request comes from the access-log plugin instead of fastify's pair.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: config.trustProxy.length === 0 ? false : config.trustProxy.map(range => range.text),
    // Paths match in any case (legacy links are pasted as their application wrote them); values keep theirs.
    routerOptions: { ignoreTrailingSlash: true, caseSensitive: false, maxParamLength: MAX_PARAM_LENGTH },
    requestTimeout: timeouts.headersMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    http: { headersTimeout: timeouts.headersMs, connectionsCheckingInterval: timeouts.checkIntervalMs },
    return503OnClosing: true,
    frameworkErrors: answerFrameworkError
  })
  // A map this app loaded itself is its own to stop (a URL's connections).
  if (options.roomMap === undefined && roomMap !== undefined) app.addHook('onClose', roomMap.stop)
  metrics.observe({
    ...(override === undefined
      ? {}
      : {
          override: () => {
            const state = override.state()
            return { inForce: state.url !== null, ageSeconds: state.ageSeconds ?? 0, refused: state.refused }
          }
        }),
    ...(roomMap === undefined
      ? {}
      : {
          roomMap: () => ({
            entries: roomMap.current().size,
            lastReloadSuccessful: roomMap.lastReloadSuccessful(),
            sha256: roomMap.state().sha256
          })
        })
  })
  await app.register(service, { config, override, metrics, catalogs, roomMap })
  return app
}
