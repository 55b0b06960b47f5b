// @ts-check
import { join } from 'node:path'
import js from '@eslint/js'
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript'
import { importX } from 'eslint-plugin-import-x'
import neostandard from 'neostandard'
import tseslint from 'typescript-eslint'

// docs/design.md "Which part may import which", as paths under src/: a part may import itself and what its row
// names; the rest of src/ is forbidden to it. Keep this and the table alike.
const CORE = ['pcwp']
const NEGOTIATION = ['negotiate']
const ADDRESSES = ['net']
const CONFIGURATION = ['config.ts', 'config-parsers.ts']
const LEAVES = [
  'bounded-memo.ts', 'exit-codes.ts', 'expected-error.ts', 'html-escape.ts', 'outgoing.ts', 'package-files.ts',
  'paths.ts', 'problem-codes.ts', 'quote.ts', 'room-outcomes.ts', 'single-value.ts'
]
const BELOW_HTTP = [...CORE, ...NEGOTIATION, ...ADDRESSES, 'serverinfo', 'roommap', 'room-answer.ts', 'i18n',
  ...CONFIGURATION, 'metrics.ts', 'service-routes.ts', ...LEAVES]
/** @type {[string, string[], string[]][]} part, its paths, what else it may import */
const MAY_IMPORT = [
  ['the protocol core', CORE, []],
  ['addresses', ADDRESSES, []],
  ...LEAVES.map(/** @returns {[string, string[], string[]]} */ leaf => [`src/${leaf}`, [leaf], []]),
  ['service routes', ['service-routes.ts'], LEAVES],
  ['negotiation', NEGOTIATION, [...CORE, ...ADDRESSES, ...LEAVES]],
  ['the room map', ['roommap'], [...CORE, ...LEAVES]],
  ['report', ['report'], [...CORE, ...LEAVES]],
  ['catalogs', ['i18n'], [...CORE, ...NEGOTIATION, ...LEAVES]],
  ['configuration', CONFIGURATION, [...CORE, ...NEGOTIATION, ...ADDRESSES, 'service-routes.ts', ...LEAVES]],
  ['logger', ['logger.ts'], [...ADDRESSES, ...LEAVES]],
  ['getserverinfo', ['serverinfo'], [...CORE, ...CONFIGURATION, ...LEAVES]],
  ['room answer', ['room-answer.ts'], [...CORE, 'roommap', ...LEAVES]],
  ['metrics', ['metrics.ts'], [...CORE, 'serverinfo', ...LEAVES]],
  ['the HTTP layer', ['http'], BELOW_HTTP],
  ['src/index.ts', ['index.ts'], CORE],
  // The HTTP layer only through its front door.
  ['src/service-process.ts', ['service-process.ts'], [...BELOW_HTTP, 'report', 'logger.ts', 'http/app.ts']],
  ['src/server.ts', ['server.ts'], ['service-process.ts']],
  ['src/commands.ts', ['commands.ts'], [...BELOW_HTTP, 'report', 'logger.ts', 'service-process.ts']],
  ['src/cli.ts', ['cli.ts'], ['commands.ts']]
]
const BOUNDARY_ZONES = MAY_IMPORT.map(([part, paths, mayImport]) => ({
  target: paths.map(path => `src/${path}`),
  from: 'src',
  except: [...paths, ...mayImport].map(path => `./${path}`),
  message: `docs/design.md "Which part may import which": ${part} may not import it.`
}))

// A line may run long for a string or template literal of 60 characters or more: a message, a URL, a page.
const LONG_LITERAL = /(?<=^|[\s([{,:=+?!&|])(?:'(?:[^'\\\n]|\\.){60,}'|"(?:[^"\\\n]|\\.){60,}"|`[^`]{60,}`)/.source

export default tseslint.config(
  { ignores: ['dist/', 'coverage/', '.tap/', 'node_modules/', '.bundle-test-*/'] },
  js.configs.recommended,
  // The fastify ecosystem's style; the @stylistic plugin it registers also measures lines.
  ...neostandard({ ts: true, noJsx: true }),
  {
    rules: {
      '@stylistic/max-len': ['error', {
        code: 120, ignoreUrls: true, ignoreRegExpLiterals: true, ignorePattern: LONG_LITERAL
      }],
      // `void promise` says a promise is left on purpose (typescript-eslint's no-floating-promises asks for it).
      'no-void': ['error', { allowAsStatement: true }]
    }
  },
  ...tseslint.configs.strictTypeChecked,
  ...tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname }
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // `const { dropped, ...rest } = object` is how an object loses a key.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
      // strictTypeChecked forbids `!`; where an index is known to exist, `as T` says so.
      '@typescript-eslint/non-nullable-type-assertion-style': 'off'
    }
  },
  {
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [
        createTypeScriptImportResolver({ project: join(import.meta.dirname, 'tsconfig.json') })
      ]
    },
    rules: {
      // Zone paths are relative to this file, not to where eslint runs.
      'import-x/no-restricted-paths': ['error', { basePath: import.meta.dirname, zones: BOUNDARY_ZONES }]
    }
  },
  {
    // The command line loads the service (fastify and all) only for `serve`.
    files: ['src/commands.ts'],
    rules: {
      'no-restricted-syntax': ['error', {
        selector: "ImportDeclaration[importKind='value'][source.value='./service-process.ts']",
        message: 'docs/design.md "Which part may import which": src/commands.ts imports src/service-process.ts ' +
          'by import().'
      }]
    }
  },
  {
    // tap's subtests are fire-and-forget by design (the runner awaits them) and
    // are written `async` so that a thrown error fails the subtest.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-floating-promises': 'off',
      '@typescript-eslint/require-await': 'off',
      // Response bodies are read as JSON (`any`) and compared with t.same/t.match.
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off'
    }
  },
  {
    files: ['eslint.config.js'],
    ...tseslint.configs.disableTypeChecked
  },
  {
    // The link builder's browser script: plain JavaScript, served as it is.
    files: ['public/**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      sourceType: 'script',
      parserOptions: { projectService: false },
      globals: {
        document: 'readonly',
        fetch: 'readonly',
        history: 'readonly',
        navigator: 'readonly',
        setTimeout: 'readonly',
        URLSearchParams: 'readonly'
      }
    }
  }
)
