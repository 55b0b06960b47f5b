import { IncomingMessage, ServerResponse } from 'node:http'
import { Socket } from 'node:net'
import type { FastifyInstance } from 'fastify'
import helmet from 'helmet'

/**
 * helmet's security headers, computed once. @fastify/helmet builds helmet's
 * middleware anew for every request (parsing the CSP directives each time),
 * which cost this service over a third of its throughput in the benchmark;
 * the headers depend on nothing in the request, so they are taken from helmet
 * once, at start-up, and set with one call per response.
 */
function helmetHeaders (): Readonly<Record<string, string>> {
  // A response that is never sent collects the headers helmet sets.
  const request = new IncomingMessage(new Socket())
  const response = new ServerResponse(request)
  helmet()(request, response, () => { /* helmet calls back synchronously */ })
  return Object.fromEntries(Object.entries(response.getHeaders()).map(([name, value]) => [name, String(value)]))
}

/** helmet's default security headers, which every page and error page carries. */
export const SECURITY_HEADERS = helmetHeaders()

/**
 * Those of helmet's headers that act on a redirect: HSTS (any HTTPS response
 * pins the host), Referrer-Policy (the browser applies it to the redirected
 * request) and Cross-Origin-Resource-Policy (checked on every response of a
 * no-cors fetch, redirects included). The others govern a document or a body
 * (its scripts, framing, sniffing, opener, downloads), and a redirect has
 * neither: nothing renders a 3xx with a Location. Each header is parsed and
 * validated by Node on every response; the eight that could do nothing here
 * cost about 6% of a redirect's CPU time in the benchmark.
 */
export const REDIRECT_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.fromEntries(
  ['strict-transport-security', 'referrer-policy', 'cross-origin-resource-policy'].map(name => [name, SECURITY_HEADERS[name] as string])
)

/**
 * For the pages (app.ts): every response in `scope` carries the security
 * headers; a route may set a stricter one of its own after. Redirects and
 * problems set them along with their own headers, in one call.
 */
export function registerSecurityHeaders (scope: FastifyInstance): void {
  scope.addHook('onRequest', (_request, reply, done) => {
    reply.headers(SECURITY_HEADERS)
    done()
  })
}
