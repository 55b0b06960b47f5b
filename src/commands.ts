// The pcwp-links command line: build a URL, check a configuration, run the service.
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { pino } from 'pino'
import { ConfigError, loadConfig, type Config } from './config.ts'
import { InvalidValue, parseBoolean, roomMapLocation } from './config-parsers.ts'
import { EXIT_CONFIG, EXIT_DATA, EXIT_UNAVAILABLE, EXIT_USAGE } from './exit-codes.ts'
import {
  buildCreateRoomUrl, buildRoomUrl, canonicalClientLang, NETWORK_ZONES, resolveBaseUrl, PcwpError, type BaseUrl
} from './pcwp/index.ts'
import { parseRoomLink } from './pcwp/room-id.ts'
import { checkRoomMap } from './roommap/check.ts'
import { PROTOCOL_ENTRY, RoomMapError, type RoomMapEntry, type RoomMapErrorCode } from './roommap/index.ts'
import { readRoomMap, shownLocation } from './roommap/source.ts'
import { BUILT_IN_LOCALES_DIR, CatalogError, loadCatalogs } from './i18n/index.ts'
import { runReport } from './report/run.ts'
import { answerRoomLink } from './room-answer.ts'
import { createLanguageMatcher, DEFAULT_LANGUAGES } from './negotiate/language.ts'
import { quote } from './quote.ts'
import { expectedError } from './expected-error.ts'
import { VERSION } from './package-files.ts'

const SAMPLE_ROOM = '61E092C7-89BB-4DC4-A3F5-8C23FA940FAB'

export interface Io {
  readonly out: (text: string) => void
  readonly err: (text: string) => void
  readonly env: NodeJS.ProcessEnv
  readonly stdin: NodeJS.ReadableStream
}

const HELP = {
  main: `Usage: pcwp-links <command> [options]

Persistent Chat Web Protocol (MS-OCGCWEB) room links.

Commands:
  url        print the room management URL for a base URL, language and room,
             or, without --base, what readers in each zone get for a room
  check      show what the service would do with the current environment
  map check  validate a room map file or URL
  report     migration report from access logs
  serve      run the redirect service (the same as npm start)

Options:
  -h, --help     show help (also: pcwp-links <command> --help)
  -v, --version  show the version
`,
  url: `Usage: pcwp-links url --base <URL> --lang <language> [--room <GUID|ma-chan URI>]
       pcwp-links url --room <GUID|ma-chan URI|new> [--lang <language>]

With --base: prints the room management URL exactly as MS-OCGCWEB 2.2 builds it:
the base URL with clientlang (create a room), and id when --room is given.
Without --base: reads the service's environment (PCWP_ROOM_MAP included) and
prints, for each network zone, what a reader gets: the room's new home, retired,
or the MS-OCGCWEB URL.

Options:
  --base <URL>    the room management application's base URL (https, or http)
  --lang <lang>   the client language as a link's ?lang= names it: de-DE, de,
                  any case (without --base: one the service answers in,
                  PCWP_DEFAULT_LANGUAGE when left out)
  --room <room>   a room GUID (braces optional) or ma-chan://<domain>/<GUID>
  -h, --help      show this help

Example:
  pcwp-links url --base https://chat.example.com/PersistentChat/RM/ --lang de-DE \\
    --room ma-chan://contoso.com/61E092C7-89BB-4DC4-A3F5-8C23FA940FAB
`,
  check: `Usage: pcwp-links check

Reads the same environment variables as the service (see
docs/configuration.md), validates them, the page catalogs and the room map,
and prints for each network zone the base URL in use and sample create and
room URLs. With PCWP_SERVERINFO_URL set, fetches the getserverinfo reply once
and shows the override. Exits 78 when the configuration, the catalogs or the
map are invalid, 69 when the room map URL gives no map.

Options:
  -h, --help  show this help
`,
  map: `Usage: pcwp-links map check <FILE|URL>

Validates a room map (CSV or JSON) as the service would, from a file or an
https:// URL, reading PCWP_ALLOW_HTTP, and prints a summary: entries, moved
rooms by target host, retired rooms, or every error with its line. Exits 0
when valid, 65 when not, 69 when the URL gave no map (unreachable, an HTTP
error, not a map's media type).

Options:
  -h, --help  show this help
`,
  serve: `Usage: pcwp-links serve

Runs the redirect service with the configuration in the environment (see
docs/configuration.md). Stops gracefully on SIGTERM or SIGINT.

Options:
  -h, --help  show this help
`
} as const

type Command = Exclude<keyof typeof HELP, 'main'>
type Values = ReturnType<typeof parseArgs>['values']

const OPTIONS: Record<Command, NonNullable<ParseArgsConfig['options']>> = {
  url: {
    base: { type: 'string' }, lang: { type: 'string' }, room: { type: 'string' }, help: { type: 'boolean', short: 'h' }
  },
  check: { help: { type: 'boolean', short: 'h' } },
  map: { help: { type: 'boolean', short: 'h' } },
  serve: { help: { type: 'boolean', short: 'h' } }
}

/** Runs one command line; resolves with the exit code (undefined: `serve` keeps running). */
export async function runCli (argv: readonly string[], io: Io): Promise<number | undefined> {
  const [command, ...rest] = argv
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    io.out(HELP.main)
    return command === undefined ? EXIT_USAGE : 0
  }
  if (command === '-v' || command === '--version') {
    io.out(`${VERSION}\n`)
    return 0
  }
  // The report reads its own options (and files or standard input).
  if (command === 'report') return runReport(rest, io)
  if (!(command in OPTIONS)) return usage(io, `unknown command "${command.slice(0, 40)}"`, 'main')
  const name = command as Command
  let values: Values
  let positionals: string[]
  try {
    ({ values, positionals } = parseArgs({
      args: [...rest], options: OPTIONS[name], strict: true, allowPositionals: name === 'map'
    }))
  } catch (error) {
    return usage(io, (error as Error).message.split('\n')[0] as string, name)
  }
  if (values.help === true) {
    io.out(HELP[name])
    return 0
  }
  if (name === 'url') return typeof values.base === 'string' ? url(values, io) : await readerUrls(values, io)
  if (name === 'check') return check(io)
  if (name === 'map') return mapCheck(positionals, io)
  // The service and the getserverinfo client are loaded only by the commands
  // that use them: the others should not pay for their start-up.
  const { startServer } = await import('./service-process.ts')
  return startServer(io.env)
}

function usage (io: Io, problem: string, help: keyof typeof HELP): number {
  io.err(`pcwp-links: ${problem}\n\n${HELP[help]}`)
  return EXIT_USAGE
}

// `--lang` with --base: matched against the client languages, as the service's default list would match ?lang=.
const matchClientLanguage = createLanguageMatcher({ supported: DEFAULT_LANGUAGES, defaultLanguage: 'en-US' })

function url (values: Values, io: Io): number {
  const { base, lang, room } = values
  if (typeof base !== 'string' || typeof lang !== 'string') return usage(io, 'url --base needs --lang', 'url')
  // Any <language>-<REGION> builds a URL as written, as the protocol allows; `de` is matched as ?lang=de would be.
  const clientlang = canonicalClientLang(lang) ?? matchClientLanguage(lang)
  if (clientlang === undefined) {
    io.err(`pcwp-links: --lang ${quote(lang)} is not a client language; expected <language>-<REGION> such as de-DE, or a language such as de\n`)
    return EXIT_USAGE
  }
  try {
    io.out(`${typeof room === 'string' ? buildRoomUrl(base, clientlang, room) : buildCreateRoomUrl(base, clientlang)}\n`)
    return 0
  } catch (error) {
    // The core's typed errors say what is expected.
    io.err(`pcwp-links: ${expectedError(error, PcwpError).message}\n`)
    return EXIT_USAGE
  }
}

async function mapCheck (positionals: readonly string[], io: Io): Promise<number> {
  const [action, where, ...extra] = positionals
  if (action !== 'check' || where === undefined || extra.length > 0) {
    return usage(io, 'map needs: check <FILE|URL>', 'map')
  }
  const allowHttpText = io.env.PCWP_ALLOW_HTTP?.trim() ?? ''
  const allowHttp = allowHttpText === '' ? false : parseBoolean(allowHttpText)
  if (allowHttp instanceof InvalidValue) {
    io.err(`pcwp-links: PCWP_ALLOW_HTTP: ${allowHttp.reason}; ${allowHttp.expected}\n`)
    return EXIT_USAGE
  }
  // What PCWP_ROOM_MAP accepts.
  const location = roomMapLocation(allowHttp)(where)
  if (location instanceof InvalidValue) {
    io.err(`pcwp-links: map check: the map ${location.reason}; ${location.expected}\n`)
    return EXIT_USAGE
  }
  const { error, text } = await checkRoomMap(location, { allowHttp })
  ;(error === null ? io.out : io.err)(`${text.trimEnd()}\n`)
  return error === null ? 0 : exitCodeOf(error, EXIT_DATA)
}

/** A room map that could not be had: 69 when its URL gave none (worth trying later), else `otherwise`. */
function exitCodeOf (code: RoomMapErrorCode, otherwise: number): number {
  return code === 'PCWP_ROOM_MAP_UNREACHABLE' ? EXIT_UNAVAILABLE : otherwise
}

/** Says why PCWP_ROOM_MAP gave no map (its message lists every problem) and gives the exit code. */
function mapFailed (error: unknown, io: Io, otherwise: number): number {
  const { code, message } = expectedError(error, RoomMapError)
  io.err(`pcwp-links: PCWP_ROOM_MAP: ${message}\n`)
  return exitCodeOf(code, otherwise)
}

/** `url --room` without --base: what a reader in each zone gets, as the service would answer. */
async function readerUrls (values: Values, io: Io): Promise<number> {
  const { room, lang } = values
  if (typeof room !== 'string') return usage(io, 'url needs --base, or --room to read the environment', 'url')
  let id: string | undefined
  try {
    id = room.toLowerCase() === 'new' ? undefined : parseRoomLink(room)
  } catch (error) {
    io.err(`pcwp-links: ${expectedError(error, PcwpError).message}\n`)
    return EXIT_USAGE
  }
  let config: Config
  try {
    config = loadConfig(io.env)
  } catch (error) {
    // Its message lists every problem.
    io.err(`pcwp-links: ${expectedError(error, ConfigError).message}\n`)
    return EXIT_CONFIG
  }
  let entry: RoomMapEntry = PROTOCOL_ENTRY
  if (config.roomMap !== undefined) {
    try {
      const { map } = await readRoomMap(config.roomMap.location, { allowHttp: config.allowHttp })
      entry = id === undefined ? map.forNew() : map.lookup(id)
    } catch (error) {
      return mapFailed(error, io, EXIT_CONFIG)
    }
  }
  // Matched as the service matches a link's ?lang=, among the languages it answers in.
  const clientlang = typeof lang === 'string'
    ? createLanguageMatcher({ supported: config.languages, defaultLanguage: config.defaultLanguage })(lang)
    : config.defaultLanguage
  if (clientlang === undefined) {
    io.err(`pcwp-links: --lang ${quote(String(lang))} is not a language the service answers in; expected one of PCWP_LANGUAGES, such as ${config.defaultLanguage}\n`)
    return EXIT_USAGE
  }
  const lines = NETWORK_ZONES.map(zone => {
    // {lang} is the page language; the CLI has no Accept-Language, so the requested clientlang stands in.
    const answer = answerRoomLink({
      room: id, zone, clientlang, pageLanguage: clientlang, entry, override: undefined, baseUrls: config.baseUrls
    })
    if (answer.kind === 'retired') return `${zone}: retired (410)`
    if (answer.kind === 'disabled') return `${zone}: room management disabled (503)`
    return `${zone}: ${answer.location}${answer.outcome === 'moved' ? ' (moved)' : ''}`
  })
  io.out(lines.join('\n') + '\n')
  return 0
}

async function check (io: Io): Promise<number> {
  let config: Config
  try {
    config = loadConfig(io.env)
  } catch (error) {
    io.err(`pcwp-links: ${expectedError(error, ConfigError).message}\n`)
    return EXIT_CONFIG
  }
  // Each base URL's own path is a legacy path: asked on this service, would its link come straight back?
  const publicHost = config.publicUrl === undefined ? undefined : new URL(config.publicUrl).host
  const loops = publicHost === undefined
    ? []
    : NETWORK_ZONES.filter(zone => {
      const base = config.baseUrls[zone]
      const question = {
        room: SAMPLE_ROOM,
        zone,
        clientlang: config.defaultLanguage,
        pageLanguage: config.defaultLanguage,
        entry: PROTOCOL_ENTRY
      }
      return base !== undefined &&
        answerRoomLink({
          ...question,
          override: undefined,
          baseUrls: config.baseUrls,
          askedAt: { host: publicHost, path: new URL(base.href).pathname }
        }).kind === 'loop'
    })
  if (loops.length > 0) {
    const variables = loops.map(zone => `PCWP_BASE_URL_${zone.toUpperCase()}`).join(', ')
    io.err(`pcwp-links: ${variables}: its host is PCWP_PUBLIC_URL's, this service's own; expected the host that ` +
      'still reaches the room management application (a redirect there would come back here)\n')
    return EXIT_CONFIG
  }
  const lines = [`configuration: valid${config.demo ? ' (demo mode: nothing configured, links lead to the built-in stand-in)' : ''}`]
  for (const warning of config.warnings) lines.push(`warning: ${warning}`)
  // What else stops the service's start: its page catalogs and its room map.
  try {
    loadCatalogs({ builtInDir: BUILT_IN_LOCALES_DIR, overrideDir: config.localesDir })
  } catch (error) {
    io.err(`pcwp-links: ${expectedError(error, CatalogError).message}\n`)
    return EXIT_CONFIG
  }
  if (config.roomMap !== undefined) {
    const { location } = config.roomMap
    try {
      const { map, sha256 } = await readRoomMap(location, { allowHttp: config.allowHttp })
      lines.push(`room map: ${shownLocation(location)}`, `  ${String(map.size)} rooms, sha256 ${sha256}`)
    } catch (error) {
      return mapFailed(error, io, EXIT_CONFIG)
    }
  }
  let override: BaseUrl | undefined
  if (config.serverInfo !== undefined) {
    const { createServerInfoOverride } = await import('./serverinfo/override.ts')
    const source = createServerInfoOverride({
      config: config.serverInfo,
      allowHttp: config.allowHttp,
      publicUrl: config.publicUrl,
      logger: pino({ level: 'silent' })
    })
    await source.refresh()
    await source.stop()
    const state = source.state()
    override = source.current()
    const why = state.lastError === null ? '' : ` (${state.refused ? 'refused' : 'fetch failed'}: ${state.lastError})`
    lines.push(`getserverinfo: ${state.source}`, `  override: ${state.url ?? 'none'}${why}`)
  }
  for (const zone of NETWORK_ZONES) {
    const base = resolveBaseUrl(override, config.baseUrls, zone)
    lines.push(`${zone} readers:`)
    if (base === undefined) {
      lines.push('  room management disabled (no base URL for this zone): links answer 503')
      continue
    }
    lines.push(`  base URL:    ${base.href}${override === undefined ? '' : ' (getserverinfo override)'}`,
      `  create room: ${buildCreateRoomUrl(base, config.defaultLanguage)}`,
      `  view room:   ${buildRoomUrl(base, config.defaultLanguage, SAMPLE_ROOM)}`)
  }
  io.out(lines.join('\n') + '\n')
  return 0
}
