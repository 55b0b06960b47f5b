// The fast tier's second half: the routes through `inject`, test/http/*.unit.ts (test/runners/import-tier.ts).
import { importTestFiles } from './import-tier.ts'

await importTestFiles('.unit.ts', path => path.startsWith('http/'))
