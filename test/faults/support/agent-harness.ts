// The whole agent (createAgent: token, certificate sources, render loop, health, metrics) in this process,
// against the in-process dev server, on a chosen clock, with its log lines captured as objects so a scenario can
// count what happened. Every agent and server started here is stopped by `stopAll` (call it in afterEach).

import { createPublicKey, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { Agent } from '../../../src/agent/create-agent.js';
import { createAgent } from '../../../src/agent/create-agent.js';
import { parseConfigTexts } from '../../../src/config/load-config.js';
import type { DevServer } from '../../../src/dev-server/index.js';
import { startDevServer } from '../../../src/dev-server/index.js';
import type { Clock } from '../../../src/lib/clock.js';
import { systemClock } from '../../../src/lib/clock.js';
import type { VaultClient } from '../../../src/vault/types.js';

export const ROOT_TOKEN = 'faults-root-token';

/** One log line as pino wrote it. */
export type LogLine = Record<string, unknown> & { msg: string; level: number; time: number };

export interface RunningAgent {
  readonly agent: Agent;
  readonly logs: LogLine[];
  /** Settles when run() ends; rejects with what ended it when that was not the stop. */
  readonly done: Promise<void>;
  stop(): Promise<void>;
  /** Log lines whose message contains `text`. */
  lines(text: string): LogLine[];
  /** A counter's or gauge's value for these labels (0 when never set). */
  metric(name: MetricName, labels?: Record<string, string>): Promise<number>;
}

type MetricName = 'certificateIssues' | 'templateRenders' | 'commandRuns' | 'authLogins' | 'ready';

const cleanups: (() => Promise<void>)[] = [];

/** Registers something stopAll must undo (a proxy, a mount). */
export function onCleanup(cleanup: () => Promise<void>): void {
  cleanups.push(cleanup);
}

/** A scratch directory removed by stopAll. */
export async function scratchDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `certagent-faults-${prefix}-`));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A dev server on loopback with a known root token; port 0 unless a port is asked for (a restart). */
export async function startVault(options: { clock?: Clock; port?: number } = {}): Promise<DevServer> {
  const server = await startDevServer({
    host: '127.0.0.1',
    port: options.port ?? 0,
    rootToken: ROOT_TOKEN,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  // Closing twice (a test that stopped it already) only rejects, which stopAll ignores.
  cleanups.push(() => server.close());
  return server;
}

/** A loopback port that nothing listens on (a dev server started and closed on it). */
export async function freePort(): Promise<number> {
  const server = await startDevServer({ host: '127.0.0.1', port: 0 });
  const { port } = server;
  await server.close();
  return port;
}

export interface AgentSetup {
  /** The config; the token comes from VAULT_TOKEN (the dev server's root token) unless auto_auth is set. */
  readonly yaml: string;
  readonly clock?: Clock;
  readonly random?: () => number;
  /** Replaces the Vault client (to tamper with answers); the default is the agent's own. */
  readonly vault?: VaultClient;
}

/** Starts `createAgent(...).run()` and returns a handle; the agent is stopped by stopAll if the test does not. */
export function startAgent(setup: AgentSetup): RunningAgent {
  const config = parseConfigTexts([{ file: 'faults.yaml', text: setup.yaml }], {
    env: { VAULT_TOKEN: ROOT_TOKEN },
  });
  const logs: LogLine[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(JSON.parse(line)) });
  const agent = createAgent({
    config,
    logger,
    clock: setup.clock ?? systemClock,
    random: setup.random ?? Math.random,
    ...(setup.vault ? { vault: setup.vault } : {}),
  });
  const controller = new AbortController();
  const done = agent.run(controller.signal);
  done.catch(() => undefined);
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    controller.abort();
    await done.catch(() => undefined);
    await agent.close();
  };
  cleanups.push(stop);
  return {
    agent,
    logs,
    done,
    stop,
    lines: (text) => logs.filter((line) => line.msg.includes(text)),
    metric: async (name, labels = {}) => {
      const { values } = await agent.metrics[name].get();
      return values
        .filter((v) =>
          Object.entries(labels).every(
            ([k, want]) => String((v.labels as Record<string, unknown>)[k]) === want,
          ),
        )
        .reduce((sum, v) => sum + v.value, 0);
    },
  };
}

/** Stops every agent and server and removes every scratch directory, newest first. */
export async function stopAll(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
}

/** What a certificate file (and, optionally, its key) holds right now; undefined when missing or unreadable. */
export interface FilePair {
  readonly serial: string;
  readonly notBefore: number;
  readonly notAfter: number;
  readonly issuer: string;
  /** The key file's public key is the certificate's (true when no key file was given). */
  readonly match: boolean;
}

export async function readPair(certPath: string, keyPath?: string): Promise<FilePair | undefined> {
  try {
    const x509 = new X509Certificate(await readFile(certPath, 'utf8'));
    const spki = x509.publicKey.export({ type: 'spki', format: 'der' });
    const match =
      keyPath === undefined ||
      createPublicKey(await readFile(keyPath, 'utf8'))
        .export({ type: 'spki', format: 'der' })
        .equals(spki);
    return {
      serial: x509.serialNumber,
      notBefore: Date.parse(x509.validFrom),
      notAfter: Date.parse(x509.validTo),
      issuer: x509.issuer,
      match,
    };
  } catch {
    return undefined;
  }
}

/** Files in `dir` (recursively) named like the agent's temp files: `.NAME.HEX.tmp` or anything ending `.tmp`. */
export async function tempFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true }).catch(() => [] as string[]);
  return entries.filter((name) => name.endsWith('.tmp'));
}

/** The YAML of one EC certificate `web` rendered to key.pem + cert.pem in `dir`, plus extra template keys. */
export function webConfig(
  address: string,
  dir: string,
  options: { ttl?: string; exec?: string; vaultExtra?: string; top?: string; keyType?: string } = {},
): string {
  const exec = options.exec === undefined ? '' : `, exec: ${options.exec}`;
  return `vault: { address: ${address}${options.vaultExtra ?? ''} }
state_dir: ${join(dir, 'state')}
${options.top ?? ''}
certificates:
  web: { mount: pki, role: dev, common_name: web.example.test, ttl: ${options.ttl ?? '30s'}, ${options.keyType ?? 'key_type: ec'} }
templates:
  - { certificate: web, builtin: key.pem, destination: ${join(dir, 'out/key.pem')}${exec} }
  - { certificate: web, builtin: cert.pem, destination: ${join(dir, 'out/cert.pem')}${exec} }
`;
}
