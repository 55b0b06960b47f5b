// scripts/bundle.ts: the shipped server is one ES module. The whole bundled
// service is started in test/e2e/image.test.ts (the image's entry); here,
// the bundler's own promise, on a small entry point.
import { execFile } from 'node:child_process'
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'

const run = promisify(execFile)
const ROOT = new URL('../..', import.meta.url).pathname

t.test('a bundle carries its CommonJS dependencies, whose require() of Node modules still works', async t => {
  const dir = await mkdtemp(join(ROOT, '.bundle-test-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const entry = join(dir, 'entry.ts')
  // pino is CommonJS and requires node:os, node:events and others at load.
  await writeFile(entry, "import { pino } from 'pino'\nconst line: string = JSON.stringify(Object.keys(pino.levels.values))\nprocess.stdout.write(line)\n")
  const out = join(await mkdtemp(join(tmpdir(), 'pcwp-bundle-')), 'entry.js')
  t.teardown(() => rm(join(out, '..'), { recursive: true, force: true }))
  const command = join(dir, 'command.js')
  await writeFile(command, '#!/usr/bin/env node\n', { mode: 0o644 })
  // As npm run build runs it, with the paths given.
  await run(process.execPath, [join(ROOT, 'scripts/bundle.ts'), entry, out, command], { cwd: ROOT })
  t.equal((await stat(command)).mode & 0o777, 0o755, 'the command is made executable')
  // Run far from node_modules: everything it needs is inside the file.
  const { stdout } = await run(process.execPath, [out], { cwd: tmpdir() })
  t.same(JSON.parse(stdout), ['trace', 'debug', 'info', 'warn', 'error', 'fatal'])
})
