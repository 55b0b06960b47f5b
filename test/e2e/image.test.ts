// The container image, checked without a Docker engine, from its real inputs:
// the Dockerfile (parsed by dockerfile-ast) and the build context (the
// repository walked on disk and filtered by .dockerignore, as Docker's client
// does; test/fixtures/docker-context.ts). Then every stage's steps are
// performed in a temporary directory, each stage's file system a folder of its
// own, and the last stage's CMD and HEALTHCHECK are run as written.
import { execFile, spawn, type ExecFileException } from 'node:child_process'
import { existsSync } from 'node:fs'
import { cp, lstat, mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, delimiter, dirname, join, posix } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import t, { type Test } from 'tap'
import {
  contextPath, parseDockerfile, segmentPattern, unmatchedSources, walkContext,
  type CopyStep, type Located, type RunStep, type Stage
} from '../fixtures/docker-context.ts'
import { get, listeningPort } from '../fixtures/service.ts'
import { waitFor } from '../fixtures/wait.ts'

const run = promisify(execFile)
const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const read = (path: string) => readFile(join(ROOT, path), 'utf8')
const [dockerfileText, ignoreText, packageText] =
  await Promise.all([read('Dockerfile'), read('.dockerignore'), read('package.json')])
const stages = parseDockerfile(dockerfileText)
const runtime = stages.at(-1) as Stage
const pkg = JSON.parse(packageText) as { name: string, version: string, files: string[], scripts: { start: string } }

// The build stage's `npm ci` alone takes 20–40 s on a loaded 2-CPU machine:
// this file gets three files' worth of tap's per-process limit.
t.setTimeout(3 * Number(process.env.TAP_TIMEOUT ?? '30') * 1000)

/** A step's command: at most this long, then it is killed and the test says which one. */
const STEP_TIMEOUT_MS = 300_000
/** A short command's deadline (the HEALTHCHECK, `node -p`): generous for a loaded machine, the image's own is shown. */
const HEALTHCHECK_DEADLINE_MS = 10_000
const MAX_BUFFER = 64 * 1024 * 1024

/**
 * What this machine lends in place of the base image: PATH with this
 * process's node first (the image's node is first on its PATH), HOME (npm's
 * cache), the locale and how to reach the registry. Nothing else leaks in: an
 * `npm test` run's npm_config_local_prefix would point npm at this
 * repository, and tap's NODE_OPTIONS would load its hooks into every step.
 */
const LENT = new RegExp('^(?:HOME|LANG|LC_ALL|TMPDIR|NODE_EXTRA_CA_CERTS|(?:https?|no)_proxy|' +
  'npm_config_(?:registry|cafile|cache|proxy|https_proxy|noproxy|strict_ssl))$', 'i')
const lentEnv: Record<string, string> = {
  ...Object.fromEntries(Object.entries(process.env)
    .filter((entry): entry is [string, string] => LENT.test(entry[0]) && entry[1] !== undefined)),
  PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`
}

/**
 * RUN steps this machine must not perform: they change the base image's
 * system or would change this machine's, not a stage's folder.
 */
const NOT_RUN: readonly { readonly command: RegExp, readonly why: string }[] = [
  {
    command: /^(?:apk|apt-get|apt|dpkg|yum|dnf|microdnf)\s/,
    why: "it installs the base image's system packages; this machine's stand in"
  },
  {
    command: /^(?:addgroup|adduser|groupadd|useradd|usermod|chown)\s/,
    why: "it changes the image's users or owners, which needs root and the image's /etc/passwd"
  },
  {
    command: /^npm cache clean\b/,
    why: "it would empty this machine's npm cache (shared with every test), which stands in for the image's"
  }
]

/**
 * A shell command's `&&`-joined parts, so that a part in {@link NOT_RUN} can
 * be left out; a command with any other operator (`;`, `|`, `||`, `&`,
 * `$(…)`, a newline) is one part.
 */
function andParts (script: string): string[] {
  const parts: string[] = []
  let current = ''
  let quote: string | undefined
  for (let i = 0; i < script.length; i++) {
    const char = script[i] as string
    if (quote !== undefined) {
      current += char
      if (char === quote) quote = undefined
      else if (char === '\\' && quote === '"') current += script[++i] ?? ''
    } else if (char === "'" || char === '"') {
      quote = char
      current += char
    } else if (char === '\\') {
      current += char + (script[++i] ?? '')
    } else if (char === '&' && script[i + 1] === '&') {
      parts.push(current.trim())
      current = ''
      i++
    } else if (';|&\n`'.includes(char) || (char === '$' && script[i + 1] === '(')) {
      return [script.trim()]
    } else {
      current += char
    }
  }
  return [...parts, current.trim()]
}

/**
 * Absolute paths in a RUN command name the stage's file system: each is
 * moved into the stage's folder (`/tmp` becomes `<stage>/tmp`), but for /dev
 * and /proc, which are the same everywhere. `//` (a URL) is not a path.
 */
const ABSOLUTE_PATH = /(?<=^|[\s=:'"(,])\/(?!\/)[^\s'"`;&|<>(),]*/g
const mapPaths = (command: string, root: string): string =>
  command.replace(ABSOLUTE_PATH, path => /^\/(?:dev|proc)(?:\/|$)/.test(path) ? path : join(root, path))

const at = (where: Located): string => `Dockerfile line ${String(where.line)}`

/** Runs one command of a step, within {@link STEP_TIMEOUT_MS}; resolves with the seconds it took. */
async function execute (where: Located, argv: readonly string[], cwd: string, env: NodeJS.ProcessEnv, shown: string) {
  const started = performance.now()
  try {
    await run(argv[0] ?? '', argv.slice(1), { cwd, env, timeout: STEP_TIMEOUT_MS, maxBuffer: MAX_BUFFER })
  } catch (error) {
    const { killed, stderr, stdout } = error as ExecFileException
    const how = killed === true ? `did not finish within ${String(STEP_TIMEOUT_MS / 1000)} s` : 'failed'
    const output = (stderr ?? '').trim() || (stdout ?? '').trim()
    throw new Error(`${at(where)}: ${shown} ${how}\n${output}`, { cause: error })
  }
  return (performance.now() - started) / 1000
}

/**
 * npm works in the nearest folder up from its cwd that has a package.json or
 * a node_modules, else in its cwd. In the image the walk ends at /; here it
 * would go on past the stage's folder into this machine's (a stray
 * /tmp/package.json would receive the install): an empty node_modules keeps
 * npm where the image's npm works.
 */
async function keepNpmInStage (root: string, workdir: string): Promise<void> {
  for (let folder = workdir; ; folder = posix.dirname(folder)) {
    if (existsSync(join(root, folder, 'package.json')) || existsSync(join(root, folder, 'node_modules'))) return
    if (folder === '/') break
  }
  await mkdir(join(root, workdir, 'node_modules'))
}

/** A RUN step, in the stage's WORKDIR inside its folder, with the stage's ENV over what this machine lends. */
async function runStep (t: Test, step: RunStep, root: string): Promise<void> {
  const cwd = join(root, step.workdir)
  await mkdir(cwd, { recursive: true })
  await keepNpmInStage(root, step.workdir)
  const env = { ...lentEnv, npm_config_prefer_offline: 'true', ...step.env }
  const [shell, flag, script] = step.command
  if (step.command.length !== 3 || flag !== '-c' || shell === undefined || script === undefined) {
    const argv = step.command.map((arg, i) => i > 0 && arg.startsWith('/') ? join(root, arg) : arg)
    const seconds = await execute(step, argv, cwd, env, step.command.join(' '))
    t.comment(`${at(step)}: ran in ${seconds.toFixed(1)} s: ${step.command.join(' ')}`)
    return
  }
  for (const part of andParts(script)) {
    const skipped = NOT_RUN.find(rule => rule.command.test(part))
    if (skipped !== undefined) {
      t.comment(`${at(step)}: not run: \`${part}\`, as ${skipped.why}`)
      continue
    }
    const seconds = await execute(step, [shell, flag, mapPaths(part, root)], cwd, env, part)
    t.comment(`${at(step)}: ran in ${seconds.toFixed(1)} s: ${part}`)
  }
}

/** What `source` names under `root`, wildcards expanded segment by segment (Go's filepath.Match). */
async function expand (root: string, source: string): Promise<string[]> {
  let found = [root]
  for (const segment of contextPath(source).split('/').filter(segment => segment !== '')) {
    const pattern = segmentPattern(segment)
    const next: string[] = []
    for (const folder of found) {
      if (!/[*?[\\]/.test(segment)) {
        if (existsSync(join(folder, segment))) next.push(join(folder, segment))
        continue
      }
      const names = await readdir(folder).catch(() => [])
      next.push(...names.filter(name => pattern.test(name)).sort().map(name => join(folder, name)))
    }
    found = next
  }
  return found
}

/**
 * COPY as Docker copies: a folder's contents, not the folder; a file to the
 * destination, or into it when it ends in `/`, is a folder already, or
 * several sources go there.
 */
async function copyStep (step: CopyStep, from: string, root: string): Promise<void> {
  const matches = (await Promise.all(step.sources.map(source => expand(from, source)))).flat()
  if (matches.length === 0) throw new Error(`${at(step)}: ${step.instruction}: nothing to copy`)
  const target = join(root, posix.resolve(step.workdir, step.destination))
  const isFolder = (await stat(target).catch(() => undefined))?.isDirectory() === true
  const intoFolder = step.destination.endsWith('/') || matches.length > 1 || isFolder
  for (const match of matches) {
    if ((await lstat(match)).isDirectory()) {
      await cp(match, target, { recursive: true, verbatimSymlinks: true })
    } else {
      const to = intoFolder ? join(target, basename(match)) : target
      await mkdir(dirname(to), { recursive: true })
      await cp(match, to, { verbatimSymlinks: true })
    }
  }
}

/** The Node.js major version of a `node:<major>…` image, undefined for another image. */
function nodeMajor (stage: Stage): string | undefined {
  const official = /^(?:docker\.io\/)?(?:library\/)?node$/.test(stage.image.replace(/:.*$/, ''))
  return official ? /^(\d+)/.exec(stage.tag ?? '')?.[1] : undefined
}

t.test('the Dockerfile keeps its promises', async t => {
  t.ok(stages.length >= 2, 'multi-stage: what builds is not what runs')
  const majors = stages.map(nodeMajor)
  t.ok(majors.every(major => major !== undefined), 'every stage is FROM a node:<major> image')
  t.equal(new Set(majors).size, 1, 'every stage on the same Node.js line')
  t.match(runtime.image, /^node:\d*[02468]-slim$/, 'the runtime is an even-numbered (LTS line) Node.js slim image')
  t.equal(runtime.env.NODE_ENV, 'production')
  t.equal(runtime.user, 'node', 'runs as the unprivileged node user')
  t.same(runtime.expose, [runtime.env.PORT], 'EXPOSE is the PORT the image sets')
  const installs = runtime.steps
    .filter(step => step.kind === 'RUN' && /\bnpm install --omit=dev\b/.test(step.command.join(' ')))
  t.equal(installs.length, 1, 'production dependencies only')
  for (const [index, stage] of stages.entries()) {
    for (const step of stage.steps) {
      if (step.kind !== 'RUN' && step.from !== undefined) {
        // Earlier than the stage this step is in, not merely earlier than the runtime.
        const earlier = stages.slice(0, index).some(({ name }) => name === step.from)
        t.ok(earlier, `${at(step)}: --from=${step.from} is an earlier stage`)
      }
    }
  }
  t.equal(runtime.healthcheck?.command[0], runtime.start[0], 'the health check runs what the image runs (no curl)')
  const start = pkg.scripts.start.split(' ')
  t.same(runtime.start.slice(0, -1), start.slice(0, -1), 'node runs with the same flags as in npm start')
  t.equal(runtime.start.at(-1), `node_modules/${pkg.name}/${String(start.at(-1))}`, 'and its entry, installed')
})

t.test('every COPY and ADD source is in the build context', async t => {
  const context = await walkContext(ROOT, ignoreText)
  t.ok(context.includes('package.json'), `the context: ${String(context.length)} files`)
  let problems = unmatchedSources(dockerfileText, ignoreText, context)
  // Only on failure: every file of the repository, to tell what .dockerignore leaves out from what is not there.
  if (problems.length > 0) problems = unmatchedSources(dockerfileText, ignoreText, await walkContext(ROOT, ''))
  for (const problem of problems) t.fail(problem)
  t.equal(problems.length, 0, 'docker build finds every file it copies')
})

t.test('the image, built from its context as the Dockerfile says, installs, starts and answers', async t => {
  for (const stage of stages) {
    const major = nodeMajor(stage)
    if (major !== process.versions.node.split('.')[0]) {
      t.fail(`${at(stage)}: ${stage.instruction} runs Node.js ${major ?? '(not a node:<major> image)'}, ` +
        `but this test runs on Node.js ${process.versions.node}; run it where that line is first on PATH ` +
        '(npm test: the `node` devDependency)')
      return
    }
  }
  const { stdout: onPath } = await run('node', ['-p', 'process.version'], {
    env: lentEnv, timeout: HEALTHCHECK_DEADLINE_MS
  })
  t.equal(onPath.trim(), process.version, `the stages' node is this one, Node.js ${process.version}`)
  t.comment("not checked here: the base image's own files and programs (this machine's node, npm and sh " +
    `stand in), USER ${runtime.user ?? 'root'} (everything runs as this test's user), EXPOSE's publishing, ` +
    "and the HEALTHCHECK's interval, start period and retries")

  const tmp = await mkdtemp(join(tmpdir(), 'pcwp-image-'))
  t.teardown(() => rm(tmp, { recursive: true, force: true }))
  // RUN commands get the stage folders' paths unquoted.
  t.match(tmp, /^[\w/.-]+$/, 'the temporary folder needs no shell quoting')
  const contextDir = join(tmp, 'context')
  const context = await walkContext(ROOT, ignoreText)
  for (const file of context) {
    await mkdir(dirname(join(contextDir, file)), { recursive: true })
    await cp(join(ROOT, file), join(contextDir, file), { verbatimSymlinks: true })
  }

  const roots = new Map<string, string>()
  for (const stage of stages) {
    const root = join(tmp, 'stages', stage.name)
    // The base image's /tmp; its other folders are this machine's.
    await mkdir(join(root, 'tmp'), { recursive: true })
    roots.set(stage.name, root)
    for (const step of stage.steps) {
      if (step.kind === 'RUN') {
        await runStep(t, step, root)
        continue
      }
      if (step.kind === 'ADD') {
        t.fail(`${at(step)}: ${step.instruction}: ADD (archives unpacked, URLs fetched) is not modelled here; COPY is`)
        return
      }
      const from = step.from === undefined ? contextDir : roots.get(step.from)
      if (from === undefined) {
        t.fail(`${at(step)}: ${step.instruction}: --from=${String(step.from)} is no earlier stage (nor here)`)
        return
      }
      await copyStep(step, from, root)
    }
  }

  const runtimeRoot = roots.get(runtime.name) as string
  const workdir = join(runtimeRoot, runtime.workdir)
  const installed = join(workdir, 'node_modules', pkg.name)
  for (const entry of pkg.files) t.ok(existsSync(join(installed, entry)), `the installed package has ${entry}`)

  const exampleMap = pkg.files.find(entry => entry.endsWith('.csv'))
  t.ok(exampleMap, 'the package ships an example room map')
  // The image's ENV, then what `docker run -e` would add: loopback only, a free port, a base URL and the shipped map.
  const env = {
    ...lentEnv,
    ...runtime.env,
    HOST: '127.0.0.1',
    PORT: '0',
    PCWP_BASE_URL_EXTERNAL: 'https://chat.example.com/rm/',
    PCWP_ROOM_MAP: join(installed, exampleMap ?? '')
  }
  const argv = runtime.start.map((arg, i) => i > 0 && arg.startsWith('/') ? join(runtimeRoot, arg) : arg)
  const child = spawn(argv[0] ?? '', argv.slice(1), { cwd: workdir, env, stdio: ['ignore', 'pipe', 'pipe'] })
  const kill = () => { child.kill('SIGKILL') }
  process.once('exit', kill)
  t.teardown(() => { kill(); process.off('exit', kill) })
  const port = await listeningPort(child, "the image's CMD")

  t.equal((await get(port, '/healthz')).status, 200, '/healthz answers')
  t.equal((await get(port, '/rooms/new')).headers.location, 'https://chat.example.com/rm/?clientlang=en-US')
  // The bundled entry finds the package's own files and carries every dependency.
  t.match((await get(port, '/links/links.js')).body, /addEventListener/, 'the link builder script is served')
  t.match(JSON.parse((await get(port, '/openapi.json')).body), { info: { title: pkg.name, version: pkg.version } },
    'the OpenAPI document names the version')
  t.match((await get(port, '/metrics')).body, /^pcwp_redirects_total\b/m, 'metrics are exported')
  const retired = await get(port, '/rooms/9D8E7F60-5A4B-4C3D-9E2F-1A0B9C8D7E6F', {
    headers: { 'accept-language': 'de-DE' }
  })
  t.equal(retired.status, 410, 'the packaged example map is in force')
  t.match(retired.body, '<html lang="de-DE">', 'a German 410 page from the packaged catalogs')

  // The HEALTHCHECK as written; the port reaches it only through the environment, as in the image.
  const healthcheck = runtime.healthcheck
  if (healthcheck === undefined) {
    t.fail('the image has a HEALTHCHECK')
    return
  }
  const check = async (port: number) => {
    const started = performance.now()
    await run(healthcheck.command[0] ?? '', healthcheck.command.slice(1), {
      cwd: workdir, env: { ...env, PORT: String(port) }, timeout: HEALTHCHECK_DEADLINE_MS
    })
    return (performance.now() - started) / 1000
  }
  const seconds = await check(port)
  const allowed = healthcheck.options.timeout ?? '30s'
  t.pass(`${at(healthcheck)}: the HEALTHCHECK passes (in ${seconds.toFixed(1)} s; the image allows ${allowed})`)

  child.kill('SIGTERM')
  await waitFor(() => child.exitCode !== null || child.signalCode !== null, {
    what: 'the service to exit after SIGTERM', intervalMs: 50
  })
  t.equal(child.exitCode, 0, 'SIGTERM stops it cleanly')
  await t.rejects(check(port), 'and the HEALTHCHECK fails once it is gone')
})
