// The fast tier's first half: every *.unit.ts file but the routes' (test/fixtures/unit-tier.ts).
import { importUnitFiles } from './fixtures/unit-tier.js'

await importUnitFiles(path => !path.startsWith('http/'))
