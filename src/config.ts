import { isIP } from 'node:net'
import { parseBaseUrl, type BaseUrl, type NetworkZone, type ProvisionedBaseUrls } from './pcwp/index.js'
import { parseClientLang } from './pcwp/clientlang.js'
import { splitBaseUrl } from './pcwp/base-url.js'
import { parseAddress, parseAddressRange, type AddressRange } from './negotiate/address.js'
import { DEFAULT_LANGUAGES } from './negotiate/language.js'

/** Where the getserverinfo override is learnt from (MS-PCWP 3.1.3). */
export interface ServerInfoConfig {
  readonly url: URL
  readonly refreshMs: number
  readonly timeoutMs: number
  readonly maxStaleMs: number
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
export type RedirectStatus = 302 | 303 | 307

/** The service's whole configuration, validated: nothing in it needs checking again. */
export interface Config {
  readonly host: string
  readonly port: number
  readonly logLevel: LogLevel
  /** No base URL and no override source outside production: serve the built-in demo application. */
  readonly demo: boolean
  /** PersistentChatWebManagerUriInt / …Ext (MS-PCWP 3.1.3). */
  readonly baseUrls: ProvisionedBaseUrls
  readonly serverInfo: ServerInfoConfig | undefined
  readonly allowHttp: boolean
  readonly redirectStatus: RedirectStatus
  /** Requests per minute per client address; undefined: no limit (the proxy's job). */
  readonly rateLimitPerMinute: number | undefined
  readonly trustProxy: readonly AddressRange[]
  readonly internalRanges: readonly AddressRange[]
  /** Lower-case header name. */
  readonly networkHeader: string | undefined
  readonly defaultNetwork: NetworkZone
  readonly languages: readonly string[]
  readonly defaultLanguage: string
  /** Not errors, but likely mistakes (an unknown PCWP_ variable): logged at start-up. */
  readonly warnings: readonly string[]
}

/** Every problem found in the environment, one line per variable. */
export class ConfigError extends Error {
  readonly code = 'PCWP_CONFIG_INVALID'
  readonly problems: readonly string[]

  constructor (problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map(p => `  - ${p}`).join('\n')}`)
    this.name = 'ConfigError'
    this.problems = problems
  }
}

/** The built-in room management application of demo mode (src/http/demo.ts). */
export const DEMO_BASE_PATH = '/demo/rm/'

/** Every environment variable the service reads. */
export const CONFIG_VARIABLES: readonly string[] = [
  'HOST', 'PORT', 'LOG_LEVEL', 'NODE_ENV',
  'PCWP_BASE_URL_INTERNAL', 'PCWP_BASE_URL_EXTERNAL', 'PCWP_SERVERINFO_URL', 'PCWP_SERVERINFO_REFRESH_S',
  'PCWP_SERVERINFO_TIMEOUT_MS', 'PCWP_SERVERINFO_MAX_STALE_S', 'PCWP_INTERNAL_CIDRS', 'PCWP_TRUST_PROXY',
  'PCWP_NETWORK_HEADER', 'PCWP_DEFAULT_NETWORK', 'PCWP_LANGUAGES', 'PCWP_DEFAULT_LANGUAGE', 'PCWP_ALLOW_HTTP',
  'PCWP_REDIRECT_STATUS', 'PCWP_RATE_LIMIT_PER_MIN'
]
const KNOWN_VARIABLES = new Set(CONFIG_VARIABLES)
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']
// RFC 9110 5.1 field-name: a token.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/

type Environment = Readonly<Record<string, string | undefined>>

/**
 * Reads and validates the configuration from the environment (DESIGN.md
 * "Configuration"). Throws a {@link ConfigError} listing every bad variable.
 * An empty variable counts as unset.
 */
export function loadConfig (env: Environment): Config {
  const problems: string[] = []
  const read = <T>(name: string, parse: (value: string) => T, fallback: T): T => {
    const value = env[name]?.trim() ?? ''
    if (value === '') return fallback
    try {
      return parse(value)
    } catch (error) {
      problems.push(`${name}: ${(error as Error).message}`)
      return fallback
    }
  }

  const production = env.NODE_ENV === 'production'
  const allowHttp = read('PCWP_ALLOW_HTTP', parseBoolean, false)
  const base = (value: string): BaseUrl => parseBaseUrl(value, { allowHttp })
  const internal = read<BaseUrl | undefined>('PCWP_BASE_URL_INTERNAL', base, undefined)
  const external = read<BaseUrl | undefined>('PCWP_BASE_URL_EXTERNAL', base, undefined)
  const serverInfoUrl = read<URL | undefined>('PCWP_SERVERINFO_URL', value => parseServerInfoUrl(value, allowHttp), undefined)
  const trustProxy = read('PCWP_TRUST_PROXY', list(parseAddressRange), [])
  const networkHeader = read<string | undefined>('PCWP_NETWORK_HEADER', parseHeaderName, undefined)
  const languages = read('PCWP_LANGUAGES', list(parseClientLang), DEFAULT_LANGUAGES)
  const defaultLanguage = read('PCWP_DEFAULT_LANGUAGE', parseClientLang, 'en-US')

  const config = {
    host: read('HOST', parseHost, '0.0.0.0'),
    port: read('PORT', integer(0, 65535), 8080),
    logLevel: read('LOG_LEVEL', oneOf(LOG_LEVELS), 'info'),
    serverInfo: serverInfoUrl === undefined
      ? undefined
      : {
          url: serverInfoUrl,
          refreshMs: read('PCWP_SERVERINFO_REFRESH_S', integer(1, 86_400), 300) * 1000,
          timeoutMs: read('PCWP_SERVERINFO_TIMEOUT_MS', integer(100, 60_000), 2000),
          maxStaleMs: read('PCWP_SERVERINFO_MAX_STALE_S', integer(0, 31_536_000), 86_400) * 1000
        },
    allowHttp,
    redirectStatus: read('PCWP_REDIRECT_STATUS', oneOf<RedirectStatus>([302, 303, 307], Number), 302),
    rateLimitPerMinute: read<number | undefined>('PCWP_RATE_LIMIT_PER_MIN', integer(1, 1_000_000), undefined),
    trustProxy,
    internalRanges: read('PCWP_INTERNAL_CIDRS', list(parseAddressRange), []),
    networkHeader,
    defaultNetwork: read('PCWP_DEFAULT_NETWORK', oneOf<NetworkZone>(['internal', 'external']), 'external'),
    languages: [...new Set(languages)],
    defaultLanguage
  }

  if (networkHeader !== undefined && trustProxy.length === 0) {
    problems.push('PCWP_NETWORK_HEADER: set, but PCWP_TRUST_PROXY is empty, so the header could never be believed; expected PCWP_TRUST_PROXY to list the proxy that sets it')
  }
  if (!languages.includes(defaultLanguage)) {
    problems.push(`PCWP_DEFAULT_LANGUAGE: ${defaultLanguage} is not one of the supported languages; expected one of PCWP_LANGUAGES`)
  }
  const nothingToRedirectTo = ['PCWP_BASE_URL_INTERNAL', 'PCWP_BASE_URL_EXTERNAL', 'PCWP_SERVERINFO_URL']
    .every(name => (env[name]?.trim() ?? '') === '')
  if (nothingToRedirectTo && production) {
    problems.push('PCWP_BASE_URL_INTERNAL, PCWP_BASE_URL_EXTERNAL, PCWP_SERVERINFO_URL: none is set, so no room could ever be opened; expected at least one (demo mode is off in production)')
  }
  if (problems.length > 0) throw new ConfigError(problems)

  const demo = nothingToRedirectTo
  const demoBase = splitBaseUrl(DEMO_BASE_PATH)
  const baseUrls = demo ? { internal: demoBase, external: demoBase } : dropUndefined({ internal, external })
  const warnings = Object.keys(env)
    .filter(name => name.startsWith('PCWP_') && !KNOWN_VARIABLES.has(name))
    .map(name => `${name} is not a pcwp-links setting and is ignored (a typo?)`)
  return { ...config, demo, baseUrls, warnings }
}

function dropUndefined<T extends object> (record: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> }
}

function parseBoolean (value: string): boolean {
  const lower = value.toLowerCase()
  if (lower === 'true' || lower === '1' || lower === 'yes') return true
  if (lower === 'false' || lower === '0' || lower === 'no') return false
  throw new Error('expected true or false')
}

function integer (min: number, max: number): (value: string) => number {
  return value => {
    const number = /^\d{1,9}$/.test(value) ? Number(value) : NaN
    if (!(number >= min && number <= max)) throw new Error(`expected a whole number from ${min} to ${max}`)
    return number
  }
}

function oneOf<T extends string | number> (allowed: readonly T[], convert: (value: string) => unknown = v => v.toLowerCase()): (value: string) => T {
  return value => {
    const converted = convert(value)
    const match = allowed.find(option => option === converted)
    if (match === undefined) throw new Error(`expected one of ${allowed.join(', ')}`)
    return match
  }
}

function list<T> (parseItem: (item: string) => T): (value: string) => T[] {
  return value => value.split(',').map(item => item.trim()).filter(item => item !== '').map(parseItem)
}

function parseHeaderName (value: string): string {
  if (!HEADER_NAME.test(value)) throw new Error('expected an HTTP header name such as X-Network-Zone')
  return value.toLowerCase()
}

function parseHost (value: string): string {
  if (isIP(value) === 0 && !HOST_NAME.test(value)) throw new Error('expected an IP address or host name to listen on, such as 0.0.0.0 or ::')
  return value
}

function parseServerInfoUrl (value: string, allowHttp: boolean): URL {
  const url = URL.parse(value)
  if (url === null || !isUsableServerInfoUrl(url, allowHttp)) {
    throw new Error('expected an https:// URL, http:// to a loopback host (or with PCWP_ALLOW_HTTP=true), or file:///path')
  }
  return url
}

/** https; http only to a sidecar on this host unless allowed; a local file. Never credentials. */
function isUsableServerInfoUrl (url: URL, allowHttp: boolean): boolean {
  if (url.username !== '' || url.password !== '') return false
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1')
  const loopback = host === 'localhost' || parseAddress(host)?.range() === 'loopback'
  return url.protocol === 'https:' ||
    (url.protocol === 'http:' && (allowHttp || loopback)) ||
    (url.protocol === 'file:' && url.host === '')
}
