// The built CLI as users run it: a separate `node dist/main.js` process. Used by e2e tests, which must never leave
// a process behind: every process started here is tracked and killed by `killAll` (call it in afterEach).

import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

export const ROOT = join(import.meta.dirname, '../..');
export const MAIN = join(ROOT, 'dist/main.js');

const running = new Set<ChildProcess>();

/** `npm test` builds before the tests; a test run alone rebuilds when dist/ is missing or older than src/. */
export function ensureBuilt(): void {
  if (distIsStale()) spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  if (!existsSync(MAIN)) throw new Error('dist/main.js is missing: the build failed');
}

/** A CLI process started in the background, with its output collected as it comes. */
export interface CliProcess {
  readonly child: ChildProcess;
  readonly output: { stdout: string; stderr: string };
  /** Resolves with the exit code (or the signal's name) once the process exits. */
  readonly exited: Promise<number | string>;
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

/** Starts `certagent ARGS` in the background. */
export function startCli(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): CliProcess {
  const child = spawn(process.execPath, [MAIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const output = { stdout: '', stderr: '' };
  child.stdout?.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
  const exited = once(child, 'exit').then(([code, signal]) => {
    running.delete(child);
    return (code as number | null) ?? (signal as string);
  });
  return {
    child,
    output,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Runs `certagent ARGS` to completion (killed after `timeoutMs`) and returns its exit code and output. */
export async function runCliToEnd(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<{ code: number | string; stdout: string; stderr: string }> {
  const proc = startCli(args, options);
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  try {
    const code = await proc.exited;
    return { code, ...proc.output };
  } finally {
    clearTimeout(timer);
  }
}

/** A dev server in its own process, as `certagent dev-server` prints it. */
export interface DevServerProcess {
  readonly address: string;
  readonly token: string;
  readonly process: CliProcess;
}

/** Starts `certagent dev-server` on a free loopback port and resolves once it prints its VAULT_* lines. */
export async function startDevServerProcess(rootToken = 'root'): Promise<DevServerProcess> {
  const proc = startCli(['dev-server', '--listen', '127.0.0.1:0', '--root-token', rootToken]);
  const address = await waitFor(() => /^VAULT_ADDR=(.+)$/m.exec(proc.output.stdout)?.[1], {
    timeoutMs: 20_000,
    what: 'the dev server to print VAULT_ADDR',
    process: proc,
  });
  return { address, token: rootToken, process: proc };
}

/** Kills every process still running (SIGKILL) and waits for them to exit. */
export async function killAll(): Promise<void> {
  const children = [...running];
  for (const child of children) child.kill('SIGKILL');
  await Promise.all(children.map((child) => (child.exitCode === null ? once(child, 'exit') : undefined)));
  running.clear();
}

/**
 * Polls `probe` until it returns something other than undefined/false, or fails after `timeoutMs` with what was
 * awaited (and the process's stderr, when one is given, since that is where the reason usually is).
 */
export async function waitFor<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  options: { timeoutMs?: number; intervalMs?: number; what?: string; process?: CliProcess } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) {
      const stderr = options.process ? `\nstderr:\n${options.process.output.stderr.slice(-4000)}` : '';
      throw new Error(`timed out waiting for ${options.what ?? 'a condition'}${stderr}`);
    }
    if (options.process && options.process.child.exitCode !== null) {
      throw new Error(
        `process exited (${options.process.child.exitCode}) while waiting for ${options.what ?? 'a condition'}` +
          `\nstderr:\n${options.process.output.stderr.slice(-4000)}`,
      );
    }
    await delay(options.intervalMs ?? 50);
  }
}

function distIsStale(): boolean {
  if (!existsSync(MAIN)) return true;
  const stack = [join(ROOT, 'src')];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) stack.push(path);
      else if (name.endsWith('.ts')) {
        const built = join(ROOT, 'dist', relative(join(ROOT, 'src'), path).replace(/\.ts$/, '.js'));
        if (!existsSync(built) || statSync(built).mtimeMs < statSync(path).mtimeMs) return true;
      }
    }
  }
  return false;
}
