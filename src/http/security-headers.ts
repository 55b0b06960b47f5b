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
export function helmetHeaders (): Readonly<Record<string, string>> {
  // A response that is never sent collects the headers helmet sets.
  const request = new IncomingMessage(new Socket())
  const response = new ServerResponse(request)
  helmet()(request, response, () => { /* helmet calls back synchronously */ })
  return Object.fromEntries(Object.entries(response.getHeaders()).map(([name, value]) => [name, String(value)]))
}

/** Every response carries helmet's default security headers; a route may set a stricter one of its own after. */
export function registerSecurityHeaders (app: FastifyInstance): void {
  const headers = helmetHeaders()
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers)
    done()
  })
}
