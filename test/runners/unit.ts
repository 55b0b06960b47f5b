// The fast tier's first half: every *.unit.ts file but the routes' (test/runners/import-tier.ts).
import { importTestFiles } from './import-tier.ts'

await importTestFiles('.unit.ts', path => !path.startsWith('http/'))
