/**
 * A header or parameter given once, whoever sent it (a reader, an upstream): node, undici and the query parser hand
 * repeated ones over as an array, which names no single value.
 */
export function single (value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined
}
