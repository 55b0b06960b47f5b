// The shipped server is one file: dist/server.js and every module it imports,
// bundled by esbuild. Node otherwise resolves, reads and compiles some four
// hundred files at start-up, which took half of the time to the first redirect
// and about 13 MiB of resident memory (docs/benchmarks.md).
import { argv } from 'node:process'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

/** Bundles `entry` (a JavaScript or TypeScript module) and its dependencies into one ES module. */
export async function bundleForNode (entry: string, outfile: string): Promise<void> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20.19',
    // The CommonJS dependencies require() Node's own modules; an ES module has
    // no `require` unless it makes one.
    banner: { js: "import { createRequire as bundleCreateRequire } from 'node:module'; const require = bundleCreateRequire(import.meta.url);" },
    logLevel: 'warning'
  })
}

// `node --import ./scripts/typescript.mjs scripts/bundle.ts [entry outfile]`; npm run build bundles
// dist/server.js, one level below the package root as its bundle must be:
// package-files.ts finds package.json and public/ from there.
if (argv[1] === fileURLToPath(import.meta.url)) {
  const [entry = 'dist/server.js', outfile = 'dist/server.bundle.js'] = argv.slice(2)
  await bundleForNode(entry, outfile)
}
