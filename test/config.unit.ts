import { join, resolve } from 'node:path'
import t from 'tap'
import { CONFIG_VARIABLES, ConfigError, loadConfig } from '../src/config.ts'
import { DEFAULT_LANGUAGES } from '../src/negotiate/language.ts'
import { DEMO_BASE_PATH, SERVICE_ROUTE_PREFIXES } from '../src/service-routes.ts'
import { hostileLines, SKIP_WITHOUT_CORPUS } from './fixtures/hostile-corpus.ts'

const BASES = {
  PCWP_BASE_URL_INTERNAL: 'https://pool.corp.example/PersistentChat/RM/',
  PCWP_BASE_URL_EXTERNAL: 'https://chat.example.com/PersistentChat/RM/'
}
const LANGUAGE_EXPECTED = 'expected <language>-<REGION> such as en-US or de-DE'
const ROOM_MAP_EXPECTED = 'expected a path such as /etc/pcwp-links/rooms.csv, or an https:// URL without credentials'
// Control characters of any kind: a message is one log line and must stay one.
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u

/** A label for a test name that no character can break. */
function escapeAll (text: string): string {
  return text.replace(/[^\x20-\x7e]/g, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/** The problem lines loadConfig reports; [] when it accepts. Anything but a ConfigError fails the test. */
function problemsOf (env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env)
  } catch (error) {
    if (error instanceof ConfigError) return error.problems
    throw error
  }
  return []
}

/** The one problem line of `name`, or '' (t.match then fails) when there is none. */
function problemOf (name: string, env: Record<string, string>): string {
  const lines = problemsOf(env).filter(line => line.startsWith(`${name}: `))
  return lines.length === 1 ? lines[0] as string : ''
}

t.test('nothing configured outside production: demo mode with the documented defaults', async t => {
  const config = loadConfig({})
  t.equal(config.demo, true)
  t.equal(config.baseUrls.internal?.href, DEMO_BASE_PATH)
  t.equal(config.baseUrls.external?.href, DEMO_BASE_PATH)
  t.same(config, {
    host: '0.0.0.0',
    port: 8080,
    logLevel: 'info',
    demo: true,
    baseUrls: config.baseUrls,
    serverInfo: undefined,
    allowHttp: false,
    redirectStatus: 302,
    rateLimitPerMinute: undefined,
    trustProxy: [],
    internalRanges: [],
    networkHeader: undefined,
    defaultNetwork: 'external',
    languages: DEFAULT_LANGUAGES,
    defaultLanguage: 'en-US',
    publicUrl: undefined,
    roomMap: undefined,
    legacyPaths: [],
    legacyRoomPaths: [],
    contactUrl: undefined,
    contactText: undefined,
    localesDir: undefined,
    logClient: 'full',
    warnings: []
  })
  t.equal(loadConfig({ NODE_ENV: 'development', PCWP_BASE_URL_INTERNAL: '  ' }).demo, true,
    'an empty variable counts as unset')
})

t.test('nothing configured in production is an error naming the variables; a room map alone is enough', async t => {
  const problems = problemsOf({ NODE_ENV: 'production' })
  t.equal(problems.length, 1)
  t.match(problems[0], /^PCWP_BASE_URL_INTERNAL, PCWP_BASE_URL_EXTERNAL, PCWP_SERVERINFO_URL: none is set \(nor PCWP_ROOM_MAP\), .*; expected at least one/)
  t.equal(loadConfig({ NODE_ENV: 'production', PCWP_BASE_URL_EXTERNAL: BASES.PCWP_BASE_URL_EXTERNAL }).demo, false)
  t.equal(loadConfig({ NODE_ENV: 'production', PCWP_SERVERINFO_URL: 'https://chat.example.com/serverinfo.xml' }).demo, false,
    'an override source alone is enough')
  for (const NODE_ENV of ['production', 'development']) {
    const mapOnly = loadConfig({ NODE_ENV, PCWP_ROOM_MAP: '/etc/pcwp-links/rooms.csv' })
    t.equal(mapOnly.demo, false, `${NODE_ENV}: a room map alone is not demo mode`)
    t.same(mapOnly.baseUrls, {}, 'rooms the map leaves to pcwp answer 503')
    t.same(mapOnly.roomMap, { location: '/etc/pcwp-links/rooms.csv', refreshMs: 60_000, startTimeoutMs: 60_000 })
  }
})

t.test('a full valid configuration', async t => {
  const localesDir = t.testdir({ 'de-DE.json': '{}' })
  const config = loadConfig({
    ...BASES,
    NODE_ENV: 'production',
    HOST: '::',
    PORT: '9000',
    LOG_LEVEL: 'WARN',
    PCWP_SERVERINFO_URL: 'https://chat.example.com/getserverinfo',
    PCWP_SERVERINFO_REFRESH_S: '60',
    PCWP_SERVERINFO_TIMEOUT_MS: '500',
    PCWP_SERVERINFO_MAX_STALE_S: '3600',
    PCWP_INTERNAL_CIDRS: '10.0.0.0/8, 192.168.0.0/16,,2001:db8::/32, ::ffff:172.16.0.0/108',
    PCWP_TRUST_PROXY: '127.0.0.1,::1',
    PCWP_NETWORK_HEADER: 'X-Network-Zone',
    PCWP_DEFAULT_NETWORK: 'Internal',
    PCWP_LANGUAGES: 'en-US,de-de,fr_FR,en-US',
    PCWP_DEFAULT_LANGUAGE: 'de-DE',
    PCWP_ALLOW_HTTP: 'false',
    PCWP_REDIRECT_STATUS: '307',
    PCWP_RATE_LIMIT_PER_MIN: '600',
    PCWP_PUBLIC_URL: 'HTTPS://Chat-Links.Corp.Example/',
    PCWP_ROOM_MAP: '/etc/pcwp-links/Rooms.JSON',
    PCWP_LEGACY_PATHS: '/PersistentChat/RM/, /OldChat/rooms.aspx,,/oldchat/Rooms.aspx/',
    PCWP_CONTACT_URL: 'mailto:chat-admins@corp.example?subject=Chat rooms',
    PCWP_CONTACT_TEXT: 'IT service desk, extension 4711',
    PCWP_LOCALES_DIR: localesDir,
    PCWP_LOG_CLIENT: 'truncated'
  })
  t.equal(config.demo, false)
  t.equal(config.host, '::')
  t.equal(config.port, 9000)
  t.equal(config.logLevel, 'warn')
  t.equal(config.baseUrls.internal?.href, BASES.PCWP_BASE_URL_INTERNAL)
  t.equal(config.baseUrls.external?.href, BASES.PCWP_BASE_URL_EXTERNAL)
  t.same(config.serverInfo, { url: new URL('https://chat.example.com/getserverinfo'), refreshMs: 60_000, timeoutMs: 500, maxStaleMs: 3_600_000 })
  t.same(config.internalRanges.map(r => `${r.network.toString()}/${r.prefix}`),
    ['10.0.0.0/8', '192.168.0.0/16', '2001:db8::/32', '172.16.0.0/12'],
    'IPv4-mapped ranges become IPv4 ranges')
  t.same(config.trustProxy.map(r => r.text), ['127.0.0.1', '::1'])
  t.equal(config.networkHeader, 'x-network-zone')
  t.equal(config.defaultNetwork, 'internal')
  t.same(config.languages, ['en-US', 'de-DE', 'fr-FR'], 'canonicalised and de-duplicated')
  t.equal(config.defaultLanguage, 'de-DE')
  t.equal(config.redirectStatus, 307)
  t.equal(config.rateLimitPerMinute, 600)
  t.equal(config.publicUrl, 'https://chat-links.corp.example', 'lower case, no trailing slash')
  t.equal(config.roomMap?.location, '/etc/pcwp-links/Rooms.JSON')
  t.same(config.legacyPaths, ['/persistentchat/rm', '/oldchat/rooms.aspx'],
    'lower case, no trailing slash, de-duplicated')
  t.same(config.legacyRoomPaths, ['/persistentchat/rm', '/oldchat/rooms.aspx'],
    'the base URLs\' shared path counts once')
  t.equal(config.contactUrl, 'mailto:chat-admins@corp.example?subject=Chat%20rooms', 'serialised')
  t.equal(config.contactText, 'IT service desk, extension 4711')
  t.equal(config.localesDir, localesDir)
  t.equal(config.logClient, 'truncated')
  t.same(config.warnings, [])
})

t.test('one base URL only: the other zone has none (MS-OCGCWEB 3.1.1)', async t => {
  const config = loadConfig({ PCWP_BASE_URL_INTERNAL: BASES.PCWP_BASE_URL_INTERNAL })
  t.equal(config.demo, false)
  t.same(Object.keys(config.baseUrls), ['internal'])
})

t.test('base URLs: http needs PCWP_ALLOW_HTTP=true, and the message says so (MS-OCGCWEB 5.1); every other fault is named', async t => {
  for (const name of ['PCWP_BASE_URL_INTERNAL', 'PCWP_BASE_URL_EXTERNAL']) {
    t.equal(problemOf(name, { [name]: 'http://pool.corp.example/rm/' }),
      `${name}: plain http:// is refused (MS-OCGCWEB 5.1 recommends HTTPS); expected https://, or set PCWP_ALLOW_HTTP=true to allow it`)
  }
  const https = 'expected an absolute https:// URL without credentials, such as https://chat.example.com/PersistentChat/RM/'
  const refused: [string, string, string][] = [
    ['https://pool.corp.example/rm/?ID=1', 'its query already has a clientlang or id parameter, which MS-OCGCWEB appends itself', https],
    ['pool.corp.example/rm/', 'is not an absolute http(s) URL', https],
    ['https://pool.corp.example/r m/', 'it contains spaces, non-ASCII or other characters that must be percent-encoded', https],
    ['https://admin:s3cret@pool.corp.example/rm/', 'it carries a user name or password', https],
    ['ftp://pool.corp.example/rm/', 'is not an absolute http(s) URL', https]
  ]
  for (const [href, reason, expected] of refused) {
    t.equal(problemOf('PCWP_BASE_URL_INTERNAL', { PCWP_BASE_URL_INTERNAL: href }),
      `PCWP_BASE_URL_INTERNAL: ${reason}; ${expected}`, href)
  }
  t.equal(problemOf('PCWP_BASE_URL_EXTERNAL', { PCWP_BASE_URL_EXTERNAL: 'pool.corp.example', PCWP_ALLOW_HTTP: 'true' }),
    'PCWP_BASE_URL_EXTERNAL: is not an absolute http(s) URL; expected an absolute https:// or http:// URL without credentials, such as https://chat.example.com/PersistentChat/RM/')
  const config = loadConfig({ PCWP_BASE_URL_INTERNAL: 'http://pool.corp.example/rm/', PCWP_ALLOW_HTTP: 'true' })
  t.equal(config.baseUrls.internal?.href, 'http://pool.corp.example/rm/')
  t.equal(config.allowHttp, true)
  t.equal(loadConfig({ ...BASES, PCWP_ALLOW_HTTP: 'false' }).allowHttp, false)
})

t.test('HOST: an IP address, or a host name by the rule of the public origin (src/net/origin.ts)', async t => {
  for (const host of ['0.0.0.0', '::', '127.0.0.1', 'localhost', 'pcwp-links.internal']) {
    t.equal(loadConfig({ ...BASES, HOST: host }).host, host, host)
  }
  const expected = 'expected an address or name to listen on, such as 0.0.0.0 or ::'
  for (const host of ['1.2.3', '0x7f.0.0.1', 'pcwp_links', 'a..example', `${'a.'.repeat(127)}example`]) {
    const quoted = `"${host.slice(0, 40)}${host.length > 40 ? '…' : ''}"`
    t.equal(problemOf('HOST', { ...BASES, HOST: host }),
      `HOST: ${quoted} is not an IP address or host name; ${expected}`, host)
  }
})

t.test('booleans are exactly true or false', async t => {
  for (const value of ['yes', 'no', '1', '0', 'TRUE', 'True', 'FALSE', 'on']) {
    t.equal(problemOf('PCWP_ALLOW_HTTP', { ...BASES, PCWP_ALLOW_HTTP: value }),
      `PCWP_ALLOW_HTTP: "${value}" is not a boolean; expected true or false, in lower case`, value)
  }
  t.equal(loadConfig({ ...BASES, PCWP_ALLOW_HTTP: ' true ' }).allowHttp, true,
    'surrounding blanks are trimmed, as for every variable')
})

t.test('getserverinfo sources', async t => {
  const accepted = [
    'https://chat.example.com/serverinfo',
    'http://127.0.0.1:9000/serverinfo',
    'http://127.1.2.3/serverinfo',
    'http://localhost:9000/serverinfo',
    'http://[::1]:9000/serverinfo',
    'file:///etc/pcwp/serverinfo.xml'
  ]
  for (const url of accepted) {
    t.equal(loadConfig({ PCWP_SERVERINFO_URL: url }).serverInfo?.url.href, new URL(url).href, url)
  }
  t.equal(loadConfig({ PCWP_SERVERINFO_URL: 'http://chat.example.com/x', PCWP_ALLOW_HTTP: 'true' }).serverInfo?.url.protocol, 'http:')
  const refused: [string, string][] = [
    ['http://chat.example.com/serverinfo', 'plain http:// is refused (MS-OCGCWEB 5.1 recommends HTTPS), except to a loopback host; expected https://, or set PCWP_ALLOW_HTTP=true to allow it'],
    ['http://127.evil.example/serverinfo', 'plain http:// is refused (MS-OCGCWEB 5.1 recommends HTTPS), except to a loopback host; expected https://, or set PCWP_ALLOW_HTTP=true to allow it'],
    ['http://10.0.0.1/serverinfo', 'plain http:// is refused (MS-OCGCWEB 5.1 recommends HTTPS), except to a loopback host; expected https://, or set PCWP_ALLOW_HTTP=true to allow it'],
    ['https://user:s3cret@chat.example.com/serverinfo', 'it carries a user name or password; expected an https:// URL, http:// to a loopback host, or file:///path, without credentials'],
    ['ftp://chat.example.com/serverinfo', 'is not a usable getserverinfo source; expected an https:// URL, http:// to a loopback host, or file:///path, without credentials'],
    ['file://server/share/serverinfo.xml', 'is not a usable getserverinfo source; expected an https:// URL, http:// to a loopback host, or file:///path, without credentials'],
    ['javascript:alert(1)', 'is not a usable getserverinfo source; expected an https:// URL, http:// to a loopback host, or file:///path, without credentials'],
    ['not a url', 'is not a URL; expected an https:// URL, http:// to a loopback host, or file:///path, without credentials']
  ]
  for (const [url, message] of refused) {
    t.equal(problemOf('PCWP_SERVERINFO_URL', { PCWP_SERVERINFO_URL: url }), `PCWP_SERVERINFO_URL: ${message}`, url)
  }
})

t.test('PCWP_SERVERINFO_* numbers are validated even without PCWP_SERVERINFO_URL', async t => {
  t.equal(loadConfig({
    PCWP_SERVERINFO_REFRESH_S: '5', PCWP_SERVERINFO_TIMEOUT_MS: '100', PCWP_SERVERINFO_MAX_STALE_S: '0'
  }).serverInfo, undefined, 'valid numbers alone configure no source')
  t.same(problemsOf({
    PCWP_SERVERINFO_REFRESH_S: '0', PCWP_SERVERINFO_TIMEOUT_MS: '99', PCWP_SERVERINFO_MAX_STALE_S: '1d'
  }), [
    'PCWP_SERVERINFO_REFRESH_S: "0" is not a whole number in range; expected a whole number from 1 to 86400',
    'PCWP_SERVERINFO_TIMEOUT_MS: "99" is not a whole number in range; expected a whole number from 100 to 60000',
    'PCWP_SERVERINFO_MAX_STALE_S: "1d" is not a whole number in range; expected a whole number from 0 to 31536000'
  ])
})

t.test('every bad variable gets its own line naming it, the bad value and what is expected', async t => {
  const problems = problemsOf({
    HOST: 'not a host!',
    PORT: '70000',
    LOG_LEVEL: 'loud',
    PCWP_BASE_URL_INTERNAL: 'https://pool.corp.example/rm/?clientlang=en-US',
    PCWP_BASE_URL_EXTERNAL: 'chat.example.com/rm',
    PCWP_SERVERINFO_URL: 'https://chat.example.com/serverinfo',
    PCWP_SERVERINFO_REFRESH_S: '0',
    PCWP_SERVERINFO_TIMEOUT_MS: '2s',
    PCWP_SERVERINFO_MAX_STALE_S: '-1',
    PCWP_INTERNAL_CIDRS: '10.0.0.0/33',
    PCWP_TRUST_PROXY: 'proxy.corp.example',
    PCWP_NETWORK_HEADER: 'X Zone',
    PCWP_DEFAULT_NETWORK: 'dmz',
    PCWP_LANGUAGES: 'en-US,english',
    PCWP_DEFAULT_LANGUAGE: 'deutsch',
    PCWP_ALLOW_HTTP: 'maybe',
    PCWP_REDIRECT_STATUS: '301',
    PCWP_RATE_LIMIT_PER_MIN: '0',
    PCWP_PUBLIC_URL: 'https://chat-links.corp.example/links',
    PCWP_ROOM_MAP: '/etc/pcwp-links/rooms.txt',
    PCWP_LEGACY_PATHS: '/rooms/old',
    PCWP_CONTACT_URL: 'javascript:alert(1)',
    PCWP_CONTACT_TEXT: 'call\r\nus',
    PCWP_LOCALES_DIR: '/nonexistent/pcwp-links/locales',
    PCWP_LOG_CLIENT: 'partial',
    PCWP_ROOM_MAP_REFRESH_S: '0',
    PCWP_ROOM_MAP_START_TIMEOUT_S: '3601'
  })
  const expected: [string, RegExp][] = [
    ['PCWP_ALLOW_HTTP', /^"maybe" is not a boolean; expected true or false/],
    ['PCWP_BASE_URL_INTERNAL', /^its query already has a clientlang or id parameter, which MS-OCGCWEB appends itself; expected an absolute https:\/\/ URL/],
    ['PCWP_BASE_URL_EXTERNAL', /expected an absolute https:\/\/ URL/],
    ['PCWP_TRUST_PROXY', /^"proxy.corp.example" is not an IP address or CIDR range; expected for example 10.0.0.0\/8/],
    ['PCWP_NETWORK_HEADER', /^"X Zone" is not an HTTP header name; expected a header name such as X-Network-Zone/],
    ['PCWP_LANGUAGES', /^"english" is not a language; expected <language>-<REGION>/],
    ['PCWP_DEFAULT_LANGUAGE', /^"deutsch" is not a language; expected <language>-<REGION>/],
    ['HOST', /^"not a host!" is not an IP address or host name; expected an address or name to listen on/],
    ['PORT', /^"70000" is not a whole number in range; expected a whole number from 0 to 65535/],
    ['LOG_LEVEL', /^"loud" is not a known value; expected one of fatal, error, warn, info, debug, trace, silent/],
    ['PCWP_SERVERINFO_REFRESH_S', /expected a whole number from 1 to 86400/],
    ['PCWP_SERVERINFO_TIMEOUT_MS', /expected a whole number from 100 to 60000/],
    ['PCWP_SERVERINFO_MAX_STALE_S', /expected a whole number from 0 to 31536000/],
    ['PCWP_REDIRECT_STATUS', /^"301" is not a known value; expected one of 302, 303, 307/],
    ['PCWP_RATE_LIMIT_PER_MIN', /expected a whole number from 1 to 1000000/],
    ['PCWP_INTERNAL_CIDRS', /^"10.0.0.0\/33" is not an IP address or CIDR range/],
    ['PCWP_DEFAULT_NETWORK', /^"dmz" is not a known value; expected one of internal, external/],
    ['PCWP_PUBLIC_URL', /^it has a path, query or fragment; expected the service's own origin/],
    ['PCWP_ROOM_MAP', /^does not name a .csv or .json file; expected a path such as/],
    ['PCWP_LEGACY_PATHS', /^"\/rooms\/old" is at or under the service's own route \/rooms; expected absolute paths/],
    ['PCWP_CONTACT_URL', /^is not an https:\/\/ or mailto: address/],
    ['PCWP_CONTACT_TEXT', /^it contains control characters/],
    ['PCWP_LOCALES_DIR', /^does not exist; expected an existing folder of <tag>.json page catalogs/],
    ['PCWP_LOG_CLIENT', /^"partial" is not a known value; expected one of full, truncated, none/],
    ['PCWP_ROOM_MAP_REFRESH_S', /^"0" is not a whole number in range; expected a whole number from 1 to 86400/],
    ['PCWP_ROOM_MAP_START_TIMEOUT_S', /expected a whole number from 1 to 3600$/]
  ]
  for (const [name, pattern] of expected) {
    const lines = problems.filter(p => p.startsWith(`${name}: `))
    t.equal(lines.length, 1, `${name} has one line`)
    t.match(lines[0]?.slice(name.length + 2), pattern, name)
  }
  t.equal(problems.length, expected.length, 'and nothing else')
})

t.test('the error message lists the problems, and URLs with secrets are never repeated', async t => {
  const error = t.throws(() => loadConfig({ PCWP_BASE_URL_INTERNAL: 'https://admin:s3cret@pool.corp.example/rm/', PORT: 'x' })) as ConfigError
  t.ok(error instanceof ConfigError)
  t.equal(error.code, 'PCWP_CONFIG_INVALID')
  t.equal(error.name, 'ConfigError')
  t.match(error.message, /^Invalid configuration:\n {2}- PCWP_BASE_URL_INTERNAL: .*\n {2}- PORT: /)
  const secrets = {
    PCWP_BASE_URL_EXTERNAL: 'http://admin:s3cret@chat.example.com/rm/',
    PCWP_SERVERINFO_URL: 'https://admin:s3cret@chat.example.com/serverinfo',
    PCWP_PUBLIC_URL: 'https://admin:s3cret@chat-links.corp.example',
    PCWP_CONTACT_URL: 'https://admin:s3cret@intranet.corp.example/help'
  }
  const problems = problemsOf(secrets)
  t.equal(problems.length, 4)
  for (const problem of problems) {
    t.notMatch(problem, /s3cret|admin:/, problem)
    t.match(problem, /user name or password|PCWP_ALLOW_HTTP=true/, problem)
  }
})

t.test('PCWP_LANGUAGES names every entry that is not a language, shortened and printable', async t => {
  t.equal(problemOf('PCWP_LANGUAGES', { PCWP_LANGUAGES: 'en-US, english' }), `PCWP_LANGUAGES: "english" is not a language; ${LANGUAGE_EXPECTED}`)
  t.equal(problemOf('PCWP_LANGUAGES', { PCWP_LANGUAGES: 'english,de-DE,deutsch' }),
    `PCWP_LANGUAGES: "english" is not a language, "deutsch" is not a language; ${LANGUAGE_EXPECTED}`)
  t.equal(problemOf('PCWP_LANGUAGES', { PCWP_LANGUAGES: 'a,b,c,d,e,f,g' }),
    `PCWP_LANGUAGES: "a" is not a language, "b" is not a language, "c" is not a language, "d" is not a language, "e" is not a language, and 2 more; ${LANGUAGE_EXPECTED}`)
  t.equal(problemOf('PCWP_LANGUAGES', { PCWP_LANGUAGES: `en-US,${'x'.repeat(100)}` }),
    `PCWP_LANGUAGES: "${'x'.repeat(40)}…" is not a language; ${LANGUAGE_EXPECTED}`, 'a long entry is cut at 40 characters')
  t.equal(problemOf('PCWP_LANGUAGES', { PCWP_LANGUAGES: 'en-US,en\r\nX-Injected: 1\u0000\u202e' }),
    `PCWP_LANGUAGES: "enX-Injected: 1" is not a language; ${LANGUAGE_EXPECTED}`, 'control and bidi characters are dropped')
  t.equal(problemOf('PCWP_LANGUAGES', { PCWP_LANGUAGES: 'en-US,😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀' }),
    `PCWP_LANGUAGES: "${'😀'.repeat(40)}…" is not a language; ${LANGUAGE_EXPECTED}`, 'cut between characters, never inside one')
})

t.test('the default language: the first of PCWP_LANGUAGES unless named', async t => {
  t.equal(loadConfig({ ...BASES, PCWP_LANGUAGES: 'de-DE,fr-FR' }).defaultLanguage, 'de-DE',
    'a list without en-US needs no default')
  t.equal(loadConfig({ ...BASES, PCWP_LANGUAGES: 'de-DE,fr-FR', PCWP_DEFAULT_LANGUAGE: 'fr_fr' }).defaultLanguage,
    'fr-FR')
  t.equal(loadConfig({ ...BASES, PCWP_DEFAULT_LANGUAGE: 'de-DE' }).defaultLanguage, 'de-DE',
    'one of the built-in languages')
  const empty = loadConfig({ ...BASES, PCWP_LANGUAGES: ' , ,' })
  t.same(empty.languages, DEFAULT_LANGUAGES, 'a list of nothing counts as unset')
  t.equal(empty.defaultLanguage, 'en-US')
  t.same(problemsOf({ ...BASES, PCWP_LANGUAGES: 'en-US,fr-FR', PCWP_DEFAULT_LANGUAGE: 'de-DE' }),
    ['PCWP_DEFAULT_LANGUAGE: de-DE is not one of the supported languages; expected one of PCWP_LANGUAGES, or add it there'])
  t.same(problemsOf({ ...BASES, PCWP_DEFAULT_LANGUAGE: 'xx-YY' }),
    ['PCWP_DEFAULT_LANGUAGE: xx-YY is not one of the supported languages; expected one of PCWP_LANGUAGES, or add it there'],
    'the built-in list applies when PCWP_LANGUAGES is unset')
  t.same(problemsOf({ ...BASES, PCWP_LANGUAGES: 'english,fr-FR', PCWP_DEFAULT_LANGUAGE: 'fr-FR' }),
    [`PCWP_LANGUAGES: "english" is not a language; ${LANGUAGE_EXPECTED}`], 'a bad list is reported once, not again through the default')
})

t.test('a list has at most 1000 entries', async t => {
  t.equal(loadConfig({
    ...BASES,
    PCWP_INTERNAL_CIDRS: Array.from({ length: 1000 }, (_, i) => `10.${i >> 8}.${i & 255}.0/24`).join(',')
  }).internalRanges.length, 1000)
  t.equal(problemOf('PCWP_INTERNAL_CIDRS', { ...BASES, PCWP_INTERNAL_CIDRS: '10.0.0.0/8,'.repeat(1001) }), 'PCWP_INTERNAL_CIDRS: it lists 1001 entries; expected at most 1000')
})

t.test('cross-variable rules', async t => {
  t.match(problemsOf({ ...BASES, PCWP_NETWORK_HEADER: 'X-Zone' }), [/^PCWP_NETWORK_HEADER: set, but PCWP_TRUST_PROXY is empty/])
})

t.test('PCWP_PUBLIC_URL: an http(s) origin', async t => {
  const accepted: [string, string][] = [
    ['https://chat-links.corp.example', 'https://chat-links.corp.example'],
    ['HTTPS://Chat-Links.Corp.Example/', 'https://chat-links.corp.example'],
    ['https://chat-links.corp.example:443', 'https://chat-links.corp.example'],
    ['http://10.0.0.5:8080', 'http://10.0.0.5:8080'],
    ['https://[2001:DB8::1]:8443/', 'https://[2001:db8::1]:8443'],
    ['http://localhost:8080', 'http://localhost:8080'],
    ['http://localhost:80', 'http://localhost'],
    ['HtTp://[::FFFF:192.0.2.7]', 'http://[::ffff:c000:207]'],
    ['https://XN--ZZ.example', 'https://xn--zz.example'],
    ['https://192.0.2.7:0443', 'https://192.0.2.7']
  ]
  for (const [value, origin] of accepted) {
    t.equal(loadConfig({ ...BASES, PCWP_PUBLIC_URL: value }).publicUrl, origin, value)
  }
  const expected = 'expected the service\'s own origin http(s)://host[:port] without path, query or credentials, such as https://chat-links.corp.example'
  const refused: [string, string][] = [
    ['https://chat-links.corp.example/links', 'it has a path, query or fragment'],
    ['https://chat-links.corp.example//', 'it has a path, query or fragment'],
    ['https://chat-links.corp.example/?a=1', 'it has a path, query or fragment'],
    ['https://chat-links.corp.example?a=1', 'it has a path, query or fragment'],
    ['https://chat-links.corp.example#top', 'it has a path, query or fragment'],
    ['https://admin:s3cret@chat-links.corp.example', 'it carries a user name or password'],
    ['https://@chat-links.corp.example', 'it carries a user name or password'],
    ['https://chat-links.corp.example?', 'is not an http(s) origin'],
    ['ftp://chat-links.corp.example', 'is not an http(s) origin'],
    ['chat-links.corp.example', 'is not an http(s) origin'],
    ['https:chat-links.corp.example', 'is not an http(s) origin'],
    ['https://chat-links.corp.example:99999', 'is not an http(s) origin'],
    ['https://chat_links.corp.example', 'is not an http(s) origin'],
    ['https://1.2.3', 'is not an http(s) origin'],
    ['https://bücher.example', 'is not an http(s) origin'],
    ['https://[fe80::1%eth0]', 'is not an http(s) origin'],
    ['https://[zz::1]', 'is not an http(s) origin'],
    ['https://chat-links.corp.example:', 'is not an http(s) origin'],
    ['https://chat-links.corp.example:0', 'is not an http(s) origin'],
    ['https://chat-links.corp.example.', 'is not an http(s) origin'],
    ['https://0x7f.1', 'is not an http(s) origin'],
    ['https://', 'is not an http(s) origin'],
    ['https:///chat-links.corp.example', 'it has a path, query or fragment']
  ]
  for (const [value, reason] of refused) {
    t.equal(problemOf('PCWP_PUBLIC_URL', { ...BASES, PCWP_PUBLIC_URL: value }),
      `PCWP_PUBLIC_URL: ${reason}; ${expected}`, value)
  }
})

t.test('PCWP_ROOM_MAP: a .csv or .json file', async t => {
  for (const path of ['rooms.csv', '/etc/pcwp-links/rooms.CSV', 'C:\\pcwp\\rooms.Json']) {
    t.equal(loadConfig({ PCWP_ROOM_MAP: path }).roomMap?.location, path, path)
  }
  for (const path of ['/etc/pcwp-links/rooms.txt', '/etc/pcwp-links/rooms.csv.bak', '/etc/pcwp-links/']) {
    t.equal(problemOf('PCWP_ROOM_MAP', { PCWP_ROOM_MAP: path }), `PCWP_ROOM_MAP: does not name a .csv or .json file; ${ROOM_MAP_EXPECTED}`, path)
  }
})

t.test('PCWP_ROOM_MAP: an https:// URL, any path; plain http as for the getserverinfo source', async t => {
  const signed = 'https://maps.corp.example/pcwp/rooms?sv=2024&sig=SECRET'
  const config = loadConfig({
    PCWP_ROOM_MAP: signed, PCWP_ROOM_MAP_REFRESH_S: '15', PCWP_ROOM_MAP_START_TIMEOUT_S: '3600'
  })
  t.ok(config.roomMap?.location instanceof URL, 'a URL, not a path')
  t.equal(String(config.roomMap?.location), signed, 'its query kept: a signed URL needs it')
  t.same({ ...config.roomMap, location: undefined },
    { location: undefined, refreshMs: 15_000, startTimeoutMs: 3_600_000 })
  t.same(config.warnings, [], 'the URL timings apply: no warning')
  for (const url of ['http://127.0.0.1:8081/rooms', 'HTTP://localhost/rooms.json', 'http://[::1]/rooms']) {
    t.ok(loadConfig({ PCWP_ROOM_MAP: url }).roomMap?.location instanceof URL, `${url}: a loopback host`)
  }
  t.equal(problemOf('PCWP_ROOM_MAP', { PCWP_ROOM_MAP: 'http://maps.corp.example/rooms.csv' }),
    'PCWP_ROOM_MAP: plain http:// is refused (MS-OCGCWEB 5.1 recommends HTTPS), except to a loopback host; expected https://, or set PCWP_ALLOW_HTTP=true to allow it')
  t.ok(loadConfig({ PCWP_ROOM_MAP: 'http://maps.corp.example/rooms.csv', PCWP_ALLOW_HTTP: 'true' }).roomMap?.location instanceof URL,
    'allowed by PCWP_ALLOW_HTTP')
  const refused: [string, string][] = [
    ['https://user:secret@maps.corp.example/rooms.csv', 'it carries a user name or password'],
    ['https://', 'is not a URL'],
    ['ftp://maps.corp.example/rooms.csv', 'is a URL the service cannot fetch'],
    ['file:///etc/pcwp-links/rooms.csv', 'is a URL the service cannot fetch']
  ]
  for (const [value, reason] of refused) {
    const problem = problemOf('PCWP_ROOM_MAP', { PCWP_ROOM_MAP: value })
    t.equal(problem, `PCWP_ROOM_MAP: ${reason}; ${ROOM_MAP_EXPECTED}`, reason)
    t.notMatch(problem, 'secret', 'never echoes the URL')
  }
})

t.test('PCWP_ROOM_MAP_REFRESH_S and _START_TIMEOUT_S: validated always, said to be ignored without a URL', async t => {
  t.same(loadConfig({ PCWP_ROOM_MAP: '/etc/rooms.csv', PCWP_ROOM_MAP_REFRESH_S: '30' }).warnings,
    ['PCWP_ROOM_MAP_REFRESH_S applies only to a room map at a URL, and is ignored (a file is watched)'])
  t.same(loadConfig({ PCWP_ROOM_MAP_START_TIMEOUT_S: '30' }).warnings,
    ['PCWP_ROOM_MAP_START_TIMEOUT_S applies only to a room map at a URL, and is ignored (PCWP_ROOM_MAP is not set)'])
  t.equal(problemOf('PCWP_ROOM_MAP_REFRESH_S', { PCWP_ROOM_MAP_REFRESH_S: '86401' }),
    'PCWP_ROOM_MAP_REFRESH_S: "86401" is not a whole number in range; expected a whole number from 1 to 86400')
  t.same(loadConfig({ PCWP_ROOM_MAP: 'https://maps.corp.example/rooms' }).roomMap,
    { location: new URL('https://maps.corp.example/rooms'), refreshMs: 60_000, startTimeoutMs: 60_000 }, 'defaults: 60 s each')
})

t.test('PCWP_LEGACY_PATHS: absolute paths outside the service\'s own routes', async t => {
  t.same(SERVICE_ROUTE_PREFIXES, [
    '/rooms', '/links', '/healthz', '/readyz', '/metrics', '/openapi.json', '/robots.txt', '/favicon.ico', '/demo'
  ])
  const config = loadConfig({ ...BASES, PCWP_LEGACY_PATHS: "/RM/, /roomsold, /linksx/a, /a/%2E%2Ex, /x/~a-b_c.d!$&'()*+;=:@%41" })
  t.same(config.legacyPaths, ['/rm', '/roomsold', '/linksx/a', '/a/%2e%2ex', "/x/~a-b_c.d!$&'()*+;=:@%41"],
    'only whole route segments collide')
  const expected = 'expected absolute paths such as /PersistentChat/RM/, outside the service\'s own routes (/rooms, /links, /healthz, /readyz, /metrics, /openapi.json, /robots.txt, /favicon.ico, /demo)'
  const refused: [string, string][] = [
    ['PersistentChat/RM/', 'is not an absolute path (it must start with /)'],
    ['/rm?id=1', 'has a query or fragment'],
    ['/rm#x', 'has a query or fragment'],
    ['/r m', 'has characters a path cannot hold unencoded'],
    ['/rm/%zz', 'has characters a path cannot hold unencoded'],
    ['/räume', 'has characters a path cannot hold unencoded'],
    ['/', 'is the root path, which the service answers itself'],
    ['//', 'has an empty segment (//)'],
    ['/a//b', 'has an empty segment (//)'],
    ['/a/../b', 'has a . or .. segment'],
    ['/./a', 'has a . or .. segment'],
    ['/a/%2E%2e', 'has a . or .. segment'],
    ['/a/%2e/b', 'has a . or .. segment']
  ]
  for (const [path, reason] of refused) {
    t.equal(problemOf('PCWP_LEGACY_PATHS', { ...BASES, PCWP_LEGACY_PATHS: path }),
      `PCWP_LEGACY_PATHS: "${path}" ${reason}; ${expected}`, path)
  }
  for (const route of SERVICE_ROUTE_PREFIXES) {
    for (const path of [route, `${route.toUpperCase()}/`, `${route}/old/rm`]) {
      t.equal(problemOf('PCWP_LEGACY_PATHS', { ...BASES, PCWP_LEGACY_PATHS: `/rm,${path}` }),
        `PCWP_LEGACY_PATHS: "${path}" is at or under the service's own route ${route}; ${expected}`, path)
    }
  }
  t.equal(problemOf('PCWP_LEGACY_PATHS', { ...BASES, PCWP_LEGACY_PATHS: 'rm,/demo/rm' }),
    `PCWP_LEGACY_PATHS: "rm" is not an absolute path (it must start with /), "/demo/rm" is at or under the service's own route /demo; ${expected}`, 'every bad entry is named')
})

t.test('legacyRoomPaths: the base URLs\' paths and PCWP_LEGACY_PATHS', async t => {
  const config = loadConfig({
    PCWP_BASE_URL_INTERNAL: 'https://pool.corp.example/PersistentChat/RM/Default.aspx?tenant=a#x',
    PCWP_BASE_URL_EXTERNAL: 'https://chat.example.com/',
    PCWP_LEGACY_PATHS: '/persistentchat/rm/default.aspx,/OldRM'
  })
  t.same(config.legacyRoomPaths, ['/persistentchat/rm/default.aspx', '/oldrm'],
    'a base at its host\'s root adds no path; duplicates count once')
  t.same(loadConfig({ PCWP_BASE_URL_EXTERNAL: 'https://chat.example.com/RM' }).legacyRoomPaths, ['/rm'])
  t.same(loadConfig({ PCWP_ROOM_MAP: 'rooms.csv', PCWP_LEGACY_PATHS: '/rm/' }).legacyRoomPaths, ['/rm'],
    'a room map alone still answers legacy links')
  for (const name of ['PCWP_BASE_URL_INTERNAL', 'PCWP_BASE_URL_EXTERNAL']) {
    for (const [href, route] of [['https://rm.corp.example/rooms/', '/rooms'], ['https://rm.corp.example/Demo/RM/?x=1', '/demo'], ['https://rm.corp.example/links', '/links']] as const) {
      t.equal(problemOf(name, { [name]: href }),
        `${name}: its path is at or under the service's own route ${route}, so its links could not be told from the service's; expected the room management application's path, such as /PersistentChat/RM/`, href)
    }
  }
  const demo = loadConfig({ PCWP_LEGACY_PATHS: '/rm' })
  t.equal(demo.demo, true)
  t.same(demo.legacyPaths, ['/rm'])
  t.same(demo.legacyRoomPaths, [], 'demo mode answers no legacy links')
  t.same(demo.warnings, ['PCWP_LEGACY_PATHS is ignored in demo mode: there is no room management application whose links it could answer'])
})

t.test('PCWP_CONTACT_URL and PCWP_CONTACT_TEXT', async t => {
  const accepted: [string, string][] = [
    ['https://intranet.corp.example/chat-help', 'https://intranet.corp.example/chat-help'],
    ['HTTPS://Intranet.corp.example', 'https://intranet.corp.example/'],
    ['mailto:chat-admins@corp.example', 'mailto:chat-admins@corp.example'],
    ['MAILTO:chat-admins@corp.example?subject=Room%20moved', 'mailto:chat-admins@corp.example?subject=Room%20moved'],
    [`https://intranet.corp.example/${'a'.repeat(2048 - 30)}`, `https://intranet.corp.example/${'a'.repeat(2048 - 30)}`]
  ]
  for (const [value, url] of accepted) {
    t.equal(loadConfig({ ...BASES, PCWP_CONTACT_URL: value }).contactUrl, url, value.slice(0, 60))
  }
  const expected = 'expected an https:// URL without credentials or a mailto: address, such as https://intranet.corp.example/chat-help or mailto:chat-admins@corp.example'
  const refused: [string, string][] = [
    ['http://intranet.corp.example/help', 'is not an https:// or mailto: address of at most 2048 characters'],
    ['javascript:alert(1)', 'is not an https:// or mailto: address of at most 2048 characters'],
    ['https:intranet.corp.example', 'is not an https:// or mailto: address of at most 2048 characters'],
    ['mailto:', 'is not an https:// or mailto: address of at most 2048 characters'],
    ['mailto:?subject=x@y', 'is not an https:// or mailto: address of at most 2048 characters'],
    ['https://[zz]/', 'is not an https:// or mailto: address of at most 2048 characters'],
    [`https://intranet.corp.example/${'a'.repeat(2048)}`, 'is not an https:// or mailto: address of at most 2048 characters'],
    ['https://help:s3cret@intranet.corp.example/', 'it carries a user name or password']
  ]
  for (const [value, reason] of refused) {
    t.equal(problemOf('PCWP_CONTACT_URL', { ...BASES, PCWP_CONTACT_URL: value }),
      `PCWP_CONTACT_URL: ${reason}; ${expected}`, value.slice(0, 60))
  }

  const textOnly = loadConfig({ ...BASES, PCWP_CONTACT_TEXT: 'Ask the IT service desk — ☎ 4711, or عربى' })
  t.equal(textOnly.contactText, 'Ask the IT service desk — ☎ 4711, or عربى', 'text without a URL is fine')
  t.equal(textOnly.contactUrl, undefined)
  t.equal(loadConfig({ ...BASES, PCWP_CONTACT_TEXT: '😀'.repeat(200) }).contactText, '😀'.repeat(200),
    '200 characters, counted as characters')
  t.equal(problemOf('PCWP_CONTACT_TEXT', { ...BASES, PCWP_CONTACT_TEXT: 'x'.repeat(201) }), 'PCWP_CONTACT_TEXT: it is too long; expected plain text of at most 200 characters')
  for (const text of [
    'call\r\nus', 'call\tus', 'call\u0000us', 'call\u2028us', 'call \u202eus', 'call \u2066us', 'call \ud800 us'
  ]) {
    t.equal(problemOf('PCWP_CONTACT_TEXT', { ...BASES, PCWP_CONTACT_TEXT: text }),
      'PCWP_CONTACT_TEXT: it contains control characters (line breaks, tabs, bidi overrides); expected one line of plain text', escapeAll(text))
  }
})

t.test('PCWP_LOCALES_DIR: an existing directory', async t => {
  const dir = t.testdir({ locales: { 'de-DE.json': '{}' }, 'file.json': '{}' })
  t.equal(loadConfig({ ...BASES, PCWP_LOCALES_DIR: join(dir, 'locales') }).localesDir, join(dir, 'locales'))
  const relative = loadConfig({ ...BASES, PCWP_LOCALES_DIR: '.' }).localesDir
  t.equal(relative, resolve('.'), 'a relative path is made absolute once, at start-up')
  const expected = 'expected an existing folder of <tag>.json page catalogs, such as /etc/pcwp-links/locales'
  t.equal(problemOf('PCWP_LOCALES_DIR', { ...BASES, PCWP_LOCALES_DIR: join(dir, 'missing') }),
    `PCWP_LOCALES_DIR: does not exist; ${expected}`)
  t.equal(problemOf('PCWP_LOCALES_DIR', { ...BASES, PCWP_LOCALES_DIR: join(dir, 'file.json') }),
    `PCWP_LOCALES_DIR: is not a directory; ${expected}`)
  t.equal(problemOf('PCWP_LOCALES_DIR', { ...BASES, PCWP_LOCALES_DIR: `${dir}\u0000x` }),
    `PCWP_LOCALES_DIR: cannot be read; ${expected}`)
})

t.test('PCWP_LOG_CLIENT', async t => {
  for (const value of ['full', 'truncated', 'none', 'None']) {
    t.equal(loadConfig({ ...BASES, PCWP_LOG_CLIENT: value }).logClient, value.toLowerCase(), value)
  }
  t.equal(problemOf('PCWP_LOG_CLIENT', { ...BASES, PCWP_LOG_CLIENT: 'anonymised' }), 'PCWP_LOG_CLIENT: "anonymised" is not a known value; expected one of full, truncated, none')
})

t.test('unknown PCWP_ variables are warned about, printably', async t => {
  const config = loadConfig({
    ...BASES,
    PCWP_BASE_URL_INTERNL: 'x',
    PCWP_LANGUAGE: 'de-DE',
    OTHER: '1',
    'PCWP_X\r\nY': '1',
    [`PCWP_${'X'.repeat(60)}`]: '1'
  })
  t.same(config.warnings, [
    'PCWP_BASE_URL_INTERNL is not a pcwp-links setting and is ignored (a typo?)',
    'PCWP_LANGUAGE is not a pcwp-links setting and is ignored (a typo?)',
    '"PCWP_XY" is not a pcwp-links setting and is ignored (a typo?)',
    `"PCWP_${'X'.repeat(35)}…" is not a pcwp-links setting and is ignored (a typo?)`
  ])
  for (const name of [
    'PCWP_PUBLIC_URL', 'PCWP_ROOM_MAP', 'PCWP_LEGACY_PATHS', 'PCWP_CONTACT_URL', 'PCWP_CONTACT_TEXT',
    'PCWP_LOCALES_DIR', 'PCWP_LOG_CLIENT', 'PCWP_ROOM_MAP_REFRESH_S', 'PCWP_ROOM_MAP_START_TIMEOUT_S'
  ]) {
    t.ok(CONFIG_VARIABLES.includes(name), `${name} is a setting`)
  }
})

t.test('hostile values: every variable is accepted or refused with a ConfigError, in printable one-line messages', { skip: SKIP_WITHOUT_CORPUS }, async t => {
  const payloads = new Set<string>(['\r\n', 'a\r\nb', '\u0000', 'https://x.example/\u0000', 'x'.repeat(1 << 20), '/a'.repeat(50_000),
    `${'en-US,'.repeat(20_000)}x`, `${'en-US,'.repeat(999)}x`, `${'x,'.repeat(20_000)}x`, '\ud800', '\u202e\u2066', '%0d%0aX: y', 'https://a\r\n.example', '/rm\r\n'])
  for (const line of hostileLines()) payloads.add(line)
  // Every variable gets the payload at once (each is read on its own), and again behind a valid start, to reach
  // past the first check.
  const prefixes: Record<string, string> = {
    PCWP_BASE_URL_INTERNAL: 'https://x.example/',
    PCWP_BASE_URL_EXTERNAL: 'http://x.example/',
    PCWP_SERVERINFO_URL: 'file:///',
    PCWP_PUBLIC_URL: 'https://',
    PCWP_CONTACT_URL: 'https://x.example/',
    PCWP_LEGACY_PATHS: '/',
    PCWP_LANGUAGES: 'en-US,',
    PCWP_INTERNAL_CIDRS: '10.0.0.0/8,',
    PCWP_ROOM_MAP: '/etc/',
    PCWP_LOCALES_DIR: '/tmp/'
  }
  const unprintable: string[] = []
  const thrown: string[] = []
  const accepted: string[] = []
  for (const payload of payloads) {
    for (const prefixed of [false, true]) {
      const env = Object.fromEntries(CONFIG_VARIABLES.map(name => [
        name, `${prefixed ? prefixes[name] ?? '' : ''}${payload}`
      ]))
      try {
        const config = loadConfig(env)
        accepted.push(payload)
        for (const line of config.warnings) {
          if (UNPRINTABLE.test(line)) unprintable.push(JSON.stringify(line.slice(0, 80)))
        }
      } catch (error) {
        if (!(error instanceof ConfigError)) {
          thrown.push(`${JSON.stringify(payload.slice(0, 40))}: ${String(error)}`)
          continue
        }
        for (const line of error.problems) {
          if (UNPRINTABLE.test(line)) unprintable.push(JSON.stringify(line.slice(0, 80)))
        }
      }
    }
  }
  t.same(thrown.slice(0, 10), [], 'nothing but ConfigError is thrown')
  t.same(unprintable.slice(0, 10), [], 'no message holds a control character')
  t.ok(payloads.size > 1000, `${payloads.size} payloads`)
  t.same(accepted.filter(payload => payload.trim() !== ''), [], 'only blank values (unset) are accepted for every variable at once')
})
