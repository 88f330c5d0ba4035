// Shared by the real-server rotation tests (test/e2e/nginx-rotation, haproxy-rotation): an example recipe's agent
// config pointed at a dev server with a short certificate, a TLS server process we can stop for sure, and a client
// that opens connections at a steady rate (in tls-load.ts) and records the serial each handshake served.

import { spawn, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { parseDocument } from 'yaml';
import type { DevServerProcess } from '../helpers/cli-process.js';
import {
  ROOT,
  ensureBuilt,
  killAll,
  startCli,
  startDevServerProcess,
  waitFor,
} from '../helpers/cli-process.js';
import type { LoadReport } from './tls-load.js';
import { fetchDevCa, handshake, loadTls } from './tls-load.js';

/** The absolute path of a program on PATH (or in the sbin directories a non-root PATH may lack), or undefined. */
export function findProgram(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/sbin', '/usr/local/sbin'];
  for (const dir of dirs.filter(Boolean)) {
    const candidate = join(dir, name);
    if (spawnSync('test', ['-x', candidate]).status === 0) return candidate;
  }
  return undefined;
}

/** A loopback TCP port that was free a moment ago (the servers under test cannot be told to pick one). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * An example file's text with production paths mapped into the test's sandbox. Each mapping must occur, so a path
 * renamed in the example fails the test loudly instead of leaving it pointed at /etc.
 */
async function mappedExample(example: string, paths: Readonly<Record<string, string>>): Promise<string> {
  let text = await readFile(join(ROOT, example), 'utf8');
  for (const [from, to] of Object.entries(paths)) {
    if (!text.includes(from)) throw new Error(`${example} no longer mentions ${from}`);
    text = text.split(from).join(to);
  }
  return text;
}

/** Writes `example` (a path under the repository root) to `destination` with `paths` mapped; returns `destination`. */
export async function adaptExample(
  example: string,
  paths: Readonly<Record<string, string>>,
  destination: string,
): Promise<string> {
  await writeFile(destination, await mappedExample(example, paths));
  return destination;
}

/**
 * The recipe's agent.yaml as the test runs it: the same templates, checks and reload commands, with production
 * paths mapped into `dir` (each mapping must occur, so a renamed path in the example fails loudly), Vault replaced by
 * the dev server (root token from VAULT_TOKEN, role `dev`), the certificate shortened to `ttl`, and a free listener.
 */
export async function adaptRecipe(options: {
  readonly recipe: string;
  readonly dir: string;
  readonly vaultAddress: string;
  readonly ttl: string;
  readonly paths: Readonly<Record<string, string>>;
}): Promise<string> {
  const doc = parseDocument(await mappedExample(options.recipe, options.paths));
  doc.set('vault', { address: options.vaultAddress });
  doc.delete('auto_auth');
  doc.set('state_dir', join(options.dir, 'state'));
  doc.setIn(['listener', 'address'], '127.0.0.1:0');
  const names = Object.keys((doc.toJS() as { certificates: Record<string, unknown> }).certificates);
  for (const name of names) {
    doc.setIn(['certificates', name, 'mount'], 'pki');
    doc.setIn(['certificates', name, 'role'], 'dev');
    doc.setIn(['certificates', name, 'common_name'], 'localhost');
    doc.setIn(['certificates', name, 'alt_names'], []);
    doc.setIn(['certificates', name, 'ip_sans'], ['127.0.0.1']);
    doc.setIn(['certificates', name, 'ttl'], options.ttl);
  }
  const config = join(options.dir, 'agent.yaml');
  await writeFile(config, doc.toString());
  return config;
}

/** A server process in its own process group, so stopping it also stops its workers. */
export interface ServerProcess {
  readonly child: ChildProcess;
  readonly output: { text: string };
  stop(): Promise<void>;
}

export function startServer(file: string, args: readonly string[], cwd: string): ServerProcess {
  const child = spawn(file, args, { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = { text: '' };
  child.stdout?.on('data', (chunk: Buffer) => (output.text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output.text += chunk.toString()));
  const exited = once(child, 'exit');
  return {
    child,
    output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      await exited;
    },
  };
}

/** What one rotation run measured, printed by the test. */
export interface RotationResult {
  readonly report: LoadReport;
  readonly checks: { readonly ok: number; readonly failed: number };
  readonly reloads: { readonly ok: number; readonly failed: number };
}

/**
 * The scenario both recipes must pass: start the agent on `config`; once `certificateFile` holds a certificate,
 * start the server (it needs the files, as the systemd ordering guarantees in production); once it serves TLS, load
 * it for `loadMs`; then stop the agent (exit 0 required) and report what the client and the agent's log saw.
 */
export async function runRotation(options: {
  readonly name: string;
  readonly config: string;
  readonly vault: DevServerProcess;
  readonly certificateFile: string;
  readonly port: number;
  readonly loadMs: number;
  readonly start: () => ServerProcess;
}): Promise<RotationResult> {
  const agent = startCli(['run', '-c', options.config], { env: { VAULT_TOKEN: options.vault.token } });
  await waitFor(
    async () => {
      try {
        return new X509Certificate(await readFile(options.certificateFile)).serialNumber;
      } catch {
        return undefined;
      }
    },
    { timeoutMs: 30_000, what: 'the first certificate', process: agent },
  );
  const server = options.start();
  const ca = await fetchDevCa(options.vault.address);
  await waitFor(
    () =>
      server.child.exitCode === null ? handshake(options.port, ca, 1000).catch(() => undefined) : 'exited',
    { timeoutMs: 15_000, what: `${options.name} to serve TLS on 127.0.0.1:${options.port}` },
  );
  if (server.child.exitCode !== null) throw new Error(`${options.name} exited:\n${server.output.text}`);
  const report = await loadTls({ port: options.port, ca, durationMs: options.loadMs, ratePerSecond: 30 });
  const log = agent.output.stdout;
  const count = (message: string) => log.split(`"msg":"${message}"`).length - 1;
  const result = {
    report,
    checks: { ok: count('check succeeded'), failed: count('check failed') },
    reloads: { ok: count('command succeeded'), failed: count('command failed') },
  };
  console.log(
    `${options.name}-rotation: ${report.attempts} connections in ${report.seconds.toFixed(1)} s ` +
      `(${(report.attempts / report.seconds).toFixed(1)}/s), ${report.handshakes} handshakes ok, ` +
      `${report.failures.length} failed, ${report.serials.length - 1} serial changes seen; agent: ` +
      `${result.checks.ok} checks ok / ${result.checks.failed} failed, ` +
      `${result.reloads.ok} reloads ok / ${result.reloads.failed} failed`,
  );
  if (server.child.exitCode !== null) throw new Error(`${options.name} exited:\n${server.output.text}`);
  const code = await agent.stop('SIGTERM');
  if (code !== 0)
    throw new Error(`the agent exited with ${code}:\n${agent.output.stderr}${log.slice(-4000)}`);
  return result;
}

/** What both recipes must show: no failed handshake at ≥ 20 connections/s, ≥ 2 rotations served, every check and reload ok. */
export function expectSmoothRotation(result: RotationResult): void {
  expect(result.report.failures).toEqual([]);
  expect(result.report.attempts / result.report.seconds).toBeGreaterThanOrEqual(20);
  expect(result.report.serials.length - 1).toBeGreaterThanOrEqual(2);
  expect(result.checks.failed + result.reloads.failed).toBe(0);
  expect(result.reloads.ok).toBeGreaterThanOrEqual(3);
}

/** The per-file fixture of a rotation test: a dev server in its own process, a temp dir, the server under test. */
export interface RotationSandbox {
  readonly vault: DevServerProcess;
  readonly dir: string;
  /** Records the server process so the sandbox stops it after the test, whatever happened. */
  track(server: ServerProcess): ServerProcess;
}

/**
 * Registers the hooks that set up and tear down a rotation test's sandbox (nothing when `enabled` is false: the
 * program is not installed and the suite is skipped).
 */
export function rotationSandbox(name: string, enabled: boolean): RotationSandbox {
  let vault: DevServerProcess | undefined;
  let dir: string | undefined;
  let server: ServerProcess | undefined;
  beforeAll(async () => {
    if (!enabled) return;
    ensureBuilt();
    vault = await startDevServerProcess();
    dir = await mkdtemp(join(tmpdir(), `certagent-e2e-${name}-`));
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    await killAll();
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the ${name} sandbox has no ${what} (beforeAll did not run)`);
    return value;
  };
  return {
    get vault() {
      return ready(vault, 'dev server');
    },
    get dir() {
      return ready(dir, 'directory');
    },
    track(started) {
      server = started;
      return started;
    },
  };
}
