// The fast tier's first half: every *.unit.ts file but the routes' (test/fixtures/tiers.ts).
import { importTestFiles } from './fixtures/tiers.ts'

await importTestFiles('.unit.ts', path => !path.startsWith('http/'))
