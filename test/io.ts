// Every *.io.ts file, in one process: real sockets, files and programs (test/fixtures/tiers.ts).
import t from 'tap'
import { importTestFiles } from './fixtures/tiers.js'

// The files share this process's time limit, so it is four times tap's limit
// for one file (package.json "timeout", which tap passes as TAP_TIMEOUT).
t.setTimeout(4 * Number(process.env.TAP_TIMEOUT ?? '30') * 1000)
await importTestFiles('.io.ts')
