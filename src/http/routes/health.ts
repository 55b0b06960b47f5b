import type { FastifyPluginCallback } from 'fastify'
import { NETWORK_ZONES, resolveBaseUrl, type BaseUrl, type NetworkZone } from '../../pcwp/index.ts'
import { healthSchema, readySchema, robotsSchema } from '../schemas.ts'

type ZoneState = 'override' | 'provisioned' | 'disabled'

// Probes are never rate limited (PCWP_RATE_LIMIT_PER_MIN): an orchestrator must always see the truth.
const PROBE_CONFIG = { kind: 'health', rateLimit: false } as const

/**
 * /healthz: the process is alive. /readyz: it can redirect someone, that is
 * some zone has a base URL (MS-OCGCWEB 3.1.1); its body shows which and the
 * override's state. /robots.txt: these links must not be crawled.
 */
const healthRoutes: FastifyPluginCallback = (app, _options, done) => {
  const { config, override } = app
  app.get('/healthz', { schema: healthSchema, config: PROBE_CONFIG }, (_request, reply) =>
    reply.header('cache-control', 'no-store').send({ status: 'ok' }))

  app.get('/readyz', { schema: readySchema, config: PROBE_CONFIG }, (_request, reply) => {
    const current = override?.current()
    const zones = Object.fromEntries(
      NETWORK_ZONES.map(zone => [zone, zoneState(resolveBaseUrl(current, config.baseUrls, zone), current)])
    ) as Record<NetworkZone, ZoneState>
    // A room map alone can answer (moved and retired rooms), as docs/design.md "Configuration" allows in production.
    const ready = NETWORK_ZONES.some(zone => zones[zone] !== 'disabled') || app.roomMap !== undefined
    return reply.code(ready ? 200 : 503).header('cache-control', 'no-store').send({
      status: ready ? 'ready' : 'unready',
      demo: config.demo,
      zones,
      override: override?.state() ?? null,
      ...(app.roomMap === undefined ? {} : { roomMap: app.roomMap.state() })
    })
  })

  // Browsers ask for it on every page; an empty answer beats a 404 in every console.
  app.get('/favicon.ico', { schema: { hide: true }, config: { kind: 'asset' } }, (_request, reply) =>
    reply.code(204).header('cache-control', 'public, max-age=86400').send())

  app.get('/robots.txt', { schema: robotsSchema, config: { kind: 'asset' } }, (_request, reply) =>
    reply.type('text/plain; charset=utf-8').send('User-agent: *\nDisallow: /\n'))
  done()
}

export default healthRoutes

/** Where a zone's readers are sent, as /readyz names it: the base URL MS-OCGCWEB 3.1.3 resolves, and whose it is. */
function zoneState (base: BaseUrl | undefined, override: BaseUrl | undefined): ZoneState {
  if (base === undefined) return 'disabled'
  return base === override ? 'override' : 'provisioned'
}
