// Every *.io.ts file, in one process: real sockets, files and programs (test/fixtures/tiers.ts).
import { importTestFiles } from './fixtures/tiers.js'

await importTestFiles('.io.ts')
