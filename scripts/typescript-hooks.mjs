// Module hooks that run this project's TypeScript directly, for tap and the
// benchmark: each .ts file is transpiled on its own by esbuild (the project
// compiles with isolatedModules and verbatimModuleSyntax, so no file needs
// another to be understood), with an inline source map so that stack traces
// and V8 coverage point at the TypeScript lines. Whitespace is kept: coverage
// is counted per generated line, so minified output would hide uncovered code.
// Types are checked by `tsc --noEmit`, not here.
import { createHash } from 'node:crypto'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { transform, version } from 'esbuild'

const tsconfigRaw = JSON.parse(await readFile(new URL('../tsconfig.json', import.meta.url), 'utf8'))
const OPTIONS = { loader: 'ts', format: 'esm', target: 'node20.19', sourcemap: 'inline', tsconfigRaw }

// Every process that runs TypeScript (each test file, each service a test
// starts) would otherwise transpile the same files again, and start an
// esbuild service to do it. The output is kept under node_modules/.cache,
// named by a hash of everything it is made from (esbuild's version, the
// options, the file's path and text): an edited file gets a new entry, so an
// entry is never stale.
const CACHE = fileURLToPath(new URL('../node_modules/.cache/pcwp-links-typescript/', import.meta.url))
const SALT = JSON.stringify({ version, OPTIONS })

/** The JavaScript for one TypeScript file, with its inline source map. */
async function transpile (file) {
  const source = await readFile(file, 'utf8')
  const cached = `${CACHE}${createHash('sha256').update(SALT).update('\0').update(file).update('\0').update(source).digest('hex')}.js`
  try {
    return await readFile(cached, 'utf8')
  } catch {
    // Not transpiled yet (or the cache is unreadable): transpile it now.
  }
  const { code } = await transform(source, { ...OPTIONS, sourcefile: file })
  // Written aside and renamed into place, so that a process reading the cache never sees half a file.
  const aside = `${cached}.${String(process.pid)}`
  try {
    await mkdir(CACHE, { recursive: true })
    await writeFile(aside, code)
    await rename(aside, cached)
  } catch {
    // A cache that cannot be written costs the next process a transpile, nothing else.
  }
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
