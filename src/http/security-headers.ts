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
export function helmetHeaders (options?: Parameters<typeof helmet>[0]): Readonly<Record<string, string>> {
  // A response that is never sent collects the headers helmet sets.
  const request = new IncomingMessage(new Socket())
  const response = new ServerResponse(request)
  helmet(options)(request, response, () => { /* helmet calls back synchronously */ })
  return Object.fromEntries(Object.entries(response.getHeaders()).map(([name, value]) => [name, String(value)]))
}

// A redirect has no body to render, frame, sniff or script: of helmet's
// headers it keeps the ones that still mean something for it. Sending all
// twelve on every redirect cost a tenth of its CPU time in the benchmark.
const REDIRECT_HEADERS = ['strict-transport-security', 'referrer-policy', 'x-content-type-options']

/**
 * Every page carries helmet's default security headers, except where the
 * route set a stricter one itself (error pages, the link builder); every
 * redirect carries the three that apply to it.
 */
export function registerSecurityHeaders (app: FastifyInstance): void {
  const headers = helmetHeaders()
  const forRedirects = Object.fromEntries(REDIRECT_HEADERS.map(name => [name, headers[name] as string]))
  const forPages = Object.entries(headers)
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (reply.statusCode >= 300 && reply.statusCode < 400) {
      reply.headers(forRedirects)
    } else {
      for (const [name, value] of forPages) if (!reply.hasHeader(name)) reply.header(name, value)
    }
    done(null, payload)
  })
}
