// Every test file that the documentation, the configuration and the code's
// comments name exists, and every test that the documentation quotes:
// SECURITY.md cites the test of each defence, the README, CONTRIBUTING.md,
// docs/ and the deploy recipes the test that exercises them, package.json the
// files tap runs, and a renamed file or test must not leave those pointing at
// nothing. CHANGELOG.md is history and keeps old names. A shipped file the
// documentation shows whole is shown as it is. (Links and anchors between the
// Markdown files are checked by `npm run lint`.)
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import t from 'tap'

const ROOT = new URL('../', import.meta.url)
/** Files read whole, and folders whose text files are read. */
const SCANNED = [
  'README.md', 'SECURITY.md', 'CONTRIBUTING.md', 'Dockerfile', 'docker-compose.yml', 'package.json', '.ci/run',
  'docs', 'deploy', 'src', 'test', 'bench', 'scripts'
]
const TEXT = /\.(?:md|ts|mjs|js|ya?ml|conf|csv|json)$/
const TEST_PATH = /\btest\/[\w./-]+?\.ts\b/g
/** The Markdown files whose quotes of test titles are checked: all but CHANGELOG.md. */
const DOCUMENTS = ['README.md', 'SECURITY.md', 'CONTRIBUTING.md', 'docs']
/** Shipped files that a document shows whole, in a fenced block of the given language. */
const SHOWN_WHOLE = [{ document: 'docs/room-map.md', language: 'csv', file: 'deploy/room-map.example.csv' }]

const read = (path: string): string => readFileSync(new URL(path, ROOT), 'utf8')

/** The files of `paths` (files, or folders read recursively) that `text` accepts, relative to the repository root. */
function filesUnder (paths: readonly string[], text: RegExp): string[] {
  return paths.flatMap(path => {
    const stats = statSync(new URL(path, ROOT), { throwIfNoEntry: false })
    if (stats === undefined) return []
    if (stats.isFile()) return [path]
    return readdirSync(new URL(path, ROOT), { recursive: true, encoding: 'utf8' })
      .filter(name => text.test(name))
      .map(name => `${path}/${name}`)
  })
}

/** Every scanned file, relative to the repository root. */
const scannedFiles = (): string[] => filesUnder(SCANNED, TEXT)

/** The titles a test file gives its `t.test` calls, as written (template placeholders included). */
function testTitles (path: string): string[] {
  return Array.from(read(path).matchAll(/\bt\.test\((['"`])((?:\\.|(?!\1).)*)\1/g), match => (match[2] ?? '').replace(/\\(.)/g, '$1'))
}

/** Whether `title` is a quote of `quote`, where "…" in the quote stands for words left out. */
function quotes (title: string, quote: string): boolean {
  let from = 0
  for (const part of quote.split('…').map(text => text.trim()).filter(text => text !== '')) {
    const at = title.indexOf(part, from)
    if (at === -1) return false
    from = at + part.length
  }
  return true
}

t.test('every test file named in the documentation, configuration and comments exists', async t => {
  const named = new Map<string, string[]>()
  for (const file of scannedFiles()) {
    for (const [path] of read(file).matchAll(TEST_PATH)) {
      named.set(path, [...(named.get(path) ?? []), file])
    }
  }
  t.ok(named.size > 20, `the scan finds the references (${String(named.size)} test files named)`)
  t.ok(named.get('test/runners/io.ts')?.includes('package.json'), 'package.json is read: its tap include names test/runners/io.ts')
  const missing = [...named].filter(([path]) => !existsSync(new URL(path, ROOT)))
    .map(([path, where]) => `${path}, named in ${[...new Set(where)].join(', ')}`)
  t.same(missing, [], 'no name points at a file that is not there')
})

t.test('every test the documentation quotes is in the file it names', async t => {
  const documents = filesUnder(DOCUMENTS, /\.md$/)
  t.ok(documents.includes('CONTRIBUTING.md') && documents.includes('docs/room-map.md'), 'the documents are found')
  // A citation is `test/….ts` "a test's title", possibly shortened with "…", or several.
  const citation = /`(test\/[\w./-]+\.ts)`((?:\s*(?:"[^"]*"|\([^)]*\))[,;]?)*)/g
  const cited = documents.flatMap(document => Array.from(read(document).matchAll(citation))
    .flatMap(([, path = '', titles = '']) =>
      Array.from(titles.matchAll(/"([^"]*)"/g), ([, quote = '']) => ({ document, path, quote }))))
  const fromSecurity = cited.filter(({ document }) => document === 'SECURITY.md').length
  t.ok(fromSecurity > 10, `the scan finds SECURITY.md's quotes (${String(fromSecurity)} of ${String(cited.length)})`)
  t.same(quotes('rejections say what is expected and never echo the input', 'rejections … never echo the input'),
    true, 'a quote may leave words out')
  t.same(quotes('never echo the input', 'echo … never'), false, 'but keeps the order of the words it quotes')
  const missing = cited.filter(({ path, quote }) =>
    !existsSync(new URL(path, ROOT)) || !testTitles(path).some(title => quotes(title, quote)))
  t.same(missing, [], 'no quote names a test that is not there')
})

t.test('a shipped file the documentation shows whole is shown as it is', async t => {
  for (const { document, language, file } of SHOWN_WHOLE) {
    const fenced = `\`\`\`${language}\n${read(file)}\`\`\`\n`
    t.ok(read(document).includes(fenced), `${document} shows ${file} in a fenced ${language} block`)
  }
})
