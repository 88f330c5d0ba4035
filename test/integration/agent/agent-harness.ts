// A whole agent (createAgent) against the in-process dev server, its config in a temp file that tests rewrite
// before asking for a reload. Log lines are collected as parsed JSON.

import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { Agent } from '../../../src/agent/create-agent.js';
import { createAgent } from '../../../src/agent/create-agent.js';
import { loadConfig } from '../../../src/config/load-config.js';
import type { DevServer } from '../../../src/dev-server/index.js';

export interface AgentHarness {
  readonly dir: string;
  readonly agent: Agent;
  readonly lines: Record<string, unknown>[];
  readonly running: Promise<void>;
  /** PKI requests (issue and sign) the dev server answered so far. */
  pkiRequests(): number;
  writeConfig(text: string): Promise<void>;
  serial(path: string): Promise<string | undefined>;
  stop(): Promise<void>;
}

export async function startAgent(
  server: DevServer,
  configText: (dir: string) => string,
): Promise<AgentHarness> {
  const dir = await mkdtemp(join(tmpdir(), 'certagent-agent-'));
  const file = join(dir, 'agent.yaml');
  const env = { VAULT_ADDR: server.address, VAULT_TOKEN: server.rootToken };
  const writeConfig = (text: string) => writeFile(file, text);
  await writeConfig(configText(dir));
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const load = () => loadConfig([file], { env, cwd: dir });
  const agent = createAgent({
    config: await load(),
    logger: pino({ level: 'debug' }, sink),
    loadConfig: load,
  });
  const controller = new AbortController();
  const running = agent.run(controller.signal);
  return {
    dir,
    agent,
    lines,
    running,
    pkiRequests: () =>
      server.requests.countMatching('pki/issue/') + server.requests.countMatching('pki/sign/'),
    writeConfig,
    serial: async (path) => {
      const text = await readFile(path, 'utf8').catch(() => undefined);
      return text === undefined ? undefined : new X509Certificate(text).serialNumber;
    },
    stop: async () => {
      controller.abort();
      await running;
      await agent.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Polls `probe` until it answers something, failing after `timeoutMs` with what was awaited. */
export async function until<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
