import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { useDevServer } from '../../helpers/dev-server.js';
import { withDeadline } from '../../helpers/deadline.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { waitForFile } from '../../helpers/file-watch.js';
import type { AgentHarness } from './agent-harness.js';
import { startAgent } from './agent-harness.js';

const ON_SIGNAL = join(import.meta.dirname, '../../fixtures/bin/on-signal.mjs');
// Agent and dev server share a fake clock: the render loop's retry happens when the test moves the clock, not
// after a real backoff of seconds.
let clock: FakeClock;
const server = useDevServer(() => ({ clock: (clock = new FakeClock(Date.now())) }), 'each');
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
      { clock },
    );
    const { dir } = h;
    const failures = async () =>
      /certagent_command_runs_total\{kind="command",result="failure"\} (\d+)/.exec(
        (await h!.agent.metrics.text()).body,
      )?.[1];
    await h.until(failures, 'a counted failure');
    expect(JSON.stringify(h.lines)).toContain(`pid file ${join(dir, 'app.pid')} does not exist`);

    child = spawn(process.execPath, [ON_SIGNAL, join(dir, 'app.pid'), join(dir, 'signals.log')], {
      stdio: 'ignore',
    });
    await waitForFile(join(dir, 'app.pid'), 'the consumer to write its pid file');
    // The failed pass left the render loop asleep on its backoff (the certificate's renewal is an hour away):
    // waking it is the retry that finds the consumer.
    const retries = h.lines.filter((line) => line.msg === 'retrying the render pass').length;
    clock.advanceTo(await withDeadline(clock.nextSleep(30_000), 10_000, 'the render retry'));
    const log = await waitForFile(join(dir, 'signals.log'), 'the consumer to be signalled on the retry');
    expect(log).toBe('SIGHUP\n');
    expect(h.lines.filter((line) => line.msg === 'retrying the render pass')).toHaveLength(retries + 1);
    expect(h.pkiRequests()).toBe(1);
  });
});
