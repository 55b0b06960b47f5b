import t from 'tap'
import { ConfigError, DEMO_BASE_PATH, loadConfig } from '../src/config.js'
import { DEFAULT_LANGUAGES } from '../src/negotiate/language.js'

const BASES = {
  PCWP_BASE_URL_INTERNAL: 'https://pool.corp.example/PersistentChat/RM/',
  PCWP_BASE_URL_EXTERNAL: 'https://chat.example.com/PersistentChat/RM/'
}

function problemsOf (env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env)
  } catch (error) {
    if (error instanceof ConfigError) return error.problems
    throw error
  }
  return []
}

t.test('nothing configured outside production: demo mode with the documented defaults', async t => {
  const config = loadConfig({})
  t.equal(config.demo, true)
  t.equal(config.baseUrls.internal?.href, DEMO_BASE_PATH)
  t.equal(config.baseUrls.external?.href, DEMO_BASE_PATH)
  t.match(config, {
    host: '0.0.0.0',
    port: 8080,
    logLevel: 'info',
    serverInfo: undefined,
    allowHttp: false,
    redirectStatus: 302,
    trustProxy: [],
    internalRanges: [],
    networkHeader: undefined,
    defaultNetwork: 'external',
    defaultLanguage: 'en-US',
    warnings: []
  })
  t.same(config.languages, DEFAULT_LANGUAGES)
  t.equal(loadConfig({ NODE_ENV: 'development', PCWP_BASE_URL_INTERNAL: '  ' }).demo, true, 'an empty variable counts as unset')
})

t.test('nothing configured in production is an error naming the variables', async t => {
  const problems = problemsOf({ NODE_ENV: 'production' })
  t.equal(problems.length, 1)
  t.match(problems[0], /^PCWP_BASE_URL_INTERNAL, PCWP_BASE_URL_EXTERNAL, PCWP_SERVERINFO_URL: none is set/)
  t.equal(loadConfig({ NODE_ENV: 'production', PCWP_BASE_URL_EXTERNAL: BASES.PCWP_BASE_URL_EXTERNAL }).demo, false)
  t.equal(loadConfig({ NODE_ENV: 'production', PCWP_SERVERINFO_URL: 'https://chat.example.com/serverinfo.xml' }).demo, false,
    'an override source alone is enough')
})

t.test('a full valid configuration', async t => {
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
    PCWP_REDIRECT_STATUS: '307'
  })
  t.equal(config.demo, false)
  t.equal(config.host, '::')
  t.equal(config.port, 9000)
  t.equal(config.logLevel, 'warn')
  t.equal(config.baseUrls.internal?.href, BASES.PCWP_BASE_URL_INTERNAL)
  t.equal(config.baseUrls.external?.href, BASES.PCWP_BASE_URL_EXTERNAL)
  t.same(config.serverInfo, { url: new URL('https://chat.example.com/getserverinfo'), refreshMs: 60_000, timeoutMs: 500, maxStaleMs: 3_600_000 })
  t.same(config.internalRanges.map(r => `${r.network.toString()}/${r.prefix}`), ['10.0.0.0/8', '192.168.0.0/16', '2001:db8::/32', '172.16.0.0/12'],
    'IPv4-mapped ranges become IPv4 ranges')
  t.same(config.trustProxy.map(r => r.text), ['127.0.0.1', '::1'])
  t.equal(config.networkHeader, 'x-network-zone')
  t.equal(config.defaultNetwork, 'internal')
  t.same(config.languages, ['en-US', 'de-DE', 'fr-FR'], 'canonicalised and de-duplicated')
  t.equal(config.defaultLanguage, 'de-DE')
  t.equal(config.redirectStatus, 307)
})

t.test('one base URL only: the other zone has none (MS-PCWP 3.1.1)', async t => {
  const config = loadConfig({ PCWP_BASE_URL_INTERNAL: BASES.PCWP_BASE_URL_INTERNAL })
  t.equal(config.demo, false)
  t.same(Object.keys(config.baseUrls), ['internal'])
})

t.test('http base URLs need PCWP_ALLOW_HTTP (MS-PCWP 5.1)', async t => {
  t.match(problemsOf({ PCWP_BASE_URL_INTERNAL: 'http://pool.corp.example/rm/' }), [/^PCWP_BASE_URL_INTERNAL: .*http/])
  const config = loadConfig({ PCWP_BASE_URL_INTERNAL: 'http://pool.corp.example/rm/', PCWP_ALLOW_HTTP: 'yes' })
  t.equal(config.baseUrls.internal?.href, 'http://pool.corp.example/rm/')
  t.equal(loadConfig({ ...BASES, PCWP_ALLOW_HTTP: '1' }).allowHttp, true)
  t.equal(loadConfig({ ...BASES, PCWP_ALLOW_HTTP: 'No' }).allowHttp, false)
  t.equal(loadConfig({ ...BASES, PCWP_ALLOW_HTTP: '0' }).allowHttp, false)
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
  for (const url of accepted) t.equal(loadConfig({ PCWP_SERVERINFO_URL: url }).serverInfo?.url.href, new URL(url).href, url)
  t.equal(loadConfig({ PCWP_SERVERINFO_URL: 'http://chat.example.com/x', PCWP_ALLOW_HTTP: 'true' }).serverInfo?.url.protocol, 'http:')
  const refused = [
    'http://chat.example.com/serverinfo',
    'http://127.evil.example/serverinfo',
    'http://10.0.0.1/serverinfo',
    'ftp://chat.example.com/serverinfo',
    'file://server/share/serverinfo.xml',
    'https://user:pw@chat.example.com/serverinfo',
    'not a url',
    'javascript:alert(1)'
  ]
  for (const url of refused) {
    t.match(problemsOf({ PCWP_SERVERINFO_URL: url }), [/^PCWP_SERVERINFO_URL: expected an https:\/\/ URL/], url)
  }
  t.equal(loadConfig({ PCWP_SERVERINFO_REFRESH_S: '5' }).serverInfo, undefined, 'timing settings alone configure no source')
})

t.test('every bad variable gets its own line naming it and what is expected', async t => {
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
    PCWP_REDIRECT_STATUS: '301'
  })
  const expected: [string, RegExp][] = [
    ['PCWP_ALLOW_HTTP', /expected true or false/],
    ['PCWP_BASE_URL_INTERNAL', /"clientlang" parameter/],
    ['PCWP_BASE_URL_EXTERNAL', /expected an absolute https:\/\/ URL/],
    ['PCWP_TRUST_PROXY', /"proxy.corp.example" is not an IP address or CIDR range/],
    ['PCWP_NETWORK_HEADER', /expected an HTTP header name/],
    ['PCWP_LANGUAGES', /expected <language>-<REGION>/],
    ['PCWP_DEFAULT_LANGUAGE', /expected <language>-<REGION>/],
    ['HOST', /expected an IP address or host name/],
    ['PORT', /expected a whole number from 0 to 65535/],
    ['LOG_LEVEL', /expected one of fatal, error, warn, info, debug, trace, silent/],
    ['PCWP_SERVERINFO_REFRESH_S', /expected a whole number from 1 to 86400/],
    ['PCWP_SERVERINFO_TIMEOUT_MS', /expected a whole number from 100 to 60000/],
    ['PCWP_SERVERINFO_MAX_STALE_S', /expected a whole number from 0 to 31536000/],
    ['PCWP_REDIRECT_STATUS', /expected one of 302, 303, 307/],
    ['PCWP_INTERNAL_CIDRS', /"10.0.0.0\/33" is not an IP address or CIDR range/],
    ['PCWP_DEFAULT_NETWORK', /expected one of internal, external/]
  ]
  for (const [name, pattern] of expected) {
    const lines = problems.filter(p => p.startsWith(`${name}: `))
    t.equal(lines.length, 1, `${name} has one line`)
    t.match(lines[0], pattern, name)
  }
  t.equal(problems.length, expected.length, 'and nothing else')
})

t.test('the error message lists the problems, and URLs with secrets are not repeated', async t => {
  try {
    loadConfig({ PCWP_BASE_URL_INTERNAL: 'https://admin:s3cret@pool.corp.example/rm/', PORT: 'x' })
    t.fail('should throw')
  } catch (error) {
    t.ok(error instanceof ConfigError)
    const { message, code } = error as ConfigError
    t.equal(code, 'PCWP_CONFIG_INVALID')
    t.match(message, /^Invalid configuration:\n {2}- PCWP_BASE_URL_INTERNAL: .*\n {2}- PORT: /)
    t.notMatch(message, /s3cret/)
  }
})

t.test('cross-variable rules', async t => {
  t.match(problemsOf({ ...BASES, PCWP_NETWORK_HEADER: 'X-Zone' }), [/^PCWP_NETWORK_HEADER: set, but PCWP_TRUST_PROXY is empty/])
  t.match(problemsOf({ ...BASES, PCWP_LANGUAGES: 'en-US,fr-FR', PCWP_DEFAULT_LANGUAGE: 'de-DE' }),
    [/^PCWP_DEFAULT_LANGUAGE: de-DE is not one of the supported languages/])
  t.match(problemsOf({ ...BASES, PCWP_DEFAULT_LANGUAGE: 'xx-YY' }), [/^PCWP_DEFAULT_LANGUAGE: xx-YY is not one of/],
    'the default list applies when PCWP_LANGUAGES is unset')
})

t.test('unknown PCWP_ variables are warned about', async t => {
  const config = loadConfig({ ...BASES, PCWP_BASE_URL_INTERNL: 'x', PCWP_LANGUAGE: 'de-DE', OTHER: '1' })
  t.same(config.warnings, [
    'PCWP_BASE_URL_INTERNL is not a pcwp-links setting and is ignored (a typo?)',
    'PCWP_LANGUAGE is not a pcwp-links setting and is ignored (a typo?)'
  ])
})
