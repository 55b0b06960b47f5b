// `node --import ./scripts/typescript.mjs file.ts`: see typescript-hooks.mjs.
import { register } from 'node:module'

process.setSourceMapsEnabled(true)
register('./typescript-hooks.mjs', import.meta.url)
