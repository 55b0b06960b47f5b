// Every *.io.ts file, in one process: real sockets, files and programs (test/runners/import-tier.ts).
import { importTestFiles } from './import-tier.ts'

await importTestFiles('.io.ts')
