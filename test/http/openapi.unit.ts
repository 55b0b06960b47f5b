// /openapi.json describes every route the running configuration answers (#19 item 8).
import t from 'tap'
import { app, routedApp, STANDARD_ENV } from '../fixtures/app.ts'
import { validateOpenApi } from '../fixtures/openapi.ts'

type Operations = Record<string, { responses: Record<string, unknown> }>
interface OpenApi { openapi: string, paths: Record<string, Operations>, servers?: { url: string }[] }

/** The app as createApp builds it, with every route the router gets written down. */
async function documented (env: Record<string, string>) {
  const { app, routes } = await routedApp(env)
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
    const hidden = new Set<string>()
    for (const route of routes) {
      if (route.url === '/favicon.ico') continue
      if (route.schema?.hide === true) {
        for (const method of [route.method].flat()) hidden.add(method)
        continue
      }
      for (const method of [route.method].flat()) {
        if (method === 'HEAD') continue
        if (doc.paths[openApiPath(route.url)]?.[method.toLowerCase()] === undefined) {
          missing.push(`${method} ${route.url}`)
        }
      }
    }
    t.same(missing, [], 'no route missing from the document')
    t.same([...hidden], ['QUERY'], 'only a method OpenAPI cannot express is hidden')
    t.notOk(Object.values(doc.paths).some(item => 'query' in item), 'no query operation')
    t.equal(doc.openapi, '3.0.3')
    const result = await validateOpenApi(doc)
    t.ok(result.valid, 'a valid OpenAPI document')
    t.same(result.errors, undefined)
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

t.test('the validator refuses what OpenAPI 3.0 has no place for: a QUERY operation, a const schema', async t => {
  const { doc } = await documented(STANDARD_ENV)
  t.ok((await validateOpenApi(doc)).valid)
  const withQuery = structuredClone(doc)
  const rooms = withQuery.paths['/rooms'] as Operations
  rooms.query = rooms.post as Operations[string]
  t.notOk((await validateOpenApi(withQuery)).valid, 'a query operation')
  const withConst = structuredClone(doc)
  const redirect = withConst.paths['/rooms/new']?.get?.responses['302'] as { headers: Record<string, object> }
  redirect.headers.vary = { schema: { type: 'string', const: 'Accept-Language' } }
  t.notOk((await validateOpenApi(withConst)).valid, 'a const schema')
})

t.test('methods left out of the document are answered as before: 405 with Allow', async t => {
  const instance = await app({ ...STANDARD_ENV, PCWP_LEGACY_PATHS: '/old/chat' })
  t.teardown(() => instance.close())
  t.ok(instance.supportedMethods.includes('QUERY'), 'fastify routes QUERY')
  const requests = [
    ['QUERY', '/rooms/x'], ['QUERY', '/rooms'], ['QUERY', '/rooms/ma-chan://contoso.com/x'], ['QUERY', '/old/chat'],
    ['TRACE', '/rooms/x']
  ] as const
  for (const [method, url] of requests) {
    const headers = { accept: 'application/json', 'content-type': 'text/plain' }
    // light-my-request's method type predates QUERY; fastify routes it all the same.
    const res = await instance.inject({ method: method as 'GET', url, headers, payload: 'ignored' })
    t.equal(res.statusCode, 405, `${method} ${url}`)
    t.equal(res.headers.allow, 'GET, HEAD')
    t.equal(res.json().error, 'PCWP_METHOD_NOT_ALLOWED')
  }
})
