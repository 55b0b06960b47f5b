// SERVICE_ROUTE_PREFIXES (src/service-routes.ts) cannot go stale: every route the app registers, in every mode,
// is at or under one of them, but the demo landing page at the root and the configured legacy room paths.
import t from 'tap'
import { SERVICE_ROUTE_PREFIXES, serviceRouteOf } from '../../src/service-routes.ts'
import { routedApp, STANDARD_ENV } from '../fixtures/app.ts'

const CONFIGS: Record<string, Record<string, string>> = {
  standard: STANDARD_ENV,
  'legacy paths and a rate limit': {
    ...STANDARD_ENV, PCWP_LEGACY_PATHS: '/PersistentChat/RM/,/old/chat', PCWP_RATE_LIMIT_PER_MIN: '100'
  },
  demo: {}
}

for (const [name, env] of Object.entries(CONFIGS)) {
  t.test(`every route is under a service route prefix: ${name}`, async t => {
    const { app, routes, settings } = await routedApp(env)
    await app.close()
    const urls = routes.map(route => route.url)
    const own = urls.filter(url => !(settings.demo && url === '/') && !settings.legacyRoomPaths.includes(url))
    t.same(own.filter(url => serviceRouteOf(url) === undefined), [], 'no route outside the listed prefixes')
    t.ok(urls.length > own.length || (!settings.demo && settings.legacyRoomPaths.length === 0), 'the exceptions occur')
    const used = new Set(own.map(serviceRouteOf))
    const unused = SERVICE_ROUTE_PREFIXES.filter(route => !used.has(route) && (settings.demo || route !== '/demo'))
    t.same(unused, [], 'every prefix is a route (demo mode\'s only in demo mode)')
  })
}
