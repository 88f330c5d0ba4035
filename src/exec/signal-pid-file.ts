// `exec.signal: { pid_file, signal }`: tells a consumer that reloads on a signal (nginx SIGHUP, haproxy USR2, an
// app in a pod with shareProcessNamespace) that its files changed, without systemctl or a shell. The pid file is
// read anew every time: the consumer may have restarted since. A missing or stale pid file is a failed command
// (counted, logged, retried by the render loop), never a crash.

import { readFile } from 'node:fs/promises';
import type { CommandResult } from './command-result.js';

/** Which process to signal, and with what. */
export interface SignalTarget {
  readonly pidFile: string;
  /** A name as `kill -l` prints it, with the SIG prefix: `SIGHUP`, `SIGUSR2`. */
  readonly signal: NodeJS.Signals;
}

/** What sending needs from the system; tests pass fakes. */
export interface SignalDeps {
  readonly readFile: (path: string) => Promise<string>;
  readonly kill: (pid: number, signal: NodeJS.Signals) => void;
  readonly ownPid: number;
}

const SYSTEM: SignalDeps = {
  readFile: (path) => readFile(path, 'utf8'),
  kill: (pid, signal) => process.kill(pid, signal),
  ownPid: process.pid,
};

/** `SIGHUP → $(cat /run/nginx.pid)` for logs and status. */
export function describeSignal(target: SignalTarget): string {
  return `${target.signal} → $(cat ${target.pidFile})`;
}

/** Reads the pid file and sends the signal; the result says what went wrong, in the shape of a command's. */
export async function signalPidFile(target: SignalTarget, deps: SignalDeps = SYSTEM): Promise<CommandResult> {
  const started = performance.now();
  const done = (problem: string | undefined): CommandResult => ({
    exitCode: problem === undefined ? 0 : undefined,
    signal: undefined,
    timedOut: false,
    aborted: false,
    startError: problem,
    stdout: '',
    stderr: '',
    durationMs: performance.now() - started,
  });
  let text: string;
  try {
    text = await deps.readFile(target.pidFile);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return done(
      code === 'ENOENT'
        ? `pid file ${target.pidFile} does not exist (is the process running?)`
        : `cannot read pid file ${target.pidFile}: ${code ?? String(error)}`,
    );
  }
  const pid = parsePid(text);
  if (pid === undefined) return done(`pid file ${target.pidFile} does not hold a process id`);
  // Never ourselves: a pid file left over from a previous certagent would make us signal (and maybe stop) ourselves.
  if (pid === deps.ownPid) return done(`pid file ${target.pidFile} names certagent itself (${pid})`);
  try {
    deps.kill(pid, target.signal);
    return done(undefined);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return done(`stale pid file ${target.pidFile}: no process ${pid}`);
    if (code === 'EPERM') return done(`not permitted to send ${target.signal} to process ${pid}`);
    return done(`cannot send ${target.signal} to process ${pid}: ${code ?? String(error)}`);
  }
}

// One positive integer, as every daemon writes it (trailing newline allowed). 0 and negative numbers would signal
// a whole process group, so they never get here.
function parsePid(text: string): number | undefined {
  const match = /^\s*(\d{1,10})\s*$/.exec(text);
  const pid = match ? Number(match[1]) : NaN;
  return Number.isSafeInteger(pid) && pid > 0 && pid <= 4_194_304 ? pid : undefined;
}
