// deploy/prometheus: the alert rules pass `promtool check rules`, and their
// unit tests (every alert firing and staying silent) pass `promtool test rules`.
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import t from 'tap'
import { installed } from '../fixtures/installed.ts'

const run = promisify(execFile)
const FOLDER = fileURLToPath(new URL('../../deploy/prometheus/', import.meta.url))

const promtool = installed('promtool')
const skip = promtool === undefined && process.env.CI === undefined && 'promtool is not installed here (.ci/run installs it: apt-get install prometheus)'

t.test('promtool accepts the rule file', { skip }, async t => {
  t.ok(promtool, 'promtool is installed')
  const { stdout } = await run(promtool as string, ['check', 'rules', 'pcwp-links.rules.yml'], { cwd: FOLDER })
  t.match(stdout, /SUCCESS: 9 rules found/)
})

t.test('every alert fires and stays silent where its unit tests say', { skip }, async t => {
  t.ok(promtool, 'promtool is installed')
  const { stdout } = await run(promtool as string, ['test', 'rules', 'pcwp-links.rules.test.yml'], { cwd: FOLDER })
  t.match(stdout, /SUCCESS/)
  t.notMatch(stdout, /FAILED/)
})
