import { normalisePath } from './paths.ts'

/**
 * The prefixes of the service's own routes (src/http): a legacy room path at
 * or under one of them could not be told from the service's own answers. The
 * root `/` (demo mode's landing page) is none: no legacy path is the root.
 * test/http/service-routes.unit.ts checks that every route the app
 * registers lies under one.
 */
export const SERVICE_ROUTE_PREFIXES: readonly string[] = [
  '/rooms', '/links', '/healthz', '/readyz', '/metrics', '/openapi.json', '/robots.txt', '/favicon.ico', '/demo'
]

/** The built-in room management application of demo mode (src/http/routes/demo.ts). */
export const DEMO_BASE_PATH = '/demo/rm/'

/** The prefix at or under which `path` lies, both compared as {@link normalisePath} writes them; if any. */
export function serviceRouteOf (path: string): string | undefined {
  const normal = normalisePath(path)
  return SERVICE_ROUTE_PREFIXES.find(route => normal === route || normal.startsWith(`${route}/`))
}
