// Running and watching the processes a benchmark measures. One-shot processes report their own resource usage at
// exit (usage-preload.cjs); long-running ones are sampled from /proc, which does not wake them.
import { URL } from 'node:url';
import { setTimeout, clearTimeout } from 'node:timers';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
// BENCH_CLI points the runner at another build of the CLI (an A/B comparison of a change not yet merged).
export const MAIN = process.env.BENCH_CLI ?? join(ROOT, 'dist/main.js');
const PRELOAD = fileURLToPath(new URL('./usage-preload.cjs', import.meta.url));
const CLOCK_TICKS_PER_SECOND = 100;

const running = new Set();

/** Starts `node [-r preload] ARGS` with a minimal environment; output is collected. */
export function startNode(args, { env = {}, cwd = ROOT, usageFile } = {}) {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [...(usageFile ? ['-r', PRELOAD] : []), ...args], {
    cwd,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...(usageFile ? { BENCH_USAGE_FILE: usageFile } : {}),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk) => (output.stdout += chunk));
  child.stderr.on('data', (chunk) => (output.stderr += chunk));
  const exited = once(child, 'exit').then(([code, signal]) => {
    running.delete(child);
    return { code: code ?? signal, wallMs: Number(process.hrtime.bigint() - started) / 1e6 };
  });
  return { child, output, exited, started };
}

/** Runs `node ARGS` to the end; returns wall time (spawn to exit), CPU and peak RSS as the process saw them. */
export async function measureRun(args, options = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'certagent-bench-usage-'));
  const usageFile = join(dir, 'usage.json');
  try {
    const proc = startNode(args, { ...options, usageFile });
    const timer = setTimeout(() => proc.child.kill('SIGKILL'), options.timeoutMs ?? 600_000);
    const { code, wallMs } = await proc.exited;
    clearTimeout(timer);
    if (code !== 0 && !options.allowFailure) {
      throw new Error(`node ${args.join(' ')} exited ${code}\n${proc.output.stderr.slice(-3000)}`);
    }
    const usage = JSON.parse(await readFile(usageFile, 'utf8'));
    return { code, wallMs, cpuMs: usage.userMs + usage.systemMs, ...usage, ...proc.output };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** CPU time (ms), resident memory (KiB) and context switches of a running process, read from /proc. */
export async function sampleProcess(pid) {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 (utime, stime) are at 11 and 12 once pid and comm are cut off.
  const cpuMs = ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const rssKiB = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1]);
  const hwmKiB = Number(/^VmHWM:\s+(\d+)/m.exec(status)?.[1]);
  // Wake-ups: the main thread's context switches (it is the one a timer or a poll wakes), and all threads'.
  const mainSwitches = switchesOf(status);
  let allSwitches = 0;
  for (const task of await readdir(`/proc/${pid}/task`)) {
    allSwitches += switchesOf(await readFile(`/proc/${pid}/task/${task}/status`, 'utf8').catch(() => ''));
  }
  return { at: Date.now(), cpuMs, rssKiB, hwmKiB, mainSwitches, allSwitches };
}

function switchesOf(status) {
  const voluntary = Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? 0);
  const involuntary = Number(/^nonvoluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? 0);
  return voluntary + involuntary;
}

/** Polls `probe` until it returns a value, or throws after `timeoutMs`. */
export async function waitFor(
  probe,
  { timeoutMs = 60_000, intervalMs = 100, what = 'a condition', proc } = {},
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (proc && proc.child.exitCode !== null) {
      throw new Error(`process exited while waiting for ${what}\n${proc.output.stderr.slice(-3000)}`);
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}${proc ? `\n${proc.output.stderr.slice(-3000)}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Stops a process (SIGTERM, then SIGKILL after 10 s) and waits for it. */
export async function stop(proc) {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return proc.exited;
  proc.child.kill('SIGTERM');
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), 10_000);
  try {
    return await proc.exited;
  } finally {
    clearTimeout(timer);
  }
}

/** Kills whatever is still running (on error or interrupt). */
export function killAll() {
  for (const child of running) child.kill('SIGKILL');
}
