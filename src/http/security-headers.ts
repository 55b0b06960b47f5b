import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FastifyInstance } from 'fastify'
import helmet from 'helmet'

/**
 * helmet's security headers, computed once. @fastify/helmet builds helmet's
 * middleware anew for every request (parsing the CSP directives each time),
 * which cost this service over a third of its throughput in the benchmark;
 * the headers depend on nothing in the request, so they are taken from helmet
 * once, at start-up, and set with one call per response.
 */
export function helmetHeaders (options?: Parameters<typeof helmet>[0]): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {}
  const response = {
    setHeader: (name: string, value: unknown) => { headers[name.toLowerCase()] = String(value) },
    removeHeader: (name: string) => { delete headers[name.toLowerCase()] }
  }
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, () => { /* synchronous */ })
  return headers
}

/** Every response carries helmet's default security headers. */
export function registerSecurityHeaders (app: FastifyInstance): void {
  const headers = helmetHeaders()
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers)
    done()
  })
}
