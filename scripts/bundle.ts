// The shipped server is one file: dist/server.js and every module it imports,
// bundled by esbuild, so that a start reads one file instead of resolving
// hundreds (why: docs/design.md "Bundled server").
import { chmod } from 'node:fs/promises'
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
    target: 'node22.18',
    // The CommonJS dependencies require() Node's own modules; an ES module has
    // no `require` unless it makes one.
    banner: { js: "import { createRequire as bundleCreateRequire } from 'node:module'; const require = bundleCreateRequire(import.meta.url);" },
    logLevel: 'warning'
  })
}

// `node scripts/bundle.ts [entry outfile [command]]` bundles entry into outfile and makes command executable.
// npm run build bundles dist/server.js, one level below the package root as its bundle must be
// (package-files.ts finds package.json and public/ from there), and makes dist/cli.js executable: tsc writes it
// 0644, and a checkout's `npx pcwp-links` or a shell runs the file itself, by its `#!/usr/bin/env node` line
// (npm sets the mode only when it installs a package).
if (argv[1] === fileURLToPath(import.meta.url)) {
  const [entry = 'dist/server.js', outfile = 'dist/server.bundle.js', command = 'dist/cli.js'] = argv.slice(2)
  await bundleForNode(entry, outfile)
  await chmod(command, 0o755)
}
