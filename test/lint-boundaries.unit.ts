// eslint.config.js enforces docs/design.md "Which part may import which" with
// import-x/no-restricted-paths. The rule, like its resolver, passes over an
// import it cannot resolve, so a forbidden import must be seen to fail: that
// shows the zones apply and the project's `./x.ts` imports resolve.
// Code is linted as if it were the file at a path in src/: the zones need only
// the path. Type-aware rules would need that text in the TypeScript project, so
// they are off here (which also keeps this fast).
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import t from 'tap'

const ROOT = fileURLToPath(new URL('../', import.meta.url))
const RULE = 'import-x/no-restricted-paths'
const CITED = 'docs/design.md "Which part may import which"'
const PROBE = 'lint-boundaries-probe.ts'

interface Message { readonly ruleId: string | null, readonly message: string }

/** `code` importing `name` from `from`, and using it. */
const importing = (name: string, from: string): string =>
  `import { ${name} } from '${from}'\nexport const probe = ${name}\n`

// Each text as the file at a path (relative to the repository root).
const TEXTS = {
  coreImportsHttp: { path: `src/pcwp/${PROBE}`, code: importing('createApp', '../http/app.ts') },
  httpImportsCore: { path: `src/http/routes/${PROBE}`, code: importing('parseRoomId', '../../pcwp/index.ts') },
  processImportsApp: { path: 'src/service-process.ts', code: importing('createApp', './http/app.ts') },
  processImportsHtml: { path: 'src/service-process.ts', code: importing('htmlPage', './http/html.ts') },
  commandsImportDynamically: { path: 'src/commands.ts', code: "export const serve = async (): Promise<unknown> => import('./service-process.ts')\n" },
  commandsImportStatically: { path: 'src/commands.ts', code: importing('startServer', './service-process.ts') }
}

/** What ESLint reports for each text, linted in one process of its own: an entry a text, null where none came. */
async function lintAll (): Promise<unknown> {
  // Out of the coverage's sight (test/fixtures/lint-text.ts says why): tap's process tracking puts its
  // loader in every child's NODE_OPTIONS, which `env -u` takes out again.
  const linting = promisify(execFile)('env', ['-u', 'NODE_OPTIONS', process.execPath, 'test/fixtures/lint-text.ts'],
    { cwd: ROOT, timeout: 60_000 })
  linting.child.stdin?.end(JSON.stringify(Object.values(TEXTS)))
  return JSON.parse((await linting).stdout)
}

const results = await lintAll()
const entries: unknown[] = Array.isArray(results) ? results : []
// Checked before the tests below read them: a text ESLint gave no result for must not read as "no messages".
t.test('ESLint gives a list of messages for every text', async t => {
  t.ok(Array.isArray(results), 'a list of results')
  t.equal(entries.length, Object.keys(TEXTS).length, 'one result a text')
  for (const [i, name] of Object.keys(TEXTS).entries()) t.ok(Array.isArray(entries[i]), `${name}: a list of messages`)
})
const linted = Object.fromEntries(Object.keys(TEXTS).map((name, i) => [name, entries[i]])) as
  Record<keyof typeof TEXTS, Message[]>
const rules = (messages: Message[]): (string | null)[] => messages.map(message => message.ruleId)

t.test('the protocol core may not import the HTTP layer: the import resolves and the zone names the rule', async t => {
  const messages = linted.coreImportsHttp
  t.same(rules(messages), [RULE])
  t.match(messages[0]?.message, CITED)
  t.match(messages[0]?.message, 'the protocol core may not import it')
})

t.test('the HTTP layer may import the protocol core', async t => {
  t.same(linted.httpImportsCore, [])
})

t.test('the process reaches the HTTP layer only through its front door, src/http/app.ts', async t => {
  t.same(rules(linted.processImportsApp), [])
  t.same(rules(linted.processImportsHtml), [RULE])
})

t.test('the command line loads src/service-process.ts by import() only', async t => {
  t.same(linted.commandsImportDynamically, [])
  t.same(rules(linted.commandsImportStatically), ['no-restricted-syntax'])
  t.match(linted.commandsImportStatically[0]?.message, CITED)
})
