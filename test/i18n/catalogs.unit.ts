import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import {
  BUILT_IN_LOCALES_DIR, CatalogError, loadCatalogs, MESSAGE_KEYS, type CatalogSources
} from '../../src/i18n/index.ts'
import { MESSAGES } from '../../src/i18n/messages.ts'

const LANGUAGES = ['en-US', 'de-DE', 'es-ES', 'fr-FR', 'it-IT', 'ja-JP', 'nl-NL', 'pt-BR', 'zh-CN', 'zh-TW']
const GUID = '61E092C7-89BB-4DC4-A3F5-8C23FA940FAB'

function builtIn (tag: string): Record<string, string> {
  return JSON.parse(readFileSync(join(BUILT_IN_LOCALES_DIR, `${tag}.json`), 'utf8')) as Record<string, string>
}

const EN = builtIn('en-US')

function placeholders (text: string): string[] {
  return [...new Set(Array.from(text.matchAll(/\{([A-Za-z][A-Za-z0-9]*)\}/g), m => m[1] as string))].sort()
}

/** Loads, expecting a CatalogError, and returns its problems. */
function problemsOf (t: Test, sources: CatalogSources): readonly string[] {
  const error = t.throws(() => loadCatalogs(sources), { name: 'CatalogError', code: 'PCWP_LOCALES_INVALID' })
  t.ok(error instanceof CatalogError, 'a CatalogError')
  return (error as CatalogError).problems
}

t.test('the built-in catalogs: ten languages, each with every key and the same placeholders', async t => {
  const catalogs = loadCatalogs({ builtInDir: BUILT_IN_LOCALES_DIR })
  t.same(catalogs.languages, LANGUAGES)
  t.same(Object.keys(EN), MESSAGE_KEYS, 'MESSAGE_KEYS are en-US.json\'s keys, in its order')
  for (const tag of LANGUAGES) {
    const file = builtIn(tag)
    t.same(Object.keys(file), MESSAGE_KEYS, `${tag}: every key, in en-US's order`)
    for (const key of MESSAGE_KEYS) {
      t.same(placeholders(file[key] as string), [...MESSAGES[key]].sort(), `${tag} ${key}: the placeholders of en-US`)
    }
    t.equal(catalogs.text(tag, 'links.title'), file['links.title'], `${tag}: text() gives the file's text`)
    // Technical tokens stay as they are in every language.
    t.match(catalogs.text(tag, 'links.invalid'), `ma-chan://contoso.com/${GUID}`, `${tag}: the room URI example`)
    t.match(catalogs.text(tag, 'error.PCWP_ROOM_URI_MISSING.message'), '/rooms?uri=ma-chan://', `${tag}: the link forms`)
  }
  t.not(catalogs.text('de-DE', 'links.title'), catalogs.text('en-US', 'links.title'), 'German is German')
})

t.test('text fills placeholders verbatim; html escapes the catalog text but not the values', async t => {
  const catalogs = loadCatalogs({ builtInDir: BUILT_IN_LOCALES_DIR })
  t.equal(catalogs.text('en-US', 'retired.titleNamed', { name: 'R&D <team>' }),
    'The chat room “R&D <team>” has been retired')
  t.equal(catalogs.text('de-DE', 'links.status.moved', { target: 'https://x.example/a' }), 'Umgezogen nach https://x.example/a')
  t.equal(catalogs.html('en-US', 'error.code', { code: '<code>NOT_FOUND</code>' }),
    'Error code: <code>NOT_FOUND</code>')
  t.equal(catalogs.html('en-US', 'error.NOT_FOUND.message'), 'There is no page here. Room links look like /rooms/&lt;room GUID&gt; or /rooms/new.')
  t.equal(catalogs.text('en-US', 'error.NOT_FOUND.message'), EN['error.NOT_FOUND.message'])
  t.throws(() => catalogs.text('da-DK', 'links.title'), { name: 'RangeError', message: /^No page catalog for da-DK: expected one of en-US, de-DE, /u })
})

t.test('page language negotiation over the catalogs, en-US by default', async t => {
  const { negotiator } = loadCatalogs({ builtInDir: BUILT_IN_LOCALES_DIR })
  const cases: [string | undefined, string | undefined, string][] = [
    [undefined, 'da, de;q=0.8', 'de-DE'],
    [undefined, 'ja', 'ja-JP'],
    [undefined, 'zh-TW', 'zh-TW'],
    [undefined, 'zh-Hant', 'zh-TW'],
    [undefined, 'zh-CN', 'zh-CN'],
    [undefined, 'zh-Hans', 'zh-CN'],
    [undefined, 'zh', 'zh-CN'],
    [undefined, 'pt', 'pt-BR'],
    [undefined, 'fr-CA, en;q=0.5', 'fr-FR'],
    [undefined, 'xx', 'en-US'],
    [undefined, '*', 'en-US'],
    [undefined, undefined, 'en-US'],
    ['nl-NL', 'de', 'nl-NL'],
    ['da-DK', 'it', 'it-IT']
  ]
  for (const [explicit, header, expected] of cases) {
    t.equal(negotiator(explicit, header), expected, `${String(explicit)} / ${String(header)}`)
  }
})

t.test('an override file replaces the keys it has, key by key', async t => {
  const overrideDir = t.testdir({
    // An editor's byte order mark is accepted; hidden entries (a ConfigMap's ..data) are skipped.
    'de-de.json': '\uFEFF' + JSON.stringify({
      'links.title': 'Links zu Chaträumen',
      'links.status.moved': 'Jetzt unter {target}'
    }),
    '..data': { 'de-DE.json': 'not looked at' },
    '.gitkeep': ''
  })
  const catalogs = loadCatalogs({ builtInDir: BUILT_IN_LOCALES_DIR, overrideDir })
  t.same(catalogs.languages, LANGUAGES)
  t.equal(catalogs.text('de-DE', 'links.title'), 'Links zu Chaträumen')
  t.equal(catalogs.text('de-DE', 'links.status.moved', { target: 'https://x.example/' }), 'Jetzt unter https://x.example/')
  t.equal(catalogs.text('de-DE', 'links.make'), builtIn('de-DE')['links.make'], 'the other German keys stay')
  t.equal(catalogs.text('en-US', 'links.title'), EN['links.title'], 'other languages stay')
})

t.test('a new language in the override directory, with every key', async t => {
  const danish = { ...EN, 'links.title': 'Links til chatrum', 'links.status.moved': '{target} (flyttet) → {target}' }
  const overrideDir = t.testdir({ 'da_dk.json': JSON.stringify(danish) })
  const catalogs = loadCatalogs({ builtInDir: BUILT_IN_LOCALES_DIR, overrideDir })
  t.same(catalogs.languages, ['en-US', 'da-DK', ...LANGUAGES.slice(1)],
    'canonical tag, in alphabetical order after en-US')
  t.equal(catalogs.text('da-DK', 'links.title'), 'Links til chatrum')
  t.equal(catalogs.text('da-DK', 'links.status.moved', { target: 'T' }), 'T (flyttet) → T', 'a placeholder may repeat')
  t.equal(catalogs.negotiator(undefined, 'da, de;q=0.8'), 'da-DK')
})

t.test('file problems name the file and what is expected', async t => {
  const overrideDir = t.testdir({
    'german.json': '{}',
    'de-DE.txt': '{}',
    'de.json': '{}',
    'fr-FR.json': '{"links.title": ',
    'fr_fr.json': '{}',
    'it-IT.json': '[]',
    'ja-JP.json': 'null',
    'nl-NL.json': '"hallo"',
    'pt-BR.json': { 'is-a.txt': 'a directory' }
  })
  const problems = problemsOf(t, { builtInDir: BUILT_IN_LOCALES_DIR, overrideDir })
  const at = (name: string) => join(overrideDir, name)
  t.match(problems, [
    `${at('de-DE.txt')}: not a catalog file name: expected <language>-<REGION>.json, for example de-DE.json`,
    `${at('de.json')}: not a catalog file name: expected <language>-<REGION>.json, for example de-DE.json`,
    new RegExp(`^${at('fr-FR.json').replace(/[.]/g, '\\.')}: not JSON \\(.+\\)$`),
    `${at('fr_fr.json')}: a second catalog for fr-FR in this directory`,
    `${at('german.json')}: not a catalog file name: expected <language>-<REGION>.json, for example de-DE.json`,
    `${at('it-IT.json')}: expected a JSON object of message keys to texts, found an array`,
    `${at('ja-JP.json')}: expected a JSON object of message keys to texts, found null`,
    `${at('nl-NL.json')}: expected a JSON object of message keys to texts, found a string`,
    `${at('pt-BR.json')}: cannot be read (EISDIR)`
  ])
  t.equal(problems.length, 9, 'one problem each')
})

t.test('message problems name the file and the key', async t => {
  const overrideDir = t.testdir({
    'de-DE.json': JSON.stringify({
      'links.tilte': 'Tippfehler',
      'links.title': 42,
      'links.intro': null,
      'links.label': '  ',
      'links.make': { text: 'nested' },
      'links.status.moved': 'Umgezogen',
      'retired.titleNamed': 'Der Chatraum „{raum}“ wurde stillgelegt',
      'links.copy': 'Kopieren {name}',
      'error.code': 'Fehlercode: {code}',
      'contact.line': true
    }),
    'da-DK.json': JSON.stringify(Object.fromEntries(
      Object.entries(EN).filter(([key]) => key !== 'contact.default' && key !== 'links.copy')
    ))
  })
  const de = join(overrideDir, 'de-DE.json')
  t.same(problemsOf(t, { builtInDir: BUILT_IN_LOCALES_DIR, overrideDir }), [
    `${join(overrideDir, 'da-DK.json')}: missing key "links.copy" (a language's first catalog needs every key)`,
    `${join(overrideDir, 'da-DK.json')}: missing key "contact.default" (a language's first catalog needs every key)`,
    `${de}: unknown key "links.tilte" (a typo? the keys are those of en-US.json)`,
    `${de}: key "links.title": expected a non-empty string, found a number`,
    `${de}: key "links.intro": expected a non-empty string, found null`,
    `${de}: key "links.label": expected a non-empty string, found an empty string`,
    `${de}: key "links.make": expected a non-empty string, found an object`,
    `${de}: key "links.status.moved": expected the placeholders {target}, found none`,
    `${de}: key "retired.titleNamed": expected the placeholders {name}, found {raum}`,
    `${de}: key "links.copy": expected no placeholders, found {name}`,
    `${de}: key "contact.line": expected a non-empty string, found a boolean`
  ])
})

t.test('the error lists every problem in its message', async t => {
  const overrideDir = t.testdir({ 'de-DE.json': '{"links.tilte": "x", "links.title": ""}' })
  t.throws(() => loadCatalogs({ builtInDir: BUILT_IN_LOCALES_DIR, overrideDir }), {
    message: `The page catalogs are invalid:\n${join(overrideDir, 'de-DE.json')}: unknown key "links.tilte" (a typo? the keys are those of en-US.json)\n${join(overrideDir, 'de-DE.json')}: key "links.title": expected a non-empty string, found an empty string`
  })
})

t.test('directories: a missing one, and built-ins without en-US', async t => {
  const missing = join(t.testdir({}), 'nowhere')
  t.same(problemsOf(t, { builtInDir: BUILT_IN_LOCALES_DIR, overrideDir: missing }),
    [`${missing}: cannot read the catalog directory (ENOENT)`])
  const builtInDir = t.testdir({ 'de-DE.json': JSON.stringify(builtIn('de-DE')) })
  t.same(problemsOf(t, { builtInDir }), [`${join(builtInDir, 'en-US.json')}: missing: every page falls back to en-US`])
  const broken = t.testdir({ 'en-US.json': '{' })
  t.match(problemsOf(t, { builtInDir: broken }), [/en-US\.json: not JSON/], 'an en-US.json that failed to load is reported once')
  t.equal(problemsOf(t, { builtInDir: broken }).length, 1)
})
