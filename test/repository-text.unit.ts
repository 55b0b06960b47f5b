// The repository's own text keeps the citation rules of docs/design.md
// "Tests" and "MS-OCGCWEB sections cited":
// - the protocol is named by its published name only: the old, wrong name
//   appears nowhere, in any case;
// - code, tests, documents, benchmarks, scripts and deployment files cite the
//   project's own files, never the product contract or the research notes
//   kept beside the project, nor the folder beside the checkout that holds
//   them; test/fixtures/hostile-corpus.ts alone reads the hostile corpus there;
// - every specification section cited is one that docs/design.md lists;
// - every section of docs/design.md cited by name is one of its headings.
// The needles are built from pieces, so that this file passes its own scan;
// each scanner is first shown a bad sample, so that every check can fail.
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import t from 'tap'

const ROOT = new URL('../', import.meta.url)
const DESIGN_RECORD = 'docs/design.md'
/** Folders whose files must cite nothing outside the repository. */
const CITING_FOLDERS = ['src/', 'test/', 'docs/', 'bench/', 'scripts/', 'deploy/']
/** The one file that may name the folder beside the checkout: it finds the hostile corpus there. */
const OUTSIDE_READER = 'test/fixtures/hostile-corpus.ts'
/** Never part of the repository's text, for a checkout without git. */
const NOT_SOURCE = new Set(['node_modules', 'dist', '.tap', '.git', 'coverage', 'test-output'])

const PROTOCOL = 'MS-OCGCWEB'
const OLD_NAME = ['MS', 'PCWP'].join('-')
const DESIGN_WORD = ['DESI', 'GN'].join('')
const NOTES_FILE = ['xccos', 'md'].join('.')
const SHARED_FOLDER = ['sha', 'red'].join('')

/** One finding: the line it is on (1-based) and what was found there. */
interface Finding {
  readonly line: number
  readonly text: string
}

/** A finding in a file, as a failure lists it. */
interface Located extends Finding {
  readonly path: string
}

/** Every match of `pattern` (a global regular expression) in `text`, with its line. */
function matches (
  text: string, pattern: RegExp, what: (match: RegExpExecArray) => string = match => match[0]
): Finding[] {
  return Array.from(text.matchAll(pattern), match => ({ line: lineOf(text, match.index), text: what(match) }))
}

function lineOf (text: string, index: number): number {
  let line = 1
  for (let at = text.indexOf('\n'); at !== -1 && at < index; at = text.indexOf('\n', at + 1)) line++
  return line
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** (a) The old protocol name, in any case. */
function oldNameFindings (text: string): Finding[] {
  return matches(text, new RegExp(escapeRegExp(OLD_NAME), 'gi'))
}

// The contract cited by name (`….md`, or its word and a quoted section), the
// research notes, and paths into the folder beside the checkout.
const OUTSIDE = new RegExp([
  String.raw`\b${DESIGN_WORD}(?:\.md\b| ")`,
  String.raw`\b${escapeRegExp(NOTES_FILE)}\b`,
  String.raw`\.\./${SHARED_FOLDER}\b`,
  String.raw`\b${SHARED_FOLDER}/`
].join('|'), 'g')

/** (b) Citations of documents that live outside the repository. */
function outsideFindings (text: string): Finding[] {
  return matches(text, OUTSIDE)
}

const SECTION = String.raw`\d+(?:\.\d+)*`
const SEPARATOR = String.raw`\s*(?:,|/|and)\s*`
// The name, bracketed or not, an optional "section", then one section number
// or a list of them joined by ",", "/" or "and".
const CITATION = new RegExp(
  String.raw`\[?${escapeRegExp(PROTOCOL)}\]?\s+(?:sections?\s+)?(${SECTION}(?:${SEPARATOR}${SECTION})*)`,
  'g'
)

/** (c) The specification's sections cited, one finding per section number. */
function citedSections (text: string): Finding[] {
  return matches(text, CITATION, match => match[1] ?? '')
    .flatMap(({ line, text: list }) => list.split(new RegExp(SEPARATOR)).map(section => ({ line, text: section })))
}

/**
 * The "sections cited" table of the design record: section number to title,
 * from the first table under the heading that ends in "sections cited".
 * Empty when there is no such heading or table.
 */
function sectionsTable (markdown: string): Map<string, string> {
  const table = new Map<string, string>()
  const lines = markdown.split('\n')
  const heading = lines.findIndex(line => /^#{2,6}\s+.*\bsections cited\s*$/i.test(line))
  if (heading === -1) return table
  for (const line of lines.slice(heading + 1)) {
    if (/^#{1,6}\s/.test(line)) break
    const row = new RegExp(String.raw`^\|\s*(${SECTION})\s*\|\s*([^|]*?)\s*\|\s*$`).exec(line)
    if (row !== null) table.set(row[1] as string, row[2] as string)
  }
  return table
}

// A citation of the design record: its path, then one or more section names
// in quotes, separated by commas, possibly after a comment's line break.
const RECORD_CITATION = new RegExp(
  String.raw`${escapeRegExp(DESIGN_RECORD)}(?:\s|\*|//)*((?:"[^"\n]+"(?:,\s*)?)+)`,
  'g'
)

/** The sections of the design record cited by name. */
function recordSectionsCited (text: string): Finding[] {
  return matches(text, RECORD_CITATION, match => match[1] ?? '')
    .flatMap(({ line, text: names }) => Array.from(names.matchAll(/"([^"]+)"/g), ([, name = '']) => ({ line, text: name })))
}

/** The headings of a Markdown page, without their marks. */
function headings (markdown: string): Set<string> {
  return new Set(Array.from(markdown.matchAll(/^#{1,6}\s+(.+?)\s*$/gm), ([, heading = '']) => heading))
}

/** The repository's files, relative to its root: what git tracks or would track, else a walk of the tree. */
function repositoryFiles (): string[] {
  try {
    const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
      cwd: fileURLToPath(ROOT), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024
    })
    return [...new Set(listed.split('\0').filter(path => path !== ''))].sort()
  } catch {
    return walk('')
  }
}

function walk (folder: string): string[] {
  return readdirSync(new URL(folder, ROOT), { withFileTypes: true })
    .filter(entry => !NOT_SOURCE.has(entry.name))
    .flatMap(entry => entry.isDirectory()
      ? walk(`${folder}${entry.name}/`)
      : entry.isFile() ? [`${folder}${entry.name}`] : [])
    .sort()
}

/** The file's bytes, or undefined when it is listed but gone (deleted, or a test's temporary file). */
function readIfThere (path: string): Buffer | undefined {
  try {
    return readFileSync(new URL(path, ROOT))
  } catch {
    return undefined
  }
}

/** The text of every text file there is (a file with a NUL byte is binary). */
function repositoryTexts (): Map<string, string> {
  const texts = new Map<string, string>()
  for (const path of repositoryFiles()) {
    const bytes = readIfThere(path)
    if (bytes !== undefined && !bytes.subarray(0, 8192).includes(0)) texts.set(path, bytes.toString('utf8'))
  }
  return texts
}

const locate = (path: string, findings: readonly Finding[]): Located[] =>
  findings.map(finding => ({ path, ...finding }))
const listed = (found: readonly Located[]): string[] =>
  found.map(({ path, line, text }) => `${path}:${String(line)}: ${text}`)

const TEXTS = repositoryTexts()

t.test('the repository is read: tracked text files, this one and the design record among them', async t => {
  t.ok(TEXTS.size > 100, `${String(TEXTS.size)} text files`)
  t.ok(TEXTS.has('test/repository-text.unit.ts'), 'this file is scanned too')
  t.ok(TEXTS.has(DESIGN_RECORD), 'the design record is there')
  t.notOk([...TEXTS.keys()].some(path => path.startsWith('node_modules/')), 'installed packages are not read')
})

t.test(`the old protocol name appears nowhere, in any case (the protocol is ${PROTOCOL})`, async t => {
  t.same(oldNameFindings(`see ${OLD_NAME.toLowerCase()} 2.2\nand ${OLD_NAME}`), [
    { line: 1, text: OLD_NAME.toLowerCase() },
    { line: 2, text: OLD_NAME }
  ], 'the scanner finds the old name in any case, on its line')
  t.same(oldNameFindings(`${PROTOCOL} and pcwp-links, PCWP_ROOM_MAP`), [],
    'the published name and the project\'s own PCWP words pass')
  const found = [...TEXTS].flatMap(([path, text]) => locate(path, oldNameFindings(text)))
  t.same(listed(found), [], 'no file names the protocol by the old name')
})

t.test('code, tests, documents and tools cite the project\'s own files, not documents kept outside it', async t => {
  const samples = [
    `// (${DESIGN_WORD}.md "Room map")`,
    `// (${DESIGN_WORD} "Room map")`,
    `the languages (research/${NOTES_FILE})`,
    `new URL('../../${SHARED_FOLDER}/corpus/hostile/', import.meta.url)`,
    `beside the checkout (../${SHARED_FOLDER})`,
    `/work/${SHARED_FOLDER}/spec`
  ]
  for (const sample of samples) t.equal(outsideFindings(sample).length, 1, `the scanner finds ${sample}`)
  t.same(outsideFindings('// (docs/design.md "Room map"), a shared process, DESIGN_NOTES, shared_folder/'), [],
    'the project\'s own design record and other words pass')
  t.ok(outsideFindings(TEXTS.get(OUTSIDE_READER) ?? '').length > 0, `${OUTSIDE_READER} is the exception the scan would otherwise catch`)
  const found = [...TEXTS]
    .filter(([path]) => CITING_FOLDERS.some(folder => path.startsWith(folder)) && path !== OUTSIDE_READER)
    .flatMap(([path, text]) => locate(path, outsideFindings(text)))
  t.same(listed(found), [], `no file under ${CITING_FOLDERS.join(', ')} cites a document outside the repository`)
})

t.test(`every ${PROTOCOL} section cited is listed in ${DESIGN_RECORD}'s "sections cited" table`, async t => {
  t.same(citedSections(`(${PROTOCOL} 2.2, 3.1.5, 4)\n[${PROTOCOL}] 2.2.1: and ${PROTOCOL} section 9.9.`).map(({ line, text }) => `${String(line)} ${text}`),
    ['1 2.2', '1 3.1.5', '1 4', '2 2.2.1', '2 9.9'], 'the scanner reads single sections, lists and "section N"')
  t.same(citedSections(`${PROTOCOL} 3.1.3 and 3.1.1; ${PROTOCOL} 2.2.1 / 3.1.5, ${PROTOCOL} 3.1.3's`).map(({ text }) => text),
    ['3.1.3', '3.1.1', '2.2.1', '3.1.5', '3.1.3'], 'and lists joined by "and" and "/"')
  t.same(citedSections(`[${PROTOCOL}]: https://learn.microsoft.com/\nthe ${PROTOCOL} rules, [${PROTOCOL}] sections cited`), [],
    'a link definition or the name alone cites no section')

  const sample = sectionsTable('# Doc\n\n## Spec sections cited\n\n| section | title |\n|---|---|\n| 2.2 | Message Syntax |\n| 4 | Protocol Examples |\n\n## Next\n\n| 9 | not this table |\n')
  t.same([...sample], [['2.2', 'Message Syntax'], ['4', 'Protocol Examples']],
    'the table parser reads the rows under the heading only')
  t.same(sectionsTable('# Doc\n\n| 2.2 | Message Syntax |\n').size, 0, 'and nothing without the heading')
  const uncited = citedSections(`${PROTOCOL} 2.2 and 9.9`).filter(({ text }) => !sample.has(text))
  t.same(uncited, [{ line: 1, text: '9.9' }], 'a section missing from the table is found')

  const table = sectionsTable(TEXTS.get(DESIGN_RECORD) ?? '')
  t.ok(table.size >= 5, `the design record lists the sections cited (${[...table.keys()].join(', ')})`)
  t.ok([...table.values()].every(title => title !== ''), 'each with its title')
  const citations = [...TEXTS].flatMap(([path, text]) => locate(path, citedSections(text)))
  t.ok(citations.length > 50, `the scan finds the citations (${String(citations.length)})`)
  t.same(listed(citations.filter(({ text }) => !table.has(text))), [],
    'no file cites a section the table does not list')
  const citedElsewhere = new Set(citations.filter(({ path }) => path !== DESIGN_RECORD).map(({ text }) => text))
  t.same([...table.keys()].filter(section => !citedElsewhere.has(section)), [],
    'and the table lists only sections that code, tests or other documents cite')
})

t.test(`every section of ${DESIGN_RECORD} cited by name is one of its headings`, async t => {
  const sample = `// (${DESIGN_RECORD} "Room map", "Errors")\n * the 30 s of ${DESIGN_RECORD}\n * "Other surfaces". And "not this"`
  t.same(recordSectionsCited(sample), [
    { line: 1, text: 'Room map' }, { line: 1, text: 'Errors' }, { line: 2, text: 'Other surfaces' }
  ], 'the scanner reads one or more names, also after a comment\'s line break')
  t.same(headings('# Title\n\n## Room map\n\ntext ## not a heading\n### Known exceptions to be removed\n'),
    new Set(['Title', 'Room map', 'Known exceptions to be removed']), 'the headings are read from their lines')
  const record = headings(TEXTS.get(DESIGN_RECORD) ?? '')
  t.same(recordSectionsCited(sample).filter(({ text }) => !record.has(text)), [], 'the sample names real sections')
  t.same(recordSectionsCited(`${DESIGN_RECORD} "Architecture"`).filter(({ text }) => !record.has(text)),
    [{ line: 1, text: 'Architecture' }], 'a name that is no heading is found')
  const cited = [...TEXTS].flatMap(([path, text]) => locate(path, recordSectionsCited(text)))
  t.ok(cited.length > 30, `the scan finds the citations (${String(cited.length)})`)
  t.same(listed(cited.filter(({ text }) => !record.has(text))), [],
    'no file cites a section the design record does not have')
})
