// The fast tier's second half: the routes through `inject`, test/http/*.unit.ts (test/fixtures/unit-tier.ts).
import { importUnitFiles } from './fixtures/unit-tier.js'

await importUnitFiles(path => path.startsWith('http/'))
