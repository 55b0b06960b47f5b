import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/**
 * A file of the package (package.json, public/…), read at start-up. Paths are
 * resolved from this module, which sits one level below the package root in
 * src/ and dist/ alike, and so does the bundled server (dist/server.bundle.js),
 * into which this module is copied: one relative path serves all three.
 */
export function readPackageFile (path: string): string {
  return readFileSync(new URL(`../${path}`, import.meta.url), 'utf8')
}

/** The package's version, from package.json. */
export const VERSION = (JSON.parse(readPackageFile('package.json')) as { version: string }).version

/** The page catalogs that ship with the package (locales/<tag>.json), resolved like the files above. */
export const BUILT_IN_LOCALES_DIR = fileURLToPath(new URL('../locales/', import.meta.url))
