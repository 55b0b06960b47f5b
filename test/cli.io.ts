// The pcwp-links command line: every command, option and error.
import { execFile, spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { Readable } from 'node:stream'
import t from 'tap'
import { runCli } from '../src/commands.ts'
import { EXIT_CONFIG, EXIT_DATA, EXIT_UNAVAILABLE, EXIT_USAGE } from '../src/exit-codes.ts'
import { VERSION } from '../src/package-files.ts'
import { ROOM } from './fixtures/app.ts'
import { listeningPort } from './fixtures/service.ts'
import { digest, mapFile } from './fixtures/room-map.ts'
import { serve, status, upstream, xccosReply } from './fixtures/upstream.ts'

async function cli (
  argv: string[],
  env: NodeJS.ProcessEnv = {},
  stdin: NodeJS.ReadableStream = Readable.from([])
): Promise<{ code: number | undefined, out: string, err: string }> {
  let out = ''
  let err = ''
  const code = await runCli(argv, { out: text => { out += text }, err: text => { err += text }, env, stdin })
  return { code, out, err }
}

const MOVED = '0B8E2D4A-1C3F-4E5A-9B7D-2F6A8C0E1D3B'
const RETIRED = 'A1B2C3D4-E5F6-4789-ABCD-EF0123456789'
const MAP = `room,target,name,note\n${MOVED},https://teams.example.com/channel?room={id}&lang={lang},Trading,\n${RETIRED},retired,Old room,Gone\n`

t.test('map check: a summary and exit 0 for a valid map; every error with its line and exit 65; usage errors exit 2', async t => {
  const good = await mapFile(t, 'rooms.csv', MAP)
  const ok = await cli(['map', 'check', good])
  t.equal(ok.code, 0)
  t.match(ok.out, /entries/)
  t.match(ok.out, /teams\.example\.com/)
  const bad = await mapFile(t, 'bad.csv', `room,target\nnot-a-room,https://x.example/\n${MOVED},javascript:alert(1)\n`)
  const refused = await cli(['map', 'check', bad])
  t.equal(refused.code, EXIT_DATA)
  t.match(refused.err, /line 2/)
  t.match(refused.err, /line 3/)
  t.equal((await cli(['map', 'check', good], { PCWP_ALLOW_HTTP: 'http://yes' })).code, EXIT_USAGE, 'PCWP_ALLOW_HTTP is validated')
  const httpMap = await mapFile(t, 'http.csv', `room,target\n${MOVED},http://plain.example/\n`)
  t.equal((await cli(['map', 'check', httpMap])).code, EXIT_DATA, 'http refused by default')
  t.equal((await cli(['map', 'check', httpMap], { PCWP_ALLOW_HTTP: 'true' })).code, 0,
    'and allowed with PCWP_ALLOW_HTTP=true')
  for (const argv of [['map'], ['map', 'check'], ['map', 'list', good], ['map', 'check', good, 'extra']]) {
    t.equal((await cli(argv)).code, EXIT_USAGE, argv.join(' '))
  }
  t.match((await cli(['map', '--help'])).out, /Usage: pcwp-links map check/)
})

t.test('map check <URL>: what PCWP_ROOM_MAP accepts; exit 69 when the URL gives no map', async t => {
  const server = await upstream(t, serve(MAP, 'text/csv'))
  const url = new URL('/maps/rooms?sig=SECRET', server.url)
  const ok = await cli(['map', 'check', url.href])
  t.equal(ok.code, 0)
  t.match(ok.out, new RegExp(`^${url.origin}/maps/rooms: valid\nentries: 2\n`))
  t.notMatch(ok.out, 'SECRET', 'the query is not shown')
  server.behave(serve(`room,target\n${MOVED},nowhere\n`, 'text/csv'))
  t.match(await cli(['map', 'check', url.href]), { code: EXIT_DATA, err: /: invalid, 1 error\nline 2, target: / })
  server.behave(status(503))
  t.match(await cli(['map', 'check', url.href]), { code: EXIT_UNAVAILABLE, err: /: unreachable, 1 error\nthe server answered HTTP 503\n$/ })
  t.match(await cli(['map', 'check', 'http://maps.corp.example/rooms.csv']),
    { code: EXIT_USAGE, err: /^pcwp-links: map check: the map plain http:\/\/ is refused .*; expected https:\/\/, or set PCWP_ALLOW_HTTP=true/ })
  t.match(await cli(['map', 'check', 'rooms.txt']), { code: EXIT_USAGE, err: /does not name a \.csv or \.json file/ })
})

t.test('url --room without --base: what a reader in each zone gets under the environment, room map included', async t => {
  const path = await mapFile(t, 'rooms.csv', MAP)
  const env = { PCWP_BASE_URL_INTERNAL: 'https://pool.corp.example/rm/', PCWP_ROOM_MAP: path }
  t.same(await cli(['url', '--room', MOVED, '--lang', 'de-de'], env), {
    code: 0, err: '', out: `internal: https://teams.example.com/channel?room=${MOVED}&lang=de-DE (moved)\nexternal: https://teams.example.com/channel?room=${MOVED}&lang=de-DE (moved)\n`
  })
  t.same(await cli(['url', '--room', `{${RETIRED.toLowerCase()}}`], env), {
    code: 0, err: '', out: 'internal: retired (410)\nexternal: retired (410)\n'
  })
  const other = '11111111-2222-4333-8444-555555555555'
  t.same(await cli(['url', '--room', `ma-chan://contoso.com/${other}`], env), {
    code: 0, err: '', out: `internal: https://pool.corp.example/rm/?clientlang=en-US&id=${other}\nexternal: room management disabled (503)\n`
  })
  t.same(await cli(['url', '--room', 'new'], env), { code: 0, err: '', out: 'internal: https://pool.corp.example/rm/?clientlang=en-US\nexternal: room management disabled (503)\n' })
  const server = await upstream(t, serve(MAP, 'text/csv'))
  t.same(await cli(['url', '--room', RETIRED], { ...env, PCWP_ROOM_MAP: new URL('/rooms', server.url).href }), {
    code: 0, err: '', out: 'internal: retired (410)\nexternal: retired (410)\n'
  }, 'a map at a URL is read too')
  server.behave(status(503))
  t.match(await cli(['url', '--room', RETIRED], { ...env, PCWP_ROOM_MAP: new URL('/rooms', server.url).href }), {
    code: EXIT_UNAVAILABLE, out: '', err: /^pcwp-links: PCWP_ROOM_MAP: PCWP_ROOM_MAP_UNREACHABLE: .*\nthe server answered HTTP 503\n$/
  }, 'one that gives no map: 69, as for check and map check')
  t.equal((await cli(['url', '--room', 'nope'], env)).code, EXIT_USAGE)
  t.equal((await cli(['url', '--room', MOVED, '--lang', 'english'], env)).code, EXIT_USAGE)
  t.equal((await cli(['url', '--lang', 'en-US'], env)).code, EXIT_USAGE)
  t.equal((await cli(['url', '--base', 'https://x.example/'], env)).code, EXIT_USAGE, '--base needs --lang')
  t.equal((await cli(['url', '--room', MOVED], { ...env, PCWP_ALLOW_HTTP: 'yes' })).code, EXIT_CONFIG,
    'a bad environment')
  const broken = await mapFile(t, 'broken.csv', 'room,target\nx,y\n')
  t.equal((await cli(['url', '--room', MOVED], { ...env, PCWP_ROOM_MAP: broken })).code, EXIT_CONFIG, 'a bad map')
})

t.test('check fails when a base URL\'s host is PCWP_PUBLIC_URL\'s: the redirect would come back here', async t => {
  const looping = await cli(['check'], { PCWP_BASE_URL_INTERNAL: 'https://chat-links.corp.example/PersistentChat/RM/', PCWP_PUBLIC_URL: 'https://chat-links.corp.example' })
  t.equal(looping.code, EXIT_CONFIG)
  t.match(looping.err, /PCWP_BASE_URL_INTERNAL: its host is PCWP_PUBLIC_URL's/)
  const fine = await cli(['check'], { PCWP_BASE_URL_INTERNAL: 'https://pool.corp.example/PersistentChat/RM/', PCWP_PUBLIC_URL: 'https://chat-links.corp.example' })
  t.equal(fine.code, 0)
})

t.test('report reads access lines from standard input', async t => {
  const line = JSON.stringify({
    level: 30,
    time: Date.parse('2026-11-01T10:00:00Z'),
    reqId: 'r',
    method: 'GET',
    url: `/rooms/${MOVED}`,
    status: 302,
    ms: 1,
    kind: 'room',
    zone: 'internal',
    lang: 'en-US',
    outcome: 'pcwp',
    room: MOVED,
    client: '10.9.8.7',
    msg: 'request'
  })
  const { code, out } = await cli(['report', '--format', 'json'], {}, Readable.from([`${line}\n`]))
  t.equal(code, 0)
  t.match(out, MOVED)
  t.notMatch(out, /10\.9\.8\.7/, 'never a client address')
  t.equal((await cli(['report', '--since', 'yesterday'])).code, EXIT_USAGE)
})

t.test('url builds exactly what MS-OCGCWEB section 4 shows', async t => {
  t.same(await cli(['url', '--base', 'http://example.com/rm/', '--lang', 'en-US']), { code: 0, out: 'http://example.com/rm/?clientlang=en-US\n', err: '' })
  t.same(await cli(['url', '--base', 'http://example.com/rm/', '--lang', 'de-DE', '--room', ROOM]),
    { code: 0, out: `http://example.com/rm/?clientlang=de-DE&id=${ROOM}\n`, err: '' })
  t.same((await cli(['url', '--base', 'http://example.com/rm/?extensionparam=value', '--lang', 'en-US'])).out,
    'http://example.com/rm/?extensionparam=value&clientlang=en-US\n')
  t.same((await cli(['url', '--lang=de-de', '--base=https://h/rm/', `--room=ma-chan://contoso.com/${ROOM.toLowerCase()}`])).out,
    `https://h/rm/?clientlang=de-DE&id=${ROOM}\n`, '--option=value form, any spelling of the room')
})

t.test('url --lang takes what a link\'s ?lang= takes (de, de-DE, any case), with the same result', async t => {
  const base = ['url', '--base', 'https://h/rm/']
  const languages: [string, string][] = [
    ['de', 'de-DE'], ['DE-de', 'de-DE'], ['de-at', 'de-AT'], ['zh-Hant', 'zh-TW'], ['pt', 'pt-BR'], ['xx-yy', 'xx-YY']
  ]
  for (const [lang, clientlang] of languages) {
    t.same(await cli([...base, '--lang', lang]), { code: 0, out: `https://h/rm/?clientlang=${clientlang}\n`, err: '' },
      `--base --lang ${lang}: any <language>-<REGION> builds, as the protocol allows`)
  }
  const env = { PCWP_BASE_URL_INTERNAL: 'https://pool.corp.example/rm/', PCWP_LANGUAGES: 'fr-FR,de-CH,de-DE' }
  const internal = async (argv: string[]): Promise<string | undefined> =>
    (await cli(['url', '--room', 'new', ...argv], env)).out.split('\n')[0]
  t.equal(await internal(['--lang', 'de']), 'internal: https://pool.corp.example/rm/?clientlang=de-DE', 'de: the language\'s likely region')
  t.equal(await internal(['--lang', 'DE-ch']), 'internal: https://pool.corp.example/rm/?clientlang=de-CH')
  t.equal(await internal([]), 'internal: https://pool.corp.example/rm/?clientlang=fr-FR', 'none: PCWP_DEFAULT_LANGUAGE (the first listed)')
  const unsupported = await cli(['url', '--room', 'new', '--lang', 'ja'], env)
  t.equal(unsupported.code, EXIT_USAGE, 'a language the service does not answer in')
  t.equal(unsupported.err, 'pcwp-links: --lang "ja" is not a language the service answers in; expected one of PCWP_LANGUAGES, such as fr-FR\n')
})

t.test('url: bad input is a message on stderr and exit code 2', async t => {
  const cases: [string[], RegExp][] = [
    [['url', '--base', 'https://h/rm/', '--lang', 'english'], /<language>-<REGION>/],
    [['url', '--base', 'https://h/rm/', '--lang', 'en-US', '--room', 'nope'], /GUID/],
    [['url', '--base', 'ftp://h/', '--lang', 'en-US'], /absolute https:\/\/ or http:\/\/ URL/],
    [['url', '--base', 'https://h/rm/?id=1', '--lang', 'en-US'], /"id" parameter/],
    [['url', '--lang', 'en-US'], /url needs --base, or --room to read the environment/],
    [['url', '--base', 'https://h/'], /url --base needs --lang/],
    [['url', '--base'], /--base/],
    [['url', '--bogus'], /Unknown option '--bogus'/],
    [['url', 'stray'], /positional/]
  ]
  for (const [argv, message] of cases) {
    const result = await cli(argv)
    t.equal(result.code, EXIT_USAGE, argv.join(' '))
    t.equal(result.out, '', 'nothing on stdout')
    t.match(result.err, message, argv.join(' '))
    t.match(result.err, /^pcwp-links: /)
  }
})

t.test('help and version', async t => {
  const main = await cli(['--help'])
  t.equal(main.code, 0)
  t.match(main.out, /^Usage: pcwp-links <command>/)
  t.match(main.out, /url .*\n(.*\n)*.*check .*\n.*map check .*\n.*report .*\n.*serve /)
  t.equal((await cli(['help'])).code, 0)
  t.equal((await cli(['-h'])).code, 0)
  const none = await cli([])
  t.equal(none.code, EXIT_USAGE, 'no command: usage, exit 2')
  t.match(none.out, /^Usage/)
  for (const command of ['url', 'check', 'serve']) {
    const help = await cli([command, '--help'])
    t.equal(help.code, 0)
    t.match(help.out, new RegExp(`^Usage: pcwp-links ${command}`))
    t.equal((await cli([command, '-h'])).code, 0)
  }
  t.same(await cli(['--version']), { code: 0, out: `${VERSION}\n`, err: '' })
  t.same((await cli(['-v'])).out, `${VERSION}\n`)
  const unknown = await cli(['launch'])
  t.equal(unknown.code, EXIT_USAGE)
  t.match(unknown.err, /unknown command "launch"/)
  t.equal((await cli(['check', '--fast'])).code, EXIT_USAGE)
})

t.test('check shows each zone', async t => {
  const result = await cli(['check'], {
    PCWP_BASE_URL_INTERNAL: 'https://pool.corp.example/rm/',
    PCWP_DEFAULT_LANGUAGE: 'de-DE',
    PCWP_TYPO: 'x'
  })
  t.equal(result.code, 0)
  t.equal(result.out, `configuration: valid
warning: PCWP_TYPO is not a pcwp-links setting and is ignored (a typo?)
internal readers:
  base URL:    https://pool.corp.example/rm/
  create room: https://pool.corp.example/rm/?clientlang=de-DE
  view room:   https://pool.corp.example/rm/?clientlang=de-DE&id=${ROOM}
external readers:
  room management disabled (no base URL for this zone): links answer 503
`)
  const demo = await cli(['check'], {})
  t.match(demo.out, /^configuration: valid \(demo mode/)
  t.match(demo.out, /create room: \/demo\/rm\/\?clientlang=en-US/)
})

t.test('check fetches the getserverinfo override once', async t => {
  const server = await upstream(t, serve(xccosReply('roomManagementUrl="https://chatadmin.contoso.com/rooms/"')))
  const result = await cli(['check'], { PCWP_BASE_URL_EXTERNAL: 'https://chat.example.com/rm/', PCWP_SERVERINFO_URL: server.url })
  t.equal(result.code, 0)
  t.match(result.out, `getserverinfo: ${server.url}\n  override: https://chatadmin.contoso.com/rooms/\n`)
  t.match(result.out, /internal readers:\n {2}base URL: {4}https:\/\/chatadmin\.contoso\.com\/rooms\/ \(getserverinfo override\)/)
  t.equal(server.requests.length, 1)
  await server.close()
  const failing = await cli(['check'], { PCWP_BASE_URL_EXTERNAL: 'https://chat.example.com/rm/', PCWP_SERVERINFO_URL: server.url })
  t.match(failing.out, /override: none \(fetch failed: PCWP_SERVERINFO_UNREACHABLE: the upstream could not be read \(ECONNREFUSED\)\)/)
  t.match(failing.out, /external readers:\n {2}base URL: {4}https:\/\/chat\.example\.com\/rm\/\n/)
})

t.test('check reports an override that names this service: refused, the configured base URLs answer', async t => {
  const server = await upstream(t, serve(xccosReply('roomManagementUrl="https://links.example.com/rm/"')))
  const result = await cli(['check'], {
    PCWP_BASE_URL_EXTERNAL: 'https://chat.example.com/rm/', PCWP_SERVERINFO_URL: server.url, PCWP_PUBLIC_URL: 'https://links.example.com'
  })
  t.equal(result.code, 0)
  t.match(result.out, /override: none \(refused: PCWP_SERVERINFO_SELF: the reply's roomManagementUrl is on this service's own host/)
  t.match(result.out, /external readers:\n {2}base URL: {4}https:\/\/chat\.example\.com\/rm\/\n/)
})

t.test('check reads the room map and the page catalogs as the service would', async t => {
  const path = await mapFile(t, 'rooms.csv', MAP)
  const env = { PCWP_BASE_URL_INTERNAL: 'https://pool.corp.example/rm/' }
  const good = await cli(['check'], { ...env, PCWP_ROOM_MAP: path })
  t.equal(good.code, 0)
  t.match(good.out, `\nroom map: ${path}\n  2 rooms, sha256 ${digest(MAP)}\n`)
  const bad = await mapFile(t, 'bad.csv', `room,target\n${MOVED},nowhere\n`)
  t.match(await cli(['check'], { ...env, PCWP_ROOM_MAP: bad }),
    { code: EXIT_CONFIG, out: '', err: /^pcwp-links: PCWP_ROOM_MAP: PCWP_ROOM_MAP_INVALID: .*bad\.csv: 1 problem\nline 2, target: / })
  const server = await upstream(t, status(503))
  t.match(await cli(['check'], { ...env, PCWP_ROOM_MAP: new URL('/rooms?sig=SECRET', server.url).href }), {
    code: EXIT_UNAVAILABLE, out: '', err: /^pcwp-links: PCWP_ROOM_MAP: PCWP_ROOM_MAP_UNREACHABLE: http:\/\/127\.0\.0\.1:\d+\/rooms: 1 problem\nthe server answered HTTP 503\n$/
  })
  server.behave(serve(MAP, 'text/csv'))
  t.match((await cli(['check'], { ...env, PCWP_ROOM_MAP: new URL('/rooms?sig=SECRET', server.url).href })).out,
    /\nroom map: http:\/\/127\.0\.0\.1:\d+\/rooms\n {2}2 rooms, sha256 [0-9a-f]{64}\n/, 'a URL without its query')
  const locales = await mkdtemp(join(tmpdir(), 'pcwp-cli-locales-'))
  t.teardown(() => rm(locales, { recursive: true, force: true }))
  await writeFile(join(locales, 'de-DE.json'), '{"links.titel": "Tippfehler"}')
  t.match(await cli(['check'], { ...env, PCWP_LOCALES_DIR: locales }),
    { code: EXIT_CONFIG, out: '', err: /^pcwp-links: The page catalogs are invalid:\n.*de-DE\.json.*links\.titel/ })
})

t.test('check: bad configuration gives the service\'s messages and exit 78', async t => {
  const result = await cli(['check'], { PORT: 'x', PCWP_BASE_URL_INTERNAL: 'http://h/' })
  t.equal(result.code, EXIT_CONFIG)
  t.match(result.err, /^pcwp-links: Invalid configuration:\n {2}- PCWP_BASE_URL_INTERNAL: .*\n {2}- PORT: /)
})

t.test('the installed command runs serve and stops on SIGTERM', async t => {
  // process.execArgv carries the TypeScript hooks and tap's coverage hooks.
  const entry = fileURLToPath(new URL('../src/cli.ts', import.meta.url))
  const child = spawn(process.execPath, [...process.execArgv, entry, 'serve'], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', PCWP_BASE_URL_EXTERNAL: 'https://chat.example.com/rm/' },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const exited = new Promise<number | null>(resolve => child.once('exit', resolve))
  // The two short commands start meanwhile: each process spends most of its time starting.
  const usage = spawn(process.execPath, [...process.execArgv, entry, 'url', '--lang', 'en-US'], {
    stdio: ['ignore', 'ignore', 'pipe']
  })
  const usageExited = new Promise(resolve => usage.once('exit', resolve))
  const printed = spawn(process.execPath, [...process.execArgv, entry, '--version'], {
    stdio: ['ignore', 'pipe', 'inherit']
  })
  let out = ''
  printed.stdout.on('data', (chunk: Buffer) => { out += chunk.toString() })
  const printedExited = new Promise(resolve => printed.once('exit', resolve))
  await listeningPort(child, 'pcwp-links serve')
  child.kill('SIGTERM')
  t.equal(await exited, 0)
  t.equal(await usageExited, EXIT_USAGE, 'exit codes reach the shell')
  t.equal(await printedExited, 0)
  t.equal(out, `${VERSION}\n`, 'output reaches stdout')
})

t.test('the built command (npm ci builds it) is executable: a shell or npx runs it by its #! line', async t => {
  const command = fileURLToPath(new URL('../dist/cli.js', import.meta.url))
  t.equal((await stat(command)).mode & 0o777, 0o755, 'rwxr-xr-x, as scripts/bundle.ts leaves it')
  t.equal((await readFile(command, 'utf8')).split('\n', 1)[0], '#!/usr/bin/env node')
  // `env node` finds this very node first.
  const env = { ...process.env, PATH: [dirname(process.execPath), process.env.PATH].join(delimiter) }
  const { stdout } = await promisify(execFile)(command, ['--version'], { env })
  t.equal(stdout, `${VERSION}\n`)
})
