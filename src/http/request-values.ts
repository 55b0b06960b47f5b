import type { FastifyRequest } from 'fastify'

/**
 * A query parameter of the request, when given exactly once: a repeated one
 * (`?room=a&room=b`) names no single value and counts as absent.
 */
export function queryValue (request: FastifyRequest, name: string): string | undefined {
  return single((request.query as Record<string, string | string[] | undefined>)[name])
}

/** A header or parameter given once; node hands repeated ones over as an array. */
export function single (value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined
}
