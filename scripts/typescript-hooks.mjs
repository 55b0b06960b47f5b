// Module hooks that run this project's TypeScript directly, for tap and the
// benchmark: each .ts file is transpiled on its own by esbuild (the project
// compiles with isolatedModules and verbatimModuleSyntax, so no file needs
// another to be understood), with an inline source map so that stack traces
// and V8 coverage point at the TypeScript lines. Whitespace is kept: coverage
// is counted per generated line, so minified output would hide uncovered code.
// Types are checked by `tsc --noEmit`, not here.
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { transform } from 'esbuild'

const tsconfigRaw = JSON.parse(await readFile(new URL('../tsconfig.json', import.meta.url), 'utf8'))

/** The JavaScript for one TypeScript file, with its inline source map. */
async function transpile (file) {
  const { code } = await transform(await readFile(file, 'utf8'), {
    loader: 'ts',
    format: 'esm',
    target: 'node20.19',
    sourcemap: 'inline',
    sourcefile: file,
    tsconfigRaw
  })
  return code
}

/** `./x.js` written in a .ts file means `./x.ts` (TypeScript's NodeNext rule). */
export async function resolve (specifier, context, nextResolve) {
  if (context.parentURL?.endsWith('.ts') && specifier.startsWith('.') && specifier.endsWith('.js')) {
    try {
      return await nextResolve(`${specifier.slice(0, -3)}.ts`, context)
    } catch (error) {
      if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error
    }
  }
  return nextResolve(specifier, context)
}

export async function load (url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context)
  return { format: 'module', source: await transpile(fileURLToPath(url)), shortCircuit: true }
}
