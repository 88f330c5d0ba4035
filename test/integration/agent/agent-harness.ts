// A whole agent (createAgent) against the in-process dev server, its config in a temp file that tests rewrite
// before asking for a reload. Log lines are collected as parsed JSON, and tests wait on them: every change a test
// waits for (files written, a failure counted, a reload applied) is followed by a line.

import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { Agent } from '../../../src/agent/create-agent.js';
import { createAgent } from '../../../src/agent/create-agent.js';
import type { Clock } from '../../../src/lib/clock.js';
import { loadConfig } from '../../../src/config/load-config.js';
import type { DevServer } from '../../../src/dev-server/index.js';
import type { LogLine } from '../../helpers/log-lines.js';
import { LogLines } from '../../helpers/log-lines.js';

export interface AgentHarness {
  readonly dir: string;
  readonly agent: Agent;
  readonly lines: LogLine[];
  readonly running: Promise<void>;
  /** PKI requests (issue and sign) the dev server answered so far. */
  pkiRequests(): number;
  writeConfig(text: string): Promise<void>;
  serial(path: string): Promise<string | undefined>;
  /** `probe`'s first answer (not undefined/false), checked now and after each log line; fails after `timeoutMs`. */
  until<T>(
    probe: () => T | undefined | false | Promise<T | undefined | false>,
    what: string,
    timeoutMs?: number,
  ): Promise<T>;
  stop(): Promise<void>;
}

export async function startAgent(
  server: DevServer,
  configText: (dir: string) => string,
  options: { readonly clock?: Clock } = {},
): Promise<AgentHarness> {
  const dir = await mkdtemp(join(tmpdir(), 'certagent-agent-'));
  const file = join(dir, 'agent.yaml');
  const env = { VAULT_ADDR: server.address, VAULT_TOKEN: server.rootToken };
  const writeConfig = (text: string) => writeFile(file, text);
  await writeConfig(configText(dir));
  const log = new LogLines();
  const load = () => loadConfig([file], { env, cwd: dir });
  const agent = createAgent({
    config: await load(),
    logger: pino({ level: 'debug' }, log.stream),
    loadConfig: load,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const controller = new AbortController();
  const running = agent.run(controller.signal);
  return {
    dir,
    agent,
    lines: log.lines,
    running,
    pkiRequests: () =>
      server.requests.countMatching('pki/issue/') + server.requests.countMatching('pki/sign/'),
    writeConfig,
    serial: async (path) => {
      const text = await readFile(path, 'utf8').catch(() => undefined);
      return text === undefined ? undefined : new X509Certificate(text).serialNumber;
    },
    until: (probe, what, timeoutMs) => log.until(probe, what, timeoutMs),
    stop: async () => {
      controller.abort();
      await running;
      await agent.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
