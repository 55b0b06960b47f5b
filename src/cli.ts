#!/usr/bin/env node
// The pcwp-links command's entry point (package.json "bin"): runs the command
// with this process's arguments and streams. Nothing imports it; the
// commands are in commands.ts.
import { runCli } from './commands.ts'

process.exitCode = await runCli(process.argv.slice(2), {
  out: text => process.stdout.write(text),
  err: text => process.stderr.write(text),
  env: process.env,
  stdin: process.stdin
})
