// test/fixtures/docker-context.ts: the Dockerfile read as Docker reads it, and
// the build context .dockerignore makes of the repository. The image test
// (test/e2e/image.test.ts) builds on both; here, their rules, fast.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { contextOf, covers, parseDockerfile, unmatchedSources, walkContext } from '../fixtures/docker-context.ts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const read = (file: string) => readFile(join(ROOT, file), 'utf8')
const [dockerfile, ignore] = await Promise.all([read('Dockerfile'), read('.dockerignore')])

t.test('the Dockerfile finds every source in the context, and not once .dockerignore drops locales/', async t => {
  // The repository's files as the real .dockerignore admits them: a superset of any narrower context.
  const files = await walkContext(ROOT, ignore)
  t.same(unmatchedSources(dockerfile, ignore, files), [], 'the real .dockerignore admits every source')
  const withoutLocales = ignore.replace(/^!\/?locales\/?\n/m, '')
  t.not(withoutLocales, ignore, 'the real .dockerignore re-admits locales/ in a line of its own')
  const problems = unmatchedSources(dockerfile, withoutLocales, files)
  t.equal(problems.length, 1, 'one source goes missing')
  t.match(problems[0], /^Dockerfile line \d+, COPY locales \S+: "locales" matches nothing in the build context /,
    'the line and instruction')
  t.match(problems[0], /\(\.dockerignore leaves it out\)$/, 'and the cause')
  const line = Number(/line (\d+)/.exec(problems[0] ?? '')?.[1])
  t.match(dockerfile.split('\n')[line - 1], /^COPY locales /, 'and the line is the COPY of locales/')
})

t.test('sources: wildcards per segment, folders by their files; --from and URLs are not the context', async t => {
  const files = ['a.txt', 'src/x.ts', 'src/deep/y.ts', 'docs/z.md']
  const recipe = (line: string) => `FROM node:26-slim AS build\n${line}\n`
  const check = (line: string, ignoreText = '') => unmatchedSources(recipe(line), ignoreText, files)
  t.same(check('COPY a.txt ./'), [])
  t.same(check('COPY ./src/ /app/src/'), [], 'a folder, written with ./ and /')
  t.same(check('COPY src/*/y.ts ./'), [], 'a wildcard segment')
  t.same(check('COPY s?c/x.[st]s ./'), [], '? and a class')
  t.same(check('COPY ["a.txt", "src", "./"]'), [], 'the JSON form')
  t.same(check('COPY . ./'), [], 'the whole context')
  t.match(check('COPY src/*.md ./'), [/"src\/\*\.md" matches nothing in the build context \(no such file\)/])
  t.match(check('COPY docs ./', '*\n!src/'), [/"docs" .*\(\.dockerignore leaves it out\)/])
  t.same(check('COPY --from=build /missing ./'), [], '--from names a stage, not the context')
  t.same(check('ADD https://example.com/x.tgz ./'), [], 'ADD of a URL is fetched, not copied')
  t.notOk(covers('src', 'srcx/a.ts'), 'a folder name is a whole segment')
  t.notOk(covers('src/x.ts/more', 'src/x.ts'), 'a file does not hold paths')
})

t.test('.dockerignore as moby reads it: one folder per *, later ! re-admits, case matters, # comments', async t => {
  const files = ['package.json', 'src/a.ts', 'src/b/c.ts', 'deploy/map.csv', 'deploy/nginx/n.conf', 'Readme.md', '#x']
  t.same(contextOf(files, '# only what is built\n*\n!src/\n!deploy/map.csv\n'),
    ['deploy/map.csv', 'src/a.ts', 'src/b/c.ts'])
  t.same(contextOf(files, '*.md'), files.filter(file => file !== 'Readme.md').sort(), '*.md at the root only')
  t.same(contextOf(files, 'readme.md'), [...files].sort(), 'case-sensitive, as on Linux')
  t.same(contextOf(files, 'src\n!src/b'), files.filter(file => file !== 'src/a.ts').sort(), 'a later ! wins')
})

t.test('the walk skips excluded folders, as Docker does, yet finds what a ! pattern re-admits deep inside', async t => {
  const dir = await mkdtemp(join(tmpdir(), 'pcwp-context-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const tree = ['package.json', 'src/a.ts', 'deploy/room-map.example.csv', 'deploy/nginx/nginx.conf',
    'node_modules/x/index.js', '.git/HEAD']
  for (const file of tree) {
    await mkdir(dirname(join(dir, file)), { recursive: true })
    await writeFile(join(dir, file), file)
  }
  const ignoreText = '*\n!package.json\n!src/\n!deploy/room-map.example.csv\n'
  const walked = await walkContext(dir, ignoreText)
  t.same(walked, ['deploy/room-map.example.csv', 'package.json', 'src/a.ts'])
  const everything = (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter(entry => !entry.isDirectory())
    .map(entry => join(entry.parentPath, entry.name).slice(dir.length + 1))
  t.same(walked, contextOf(everything, ignoreText), 'the same as filtering every file')
  t.same(await walkContext(join(dir, 'gone'), ''), [], 'a folder that is not there (any more) is empty')
})

t.test('stages: WORKDIR, ENV and SHELL in force at each step, CMD after ENTRYPOINT, a stage FROM a stage', async t => {
  const [base, next] = parseDockerfile([
    'FROM node:26-slim AS base',
    'WORKDIR /app',
    'ENV A=1 B="two words"',
    'RUN echo $A \\',
    '  && echo done',
    'WORKDIR sub',
    'SHELL ["/bin/bash", "-c"]',
    'RUN echo bash',
    'COPY --from=other --chown=node /x y/',
    'USER node',
    'EXPOSE 8080 9090/udp',
    'HEALTHCHECK --interval=5s --timeout=2s CMD wget -q -O- http://127.0.0.1/',
    'CMD ["serve", "--fast"]',
    'ENTRYPOINT ["node"]',
    'FROM base',
    'ENV A=2',
    'ENTRYPOINT ["tini", "--"]'
  ].join('\n'))
  t.match(base, { name: 'base', image: 'node:26-slim', tag: '26-slim', line: 1, workdir: '/app/sub', user: 'node' })
  t.same(base?.expose, ['8080', '9090/udp'])
  t.same(base?.env, { A: '1', B: 'two words' })
  t.match(base?.steps, [
    { kind: 'RUN', line: 4, command: ['/bin/sh', '-c', /^echo \$A\s+&& echo done$/], workdir: '/app', env: { A: '1' } },
    { kind: 'RUN', line: 8, command: ['/bin/bash', '-c', 'echo bash'], workdir: '/app/sub' },
    { kind: 'COPY', from: 'other', sources: ['/x'], destination: 'y/', workdir: '/app/sub' }
  ])
  t.match(base?.healthcheck, { line: 12, options: { interval: '5s', timeout: '2s' } })
  t.same(base?.healthcheck?.command, ['/bin/bash', '-c', 'wget -q -O- http://127.0.0.1/'], 'shell form: SHELL in force')
  t.same(base?.start, ['node', 'serve', '--fast'], 'an exec-form ENTRYPOINT takes the CMD written in its stage')
  t.match(next, { name: '1', image: 'base', workdir: '/app/sub', env: { A: '2', B: 'two words' } },
    'an unnamed stage is its index; it inherits')
  t.same(next?.start, ['tini', '--'], 'a new ENTRYPOINT drops the inherited CMD')
})
