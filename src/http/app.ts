import Fastify, { type FastifyInstance } from 'fastify'
import rateLimit from '@fastify/rate-limit'
import swagger from '@fastify/swagger'
import { pino, type Logger } from 'pino'
import type { Config } from '../config.js'
import type { OverrideSource } from '../serverinfo/source.js'
import { VERSION } from '../package-files.js'
import { registerDemoRoutes } from './demo.js'
import { createLanguageNegotiator } from '../negotiate/language.js'
import { registerHealthRoutes } from './health.js'
import { registerLinkRoutes } from './links.js'
import { createMetrics, registerMetrics, type Metrics } from './metrics.js'
import { errorAnswerer, registerProblemHandlers } from './problems.js'
import { createRequestLog } from './request-log.js'
import { registerSecurityHeaders } from './security-headers.js'
import { registerRoomRoutes } from './rooms.js'

export interface AppOptions {
  readonly config: Config
  /** The pino logger requests are logged to; a silent one when absent (tests). */
  readonly logger?: Logger
  /** The getserverinfo override, when a source is configured. */
  readonly override?: OverrideSource
  /** Metrics shared with the override's fetch counter; a fresh set when absent. */
  readonly metrics?: Metrics
}


/**
 * Connection limits. A client that dribbles its headers, or sends none, is
 * dropped once HEADERS_TIMEOUT_MS has passed, noticed within
 * CHECK_INTERVAL_MS: well inside DESIGN.md's 30 s. A redirect needs no request
 * body, so the whole request gets no longer than its headers; a quiet
 * keep-alive socket is closed after KEEP_ALIVE_TIMEOUT_MS. Together they
 * cover every idle socket, so there is no socket timeout as well: it is
 * re-armed on every read and write, about 2% of a redirect's CPU time.
 */
export const HEADERS_TIMEOUT_MS = 10_000
const CHECK_INTERVAL_MS = 1_000
const KEEP_ALIVE_TIMEOUT_MS = 5_000
const UNLIMITED = new Set(['/healthz', '/readyz', '/metrics'])
// The longest room identifier (a ma-chan:// URI with a 253-character domain) fits.
const MAX_PARAM_LENGTH = 320

/**
 * Builds the service as a fastify instance, ready to `listen` or `inject`.
 * It does no I/O of its own: the caller owns listening and the override.
 */
export async function createApp ({ config, logger = pino({ level: 'silent' }), override, metrics = createMetrics(config.redirectStatus) }: AppOptions): Promise<FastifyInstance> {
  const requestLog = createRequestLog(logger, metrics)
  const answerError = errorAnswerer(requestLog)
  // No logger for fastify itself: request-log.ts accounts for every request (see there why).
  const app = Fastify({
    trustProxy: config.trustProxy.length === 0 ? false : config.trustProxy.map(range => range.text),
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: MAX_PARAM_LENGTH },
    requestTimeout: HEADERS_TIMEOUT_MS,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    http: { headersTimeout: HEADERS_TIMEOUT_MS, connectionsCheckingInterval: CHECK_INTERVAL_MS },
    return503OnClosing: true,
    frameworkErrors: answerError
  })

  // Schemas document the routes (/openapi.json); they do not validate input:
  // the protocol core does, with messages that say what was expected.
  app.setValidatorCompiler(() => () => true)
  await app.register(swagger, {
    openapi: {
      info: { title: 'pcwp-links', version: VERSION, description: 'Persistent Chat Web Protocol (MS-PCWP) room links: redirects to the room management application.' },
      tags: [{ name: 'rooms', description: 'Room links (MS-PCWP 2.2)' }, { name: 'operations', description: 'Health, readiness and metrics' }]
    }
  })
  if (config.rateLimitPerMinute !== undefined) {
    // Per client address (request.ip: X-Forwarded-For only through PCWP_TRUST_PROXY),
    // in a bounded in-memory store; health probes and scrapes are exempt.
    await app.register(rateLimit, {
      max: config.rateLimitPerMinute,
      timeWindow: 60_000,
      allowList: request => UNLIMITED.has(request.url),
      // The redirects write their own headers (rooms.ts): x-ratelimit-* only on the 429.
      addHeadersOnExceeding: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false }
    })
  }
  // Decorated, though the request log copes without: every request then has the same shape.
  app.decorateRequest('accounted', false)
  registerProblemHandlers(app, requestLog, answerError)
  // One negotiator (and so one bounded cache) for the redirects and the link page.
  const negotiateLanguage = createLanguageNegotiator({ supported: config.languages, defaultLanguage: config.defaultLanguage })
  // The redirects: no hooks; they set their headers and account for themselves.
  registerRoomRoutes(app, { config, override, negotiateLanguage, requestLog })
  // The pages, in a scope of their own: the security headers and the request
  // log come from hooks, which the redirects are spared.
  await app.register((pages, _options, registered) => {
    registerSecurityHeaders(pages)
    pages.addHook('onResponse', (request, reply, done) => {
      requestLog.record(request, reply.statusCode, reply.elapsedTime / 1000)
      done()
    })
    registerLinkRoutes(pages, { config, override, negotiateLanguage })
    registerHealthRoutes(pages, { config, override })
    registerMetrics(pages, { metrics, override })
    pages.get('/openapi.json', { schema: { hide: true } }, () => app.swagger())
    if (config.demo) registerDemoRoutes(pages)
    registered()
  })
  return app
}
