// The fast tier's second half: the routes through `inject`, test/http/*.unit.ts (test/fixtures/tiers.ts).
import { importTestFiles } from './fixtures/tiers.ts'

await importTestFiles('.unit.ts', path => path.startsWith('http/'))
