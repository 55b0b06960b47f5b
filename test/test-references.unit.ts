// Every test file that the documentation and the code's comments name exists:
// SECURITY.md cites the test of each defence, the README and the deploy
// recipes the test that exercises them, and a renamed test file must not leave
// those pointing at nothing. CHANGELOG.md is history and keeps old names.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import t from 'tap'

const ROOT = new URL('../', import.meta.url)
const SCANNED = ['README.md', 'SECURITY.md', 'Dockerfile', 'docker-compose.yml', 'docs', 'deploy', 'src', 'test', 'bench', 'scripts']
const TEXT = /\.(?:md|ts|mjs|js|ya?ml|conf|csv|json)$|^Dockerfile$|^docker-compose\.yml$/
const TEST_PATH = /\btest\/[\w./-]+?\.ts\b/g

/** Every text file under the scanned paths, relative to the repository root. */
function scannedFiles (): string[] {
  return SCANNED.flatMap(path => {
    if (!existsSync(new URL(path, ROOT))) return []
    if (TEXT.test(path)) return [path]
    return readdirSync(new URL(path, ROOT), { recursive: true, encoding: 'utf8' })
      .filter(name => TEXT.test(name.split('/').at(-1) ?? ''))
      .map(name => `${path}/${name}`)
  })
}

t.test('every test file named in the documentation and comments exists', async t => {
  const named = new Map<string, string[]>()
  for (const file of scannedFiles()) {
    for (const [path] of readFileSync(new URL(file, ROOT), 'utf8').matchAll(TEST_PATH)) {
      named.set(path, [...(named.get(path) ?? []), file])
    }
  }
  t.ok(named.size > 20, `the scan finds the references (${String(named.size)} test files named)`)
  const missing = [...named].filter(([path]) => !existsSync(new URL(path, ROOT))).map(([path, where]) => `${path}, named in ${[...new Set(where)].join(', ')}`)
  t.same(missing, [], 'no name points at a file that is not there')
})
