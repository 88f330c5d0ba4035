#!/usr/bin/env node
// The first thing that runs, before any module of the app is loaded (this file has no static imports that load
// code, and ESM evaluates static imports before the first statement): SIGUSR1 would otherwise open Node's
// inspector on 127.0.0.1:9229, through which any local process can run code inside the agent and read its token
// and keys. A Node listener for SIGUSR1 stops that. SIGHUP, whose default is to end the process, is queued too.
// What remains is the moment between exec and this line (Node's own start-up); Node >= 22.14 closes it with
// `--disable-sigusr1` (set in the container image).
import type { EarlySignal, SignalInbox } from './cli/signal-inbox.js';

const queued: EarlySignal[] = [];
let deliver: ((signal: EarlySignal) => void) | undefined;
const onEarlySignal = (signal: EarlySignal): void => {
  if (deliver) deliver(signal);
  else queued.push(signal);
};
process.on('SIGUSR1', onEarlySignal);
process.on('SIGHUP', onEarlySignal);

const signals: SignalInbox = {
  subscribe(handler) {
    deliver = handler;
    for (const signal of queued.splice(0)) handler(signal);
    return () => {
      if (deliver === handler) deliver = undefined;
    };
  },
  release(signal) {
    process.off(signal, onEarlySignal);
  },
};

const { runCli } = await import('./cli/run-cli.js');
process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signals,
});
