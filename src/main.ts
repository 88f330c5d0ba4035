#!/usr/bin/env node
import module from 'node:module';
import v8 from 'node:v8';
import { v8FlagsFor } from './cli/v8-flags.js';

// Node >= 22.1 can keep the compiled code of every module loaded on disk (in the OS temp dir), so the next start
// skips parsing and compiling it; NODE_DISABLE_COMPILE_CACHE=1 turns it off. On Node 20 the API does not exist and
// nothing happens. It must run before the CLI is imported, hence the dynamic import below.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

for (const flag of v8FlagsFor(process.argv.slice(2))) v8.setFlagsFromString(flag);

const { runCli } = await import('./cli/run-cli.js');

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
