#!/usr/bin/env node
// The first thing that runs, before any module of the app is loaded (this file has no static imports that load
// code, and ESM evaluates static imports before the first statement): SIGUSR1 would otherwise open Node's
// inspector on 127.0.0.1:9229, through which any local process can run code inside the agent and read its token
// and keys. A Node listener for SIGUSR1 stops that. What remains is the moment between exec and this line (Node's
// own start-up); Node >= 22.14 closes it with `--disable-sigusr1`.
// For `run`, SIGHUP (whose default is to end the process) is queued too, so a reload asked for during start-up is
// not lost. No other command reloads: they leave SIGHUP its default, so a hangup ends a one-shot command as it
// ends any program (the dev server stops cleanly first: signals.ts).
import type { EarlySignal, SignalInbox } from './cli/signal-inbox.js';

const queued: EarlySignal[] = [];
let deliver: ((signal: EarlySignal) => void) | undefined;
const onEarlySignal = (signal: EarlySignal): void => {
  if (deliver) deliver(signal);
  // Once of each is enough before a command subscribes (two early rotations or reloads are one), and the queue
  // of a command that never subscribes (SIGUSR1 in `check`) cannot grow.
  else if (!queued.includes(signal)) queued.push(signal);
};
process.on('SIGUSR1', onEarlySignal);
// The command is the first argument, as runCli reads it.
if (process.argv[2] === 'run') process.on('SIGHUP', onEarlySignal);

const signals: SignalInbox = {
  subscribe(handler) {
    deliver = handler;
    for (const signal of queued.splice(0)) handler(signal);
    return () => {
      if (deliver === handler) deliver = undefined;
    };
  },
};

// Node >= 22.1 can keep the compiled code of every module loaded on disk (in the OS temp dir), so the next start
// skips parsing and compiling it; NODE_DISABLE_COMPILE_CACHE=1 turns it off. On Node 20 the API does not exist and
// nothing happens. It must run before the CLI is imported, hence the dynamic imports (which also keep the signal
// handlers above the first code to run).
const { default: module } = await import('node:module');
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

const { default: v8 } = await import('node:v8');
const { v8FlagsFor } = await import('./cli/v8-flags.js');
for (const flag of v8FlagsFor(process.argv.slice(2))) v8.setFlagsFromString(flag);

const { runCli } = await import('./cli/run-cli.js');
process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signals,
});
