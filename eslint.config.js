// @ts-check
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist/', 'coverage/', '.tap/', 'node_modules/', '.bundle-test-*/'] },
  js.configs.recommended,
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
    // The TypeScript module hooks: plain JavaScript, since they are what loads TypeScript.
    files: ['scripts/**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      parserOptions: { projectService: false },
      globals: { process: 'readonly', URL: 'readonly' }
    }
  },
  {
    // The link builder's browser script: plain JavaScript, served as it is.
    files: ['public/**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      sourceType: 'script',
      parserOptions: { projectService: false },
      globals: { document: 'readonly', fetch: 'readonly', history: 'readonly', navigator: 'readonly', setTimeout: 'readonly', URLSearchParams: 'readonly' }
    }
  }
)
