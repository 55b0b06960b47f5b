import type { FastifyHelmetOptions } from '@fastify/helmet'

/**
 * @fastify/helmet's options for the pages. Its default Content-Security-Policy
 * ends in `upgrade-insecure-requests`, which breaks every page opened over
 * plain HTTP from another machine (the demo, /links behind a TLS-less test
 * proxy); the pages only ever use same-origin relative URLs, so it is dropped.
 */
export const HELMET_OPTIONS: FastifyHelmetOptions = {
  contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } }
}

/**
 * The headers @fastify/helmet sets on a page with {@link HELMET_OPTIONS},
 * apart from the Content-Security-Policy that each page sets for itself.
 * Error answers are raised where helmet's hook may not have run (the
 * redirect routes, fastify's own errors), so they carry this set; a test
 * holds it equal to what the plugin sends.
 */
export const PAGE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'SAMEORIGIN',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0'
}

/**
 * The page headers that act on a redirect: HSTS (any HTTPS answer pins the
 * host), Referrer-Policy (applied to the redirected request), CORP (checked
 * on every answer of a no-cors fetch, redirects included) and nosniff. The
 * rest govern a document, and a redirect has none.
 */
export const REDIRECT_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.fromEntries(
  ['strict-transport-security', 'referrer-policy', 'cross-origin-resource-policy', 'x-content-type-options']
    .map(name => [name, PAGE_SECURITY_HEADERS[name] as string])
)
