import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { escapeHtml } from '../html-escape.ts'
import { createLanguageNegotiator, type LanguageNegotiator } from '../negotiate/language.ts'
import { canonicalClientLang } from '../pcwp/clientlang.ts'
import { isMessageKey, MESSAGE_KEYS, MESSAGES, type MessageKey, type MessageValues } from './messages.ts'

/** Every page falls back to this language, whose catalog must ship with the package. */
const FALLBACK_LANGUAGE = 'en-US'

export interface CatalogSources {
  /** The package's own catalogs: BUILT_IN_LOCALES_DIR. */
  readonly builtInDir: string
  /** PCWP_LOCALES_DIR: an administrator's corrections and additional languages. */
  readonly overrideDir?: string | undefined
}

export interface Catalogs {
  /** The canonical tags of the catalogs, en-US first, then in alphabetical order. */
  readonly languages: readonly string[]
  /**
   * The text of `key` in `lang` (one of `languages`), placeholders filled with
   * `values` as they are: plain text in, plain text out, to be escaped by the caller.
   */
  text: <K extends MessageKey>(lang: string, key: K, ...values: MessageValues<K>) => string
  /**
   * Like `text`, but as HTML: the catalog text is escaped here and the values,
   * which must already be HTML (a link, `<code>…</code>`), are inserted as they are.
   */
  html: <K extends MessageKey>(lang: string, key: K, ...values: MessageValues<K>) => string
  /** The page language for a request (docs/design.md "Language"): `explicit` is the `lang` query parameter. */
  readonly negotiator: LanguageNegotiator
}

/** The catalogs cannot be used; `problems` says why, one line per problem, each naming its file. */
export class CatalogError extends Error {
  readonly code = 'PCWP_LOCALES_INVALID'
  readonly problems: readonly string[]

  constructor (problems: readonly string[]) {
    super(`The page catalogs are invalid:\n${problems.join('\n')}`)
    this.name = 'CatalogError'
    this.problems = problems
  }
}

// A placeholder is `{name}`; any other brace is text.
const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9]*)\}/g
const FILE_NAME = /^(.*)\.json$/

/**
 * A text split at its placeholders: even indices are text, odd ones are
 * placeholder names (String#split with a capturing group), so filling it is a
 * join, whatever the text holds.
 */
type Template = readonly string[]

interface CatalogFile {
  readonly path: string
  readonly tag: string
  readonly entries: Readonly<Record<string, unknown>>
}

/**
 * Reads and checks the page catalogs once, at start-up. Every file is
 * `<language>-<REGION>.json`, a JSON object of message keys to texts. A
 * language's first catalog (a built-in one, or a new language in the override
 * directory) must have every key, so that no page is half in another language;
 * an override file for a language that already has a catalog replaces just the
 * keys it has. Unknown keys (typos) and texts whose placeholders differ from
 * the key's are errors. Hidden entries (`.…`, such as a Kubernetes ConfigMap's
 * `..data`) are skipped. Throws a {@link CatalogError} listing every problem.
 */
export function loadCatalogs ({ builtInDir, overrideDir }: CatalogSources): Catalogs {
  const problems: string[] = []
  const catalogs = new Map<string, Map<MessageKey, Template>>()
  for (const file of readCatalogDir(builtInDir, problems)) {
    catalogs.set(file.tag, checkedMessages(file, problems, true))
  }
  // Reported only when nothing else is wrong: an en-US.json that failed to load has said so already.
  if (!catalogs.has(FALLBACK_LANGUAGE) && problems.length === 0) {
    problems.push(
      `${join(builtInDir, `${FALLBACK_LANGUAGE}.json`)}: missing: every page falls back to ${FALLBACK_LANGUAGE}`
    )
  }
  if (overrideDir !== undefined) {
    for (const file of readCatalogDir(overrideDir, problems)) {
      const existing = catalogs.get(file.tag)
      const messages = checkedMessages(file, problems, existing === undefined)
      if (existing === undefined) catalogs.set(file.tag, messages)
      else for (const [key, template] of messages) existing.set(key, template)
    }
  }
  if (problems.length > 0) throw new CatalogError(problems)

  const languages = [FALLBACK_LANGUAGE, ...[...catalogs.keys()].filter(tag => tag !== FALLBACK_LANGUAGE).sort()]
  const template = (lang: string, key: MessageKey): Template => {
    const catalog = catalogs.get(lang)
    if (catalog === undefined) throw new RangeError(`No page catalog for ${lang}: expected one of ${languages.join(', ')}`)
    // A catalog is complete once loaded: its first file had every key.
    return catalog.get(key) as Template
  }
  const fill = (
    parts: Template, values: readonly [Readonly<Record<string, string>>?], escape: (text: string) => string
  ): string =>
    parts
      .map((part, i) => i % 2 === 0 ? escape(part) : (values[0] as Readonly<Record<string, string>>)[part] as string)
      .join('')
  const verbatim = (text: string): string => text

  return {
    languages,
    text: (lang, key, ...values) => fill(template(lang, key), values, verbatim),
    html: (lang, key, ...values) => fill(template(lang, key), values, escapeHtml),
    negotiator: createLanguageNegotiator({ supported: languages, defaultLanguage: FALLBACK_LANGUAGE })
  }
}

/** The catalog files of a directory, parsed, in name order; what cannot be read goes to `problems`. */
function readCatalogDir (dir: string, problems: string[]): CatalogFile[] {
  let names: string[]
  try {
    names = readdirSync(dir).filter(name => !name.startsWith('.')).sort()
  } catch (error) {
    problems.push(`${dir}: cannot read the catalog directory (${errorCode(error)})`)
    return []
  }
  const files: CatalogFile[] = []
  const seen = new Set<string>()
  for (const name of names) {
    const path = join(dir, name)
    const tag = canonicalClientLang(FILE_NAME.exec(name)?.[1] ?? '')
    if (tag === undefined) {
      problems.push(`${path}: not a catalog file name: expected <language>-<REGION>.json, for example de-DE.json`)
      continue
    }
    if (seen.has(tag)) {
      problems.push(`${path}: a second catalog for ${tag} in this directory`)
      continue
    }
    seen.add(tag)
    const entries = parseCatalog(path, problems)
    if (entries !== undefined) files.push({ path, tag, entries })
  }
  return files
}

function parseCatalog (path: string, problems: string[]): Readonly<Record<string, unknown>> | undefined {
  let json: unknown
  try {
    // A byte order mark, as some editors write, is not part of the JSON.
    json = JSON.parse(readFileSync(path, 'utf8').replace(/^\uFEFF/, ''))
  } catch (error) {
    problems.push(error instanceof SyntaxError
      ? `${path}: not JSON (${error.message})`
      : `${path}: cannot be read (${errorCode(error)})`)
    return undefined
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    problems.push(`${path}: expected a JSON object of message keys to texts, found ${describe(json)}`)
    return undefined
  }
  return json as Record<string, unknown>
}

/**
 * The valid messages of a file as templates; each invalid one adds a problem.
 * `complete`: the file is its language's first catalog and needs every key.
 */
function checkedMessages (
  { path, entries }: CatalogFile, problems: string[], complete: boolean
): Map<MessageKey, Template> {
  const messages = new Map<MessageKey, Template>()
  for (const [key, value] of Object.entries(entries)) {
    if (!isMessageKey(key)) {
      problems.push(`${path}: unknown key "${key}" (a typo? the keys are those of ${FALLBACK_LANGUAGE}.json)`)
    } else if (typeof value !== 'string' || value.trim() === '') {
      problems.push(`${path}: key "${key}": expected a non-empty string, found ${describe(value)}`)
    } else {
      const expected = placeholderList(MESSAGES[key])
      const found = placeholderList(Array.from(value.matchAll(PLACEHOLDER), match => match[1] as string))
      if (found === expected) messages.set(key, value.split(PLACEHOLDER))
      else problems.push(`${path}: key "${key}": expected ${expected === 'none' ? 'no placeholders' : `the placeholders ${expected}`}, found ${found}`)
    }
  }
  if (complete) {
    for (const key of MESSAGE_KEYS) {
      if (!Object.hasOwn(entries, key)) problems.push(`${path}: missing key "${key}" (a language's first catalog needs every key)`)
    }
  }
  return messages
}

/** A set of placeholder names as the messages print it: `{a}, {b}` or `none`. */
function placeholderList (names: readonly string[]): string {
  const unique = [...new Set(names)].sort()
  return unique.length === 0 ? 'none' : unique.map(name => `{${name}}`).join(', ')
}

function describe (value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'string') return value.trim() === '' ? 'an empty string' : 'a string'
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`
}

function errorCode (error: unknown): string {
  return String((error as NodeJS.ErrnoException).code)
}
