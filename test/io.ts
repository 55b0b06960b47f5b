// Every *.io.ts file, in one process: real sockets, files and programs (test/fixtures/tiers.ts).
import { importTestFiles } from './fixtures/tiers.ts'

await importTestFiles('.io.ts')
