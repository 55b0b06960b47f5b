// /openapi.json describes every route the running configuration answers (#19 item 8).
import Fastify, { type RouteOptions } from 'fastify'
import t from 'tap'
import { service } from '../../src/http/app.ts'
import { createMetrics } from '../../src/http/plugins/metrics.ts'
import { BUILT_IN_LOCALES_DIR, loadCatalogs } from '../../src/i18n/index.ts'
import { config, STANDARD_ENV } from '../fixtures/app.ts'

interface OpenApi { paths: Record<string, Record<string, { responses: Record<string, unknown> }>>, servers?: { url: string }[] }

/** The app as createApp builds it, with every route the router gets written down. */
async function documented (env: Record<string, string>) {
  const routes: RouteOptions[] = []
  const app = Fastify()
  app.addHook('onRoute', route => { routes.push(route) })
  const settings = config(env)
  await app.register(service, { config: settings, override: undefined, metrics: createMetrics(settings.redirectStatus), catalogs: loadCatalogs({ builtInDir: BUILT_IN_LOCALES_DIR }), roomMap: undefined })
  const doc = (await app.inject('/openapi.json')).json<OpenApi>()
  await app.close()
  return { routes, doc }
}

/** fastify's path as OpenAPI writes it: /rooms/:room is /rooms/{room}, a wildcard {*}. */
const openApiPath = (url: string) => url.replace(/:([A-Za-z]+)/g, '{$1}').replace(/\*$/, '{*}')

const CONFIGS: Record<string, Record<string, string>> = {
  standard: STANDARD_ENV,
  'legacy paths, rate limit, 307 and a public URL': { ...STANDARD_ENV, PCWP_LEGACY_PATHS: '/PersistentChat/RM/,/old/chat', PCWP_RATE_LIMIT_PER_MIN: '100', PCWP_REDIRECT_STATUS: '307', PCWP_PUBLIC_URL: 'https://chat-links.corp.example' },
  demo: {}
}

for (const [name, env] of Object.entries(CONFIGS)) {
  t.test(`every route is described: ${name}`, async t => {
    const { routes, doc } = await documented(env)
    const missing: string[] = []
    for (const route of routes) {
      if (route.url === '/favicon.ico') continue
      for (const method of [route.method].flat()) {
        if (method === 'HEAD') continue
        if (doc.paths[openApiPath(route.url)]?.[method.toLowerCase()] === undefined) missing.push(`${method} ${route.url}`)
      }
    }
    t.same(missing, [], 'no route missing from the document')
    t.ok(routes.length > 10, `${routes.length} routes walked`)
  })
}

t.test('the configured redirect status by number, legacy paths, 405 and 429 where they happen, servers only with PCWP_PUBLIC_URL', async t => {
  const { doc } = await documented(CONFIGS['legacy paths, rate limit, 307 and a public URL'] as Record<string, string>)
  t.same(doc.servers, [{ url: 'https://chat-links.corp.example' }])
  t.ok(doc.paths['/rooms/{room}']?.get?.responses['307'], '307, not 3XX')
  t.notOk(doc.paths['/rooms/{room}']?.get?.responses['302'])
  t.ok(doc.paths['/persistentchat/rm']?.get?.responses['410'], 'a legacy path')
  t.ok(doc.paths['/rooms/{*}']?.post?.responses['405'], '405 on other methods')
  t.ok(doc.paths['/persistentchat/rm']?.delete?.responses['405'], 'legacy paths too')
  t.ok(doc.paths['/rooms/new']?.get?.responses['429'], '429 where rate limiting applies')
  t.notOk(doc.paths['/healthz']?.get?.responses['429'], 'probes are not limited')
  const plain = await documented(STANDARD_ENV)
  t.equal(plain.doc.servers, undefined, 'no servers entry from a request\'s Host')
  t.notOk(plain.doc.paths['/rooms/new']?.get?.responses['429'])
})
