import type { BaseUrl, NetworkZone, ProvisionedBaseUrls } from './pcwp/index.ts'
import { splitBaseUrl } from './pcwp/base-url.ts'
import type { AddressRange } from './net/address-ranges.ts'
import { LOG_CLIENT_MODES, type LogClientMode } from './net/logged-address.ts'
import { DEFAULT_LANGUAGES } from './negotiate/language.ts'
import { quote } from './quote.ts'
import { DEMO_BASE_PATH } from './service-routes.ts'
import {
  InvalidValue, baseUrl, entry, integer, list, oneOf, parseBoolean, parseContactText, parseContactUrl, parseHeaderName,
  parseHost, parseLanguage, parseLegacyPath, parseLocalesDir, parsePublicUrl, parseRange, roomMapLocation,
  roomPathOfBase, serverInfoUrl, type ValueParser
} from './config-parsers.ts'

/** Where the getserverinfo override is learnt from (MS-OCGCWEB 3.1.3). */
export interface ServerInfoConfig {
  readonly url: URL
  readonly refreshMs: number
  readonly timeoutMs: number
  readonly maxStaleMs: number
}

/** Where the room map is read from, and, for a URL, how it is asked. */
export interface RoomMapConfig {
  /** A file's path (`.csv` or `.json`), or an http(s) URL. */
  readonly location: string | URL
  /** A URL is asked this often whether the map changed (a file is watched). */
  readonly refreshMs: number
  /** How long an unreachable URL is retried at start before the process gives up. */
  readonly startTimeoutMs: number
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
export type RedirectStatus = 302 | 303 | 307

/** The service's whole configuration, validated: nothing in it needs checking again. */
export interface Config {
  readonly host: string
  readonly port: number
  readonly logLevel: LogLevel
  /** No base URL, no override source and no room map outside production: serve the built-in demo application. */
  readonly demo: boolean
  /** PersistentChatWebManagerUriInt / …Ext (MS-OCGCWEB 3.1.3). */
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
  /** The service's own origin (`https://host[:port]`, lower case, no trailing slash) for the links it prints. */
  readonly publicUrl: string | undefined
  /** The room map; read and validated by the room map loader. */
  readonly roomMap: RoomMapConfig | undefined
  /** PCWP_LEGACY_PATHS, as normalisePath (src/paths.ts) writes them. */
  readonly legacyPaths: readonly string[]
  /**
   * Every path answered as a room management application link: the base
   * URLs' own paths (a base at a host's root adds none) and legacyPaths, in
   * that normal form, without duplicates. Empty in demo mode.
   */
  readonly legacyRoomPaths: readonly string[]
  /** An https: or mailto: URL, serialised. */
  readonly contactUrl: string | undefined
  /** One line of plain text, at most 200 characters. */
  readonly contactText: string | undefined
  /** An existing directory of `<tag>.json` page catalogs, absolute. */
  readonly localesDir: string | undefined
  readonly logClient: LogClientMode
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

/** Every environment variable the service reads. */
export const CONFIG_VARIABLES: readonly string[] = [
  'HOST', 'PORT', 'LOG_LEVEL', 'NODE_ENV',
  'PCWP_BASE_URL_INTERNAL', 'PCWP_BASE_URL_EXTERNAL', 'PCWP_SERVERINFO_URL', 'PCWP_SERVERINFO_REFRESH_S',
  'PCWP_SERVERINFO_TIMEOUT_MS', 'PCWP_SERVERINFO_MAX_STALE_S', 'PCWP_INTERNAL_CIDRS', 'PCWP_TRUST_PROXY',
  'PCWP_NETWORK_HEADER', 'PCWP_DEFAULT_NETWORK', 'PCWP_LANGUAGES', 'PCWP_DEFAULT_LANGUAGE', 'PCWP_ALLOW_HTTP',
  'PCWP_REDIRECT_STATUS', 'PCWP_RATE_LIMIT_PER_MIN', 'PCWP_PUBLIC_URL', 'PCWP_ROOM_MAP', 'PCWP_LEGACY_PATHS',
  'PCWP_CONTACT_URL', 'PCWP_CONTACT_TEXT', 'PCWP_LOCALES_DIR', 'PCWP_LOG_CLIENT', 'PCWP_ROOM_MAP_REFRESH_S',
  'PCWP_ROOM_MAP_START_TIMEOUT_S'
]
const KNOWN_VARIABLES = new Set(CONFIG_VARIABLES)
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']
// Any one of these gives the service somewhere to send a reader; with none, demo mode (or, in production, an error).
const SOURCES = ['PCWP_BASE_URL_INTERNAL', 'PCWP_BASE_URL_EXTERNAL', 'PCWP_SERVERINFO_URL', 'PCWP_ROOM_MAP']

// A variable name as people type it; any other is quoted (printable, shortened) in a warning.
const PLAIN_NAME = /^\w{1,64}$/

type Environment = Readonly<Record<string, string | undefined>>

/**
 * Reads and validates the configuration from the environment (docs/design.md
 * "Configuration"). Throws a {@link ConfigError} listing every bad variable,
 * one line each: `VARIABLE: what is wrong; expected …`. Throws nothing else.
 * An empty variable counts as unset.
 */
export function loadConfig (env: Environment): Config {
  const problems: string[] = []
  const invalid = new Set<string>()
  const isSet = (name: string): boolean => (env[name]?.trim() ?? '') !== ''
  const read = <T>(name: string, parse: ValueParser<T>, fallback: T): T => {
    const value = env[name]?.trim() ?? ''
    if (value === '') return fallback
    const parsed = parse(value)
    if (!(parsed instanceof InvalidValue)) return parsed
    problems.push(`${name}: ${parsed.reason}; ${parsed.expected}`)
    invalid.add(name)
    return fallback
  }

  const production = env.NODE_ENV === 'production'
  const allowHttp = read('PCWP_ALLOW_HTTP', entry(parseBoolean), false)
  const internal = read<BaseUrl | undefined>('PCWP_BASE_URL_INTERNAL', baseUrl(allowHttp), undefined)
  const external = read<BaseUrl | undefined>('PCWP_BASE_URL_EXTERNAL', baseUrl(allowHttp), undefined)
  const serverInfoSource = read<URL | undefined>('PCWP_SERVERINFO_URL', serverInfoUrl(allowHttp), undefined)
  // Validated whether or not there is a source, so a mistake shows before the source is added.
  const serverInfoTimes = {
    refreshMs: read('PCWP_SERVERINFO_REFRESH_S', entry(integer(1, 86_400)), 300) * 1000,
    timeoutMs: read('PCWP_SERVERINFO_TIMEOUT_MS', entry(integer(100, 60_000)), 2000),
    maxStaleMs: read('PCWP_SERVERINFO_MAX_STALE_S', entry(integer(0, 31_536_000)), 86_400) * 1000
  }
  const trustProxy = read('PCWP_TRUST_PROXY', list(parseRange), [])
  const networkHeader = read<string | undefined>('PCWP_NETWORK_HEADER', entry(parseHeaderName), undefined)
  const listedLanguages = [...new Set(read('PCWP_LANGUAGES', list(parseLanguage), []))]
  const languages = listedLanguages.length > 0 ? listedLanguages : DEFAULT_LANGUAGES
  // The first listed language is the default unless one is named: a list without en-US must not need a second setting.
  const defaultLanguage = read('PCWP_DEFAULT_LANGUAGE', entry(parseLanguage), listedLanguages[0] ?? 'en-US')
  const legacyPaths = [...new Set(read('PCWP_LEGACY_PATHS', list(parseLegacyPath), []))]
  const roomMapLocated = read<string | URL | undefined>('PCWP_ROOM_MAP', roomMapLocation(allowHttp), undefined)
  // Validated whether the map is a file or a URL, like the getserverinfo times.
  const roomMapTimes = {
    refreshMs: read('PCWP_ROOM_MAP_REFRESH_S', entry(integer(1, 86_400)), 60) * 1000,
    startTimeoutMs: read('PCWP_ROOM_MAP_START_TIMEOUT_S', entry(integer(1, 3600)), 60) * 1000
  }

  const config = {
    host: read('HOST', entry(parseHost), '0.0.0.0'),
    port: read('PORT', entry(integer(0, 65535)), 8080),
    logLevel: read('LOG_LEVEL', entry(oneOf(LOG_LEVELS)), 'info'),
    serverInfo: serverInfoSource === undefined ? undefined : { url: serverInfoSource, ...serverInfoTimes },
    allowHttp,
    redirectStatus: read('PCWP_REDIRECT_STATUS', entry(oneOf<RedirectStatus>([302, 303, 307], Number)), 302),
    rateLimitPerMinute: read<number | undefined>('PCWP_RATE_LIMIT_PER_MIN', entry(integer(1, 1_000_000)), undefined),
    trustProxy,
    internalRanges: read('PCWP_INTERNAL_CIDRS', list(parseRange), []),
    networkHeader,
    defaultNetwork: read('PCWP_DEFAULT_NETWORK', entry(oneOf<NetworkZone>(['internal', 'external'])), 'external'),
    languages,
    defaultLanguage,
    publicUrl: read<string | undefined>('PCWP_PUBLIC_URL', parsePublicUrl, undefined),
    roomMap: roomMapLocated === undefined ? undefined : { location: roomMapLocated, ...roomMapTimes },
    legacyPaths,
    contactUrl: read<string | undefined>('PCWP_CONTACT_URL', parseContactUrl, undefined),
    contactText: read<string | undefined>('PCWP_CONTACT_TEXT', parseContactText, undefined),
    localesDir: read<string | undefined>('PCWP_LOCALES_DIR', parseLocalesDir, undefined),
    logClient: read('PCWP_LOG_CLIENT', entry(oneOf(LOG_CLIENT_MODES)), 'full')
  }

  if (networkHeader !== undefined && trustProxy.length === 0) {
    problems.push('PCWP_NETWORK_HEADER: set, but PCWP_TRUST_PROXY is empty, so the header could never be believed; expected PCWP_TRUST_PROXY to list the proxy that sets it')
  }
  // A bad PCWP_LANGUAGES is reported once, not again through the default it no longer contains.
  if (!invalid.has('PCWP_LANGUAGES') && !languages.includes(defaultLanguage)) {
    problems.push(`PCWP_DEFAULT_LANGUAGE: ${defaultLanguage} is not one of the supported languages; expected one of PCWP_LANGUAGES, or add it there`)
  }
  const nothingToRedirectTo = !SOURCES.some(isSet)
  if (nothingToRedirectTo && production) {
    problems.push('PCWP_BASE_URL_INTERNAL, PCWP_BASE_URL_EXTERNAL, PCWP_SERVERINFO_URL: none is set (nor PCWP_ROOM_MAP), so no room could ever be opened; expected at least one of them (demo mode is off in production)')
  }
  if (problems.length > 0) throw new ConfigError(problems)

  const demo = nothingToRedirectTo
  const demoBase = splitBaseUrl(DEMO_BASE_PATH)
  const baseUrls = demo ? { internal: demoBase, external: demoBase } : dropUndefined({ internal, external })
  const basePaths = [internal, external].map(base => base === undefined ? undefined : roomPathOfBase(base))
  const legacyRoomPaths = demo ? [] : [...new Set([...basePaths, ...legacyPaths])].filter(path => path !== undefined)
  const warnings = Object.keys(env)
    .filter(name => name.startsWith('PCWP_') && !KNOWN_VARIABLES.has(name))
    .map(name => `${PLAIN_NAME.test(name) ? name : quote(name)} is not a pcwp-links setting and is ignored (a typo?)`)
  if (typeof roomMapLocated !== 'object') {
    warnings.push(...['PCWP_ROOM_MAP_REFRESH_S', 'PCWP_ROOM_MAP_START_TIMEOUT_S'].filter(isSet)
      .map(name => `${name} applies only to a room map at a URL, and is ignored (${roomMapLocated === undefined ? 'PCWP_ROOM_MAP is not set' : 'a file is watched'})`))
  }
  if (demo && legacyPaths.length > 0) warnings.push('PCWP_LEGACY_PATHS is ignored in demo mode: there is no room management application whose links it could answer')
  return { ...config, demo, baseUrls, legacyRoomPaths, warnings }
}

function dropUndefined<T extends object> (record: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as
    { [K in keyof T]?: Exclude<T[K], undefined> }
}
