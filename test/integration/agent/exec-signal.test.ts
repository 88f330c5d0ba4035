import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { useDevServer } from '../../helpers/dev-server.js';
import type { AgentHarness } from './agent-harness.js';
import { startAgent, until } from './agent-harness.js';

const ON_SIGNAL = join(import.meta.dirname, '../../fixtures/bin/on-signal.mjs');
const server = useDevServer({}, 'each');
let h: AgentHarness | undefined;
let child: ReturnType<typeof spawn> | undefined;
afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await once(child, 'exit');
  }
  await h?.stop();
  h = undefined;
});

describe('exec.signal in a running agent', () => {
  it('a missing pid file is a failed command (counted, logged, retried); once the consumer runs it is signalled', async () => {
    h = await startAgent(
      server(),
      (dir) => `
state_dir: ${join(dir, 'state')}
certificates:
  web: { mount: pki, role: dev, common_name: web.example.test }
templates:
  - certificate: web
    builtin: cert.pem
    destination: ${join(dir, 'web.crt')}
    exec: { signal: { pid_file: ${join(dir, 'app.pid')}, signal: HUP } }
`,
    );
    const { dir } = h;
    const failures = async () =>
      /certagent_command_runs_total\{kind="command",result="failure"\} (\d+)/.exec(
        (await h!.agent.metrics.text()).body,
      )?.[1];
    await until(failures, 'a counted failure');
    expect(JSON.stringify(h.lines)).toContain(`pid file ${join(dir, 'app.pid')} does not exist`);

    child = spawn(process.execPath, [ON_SIGNAL, join(dir, 'app.pid'), join(dir, 'signals.log')], {
      stdio: 'ignore',
    });
    const log = await until(
      () => readFile(join(dir, 'signals.log'), 'utf8').catch(() => undefined),
      'the consumer to be signalled on a retry',
      15_000,
    );
    expect(log).toBe('SIGHUP\n');
    expect(h.pkiRequests()).toBe(1);
  });
});
