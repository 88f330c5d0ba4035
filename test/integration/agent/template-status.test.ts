// /status over HTTP: a template entry whose last pass failed carries `last_error_code`, the stable code of the
// typed failure, as certificate entries do (TEMPLATE for a render error, EXEC_EXIT for a failed check,
// OUTPUT_WRITE_FAILED for a write the OS refused), and the log line of the failure carries the same code.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { useDevServer } from '../../helpers/dev-server.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import type { AgentHarness } from './agent-harness.js';
import { startAgent } from './agent-harness.js';

// A fake clock shared with the dev server: the failed pass's retry waits on it, so nothing runs twice unasked.
let clock: FakeClock;
const server = useDevServer(() => ({ clock: (clock = new FakeClock(Date.now())) }), 'each');
let h: AgentHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

type TemplateEntry = Record<string, unknown> & { destination: string };

/** An agent with a listener and one certificate `web` whose template is `template` (YAML flow mapping body). */
async function agentWith(template: (dir: string) => string): Promise<AgentHarness> {
  return startAgent(
    server(),
    (dir) => `
state_dir: ${join(dir, 'state')}
certificates:
  web: { mount: pki, role: dev, common_name: web.example.test }
templates:
  - { certificate: web, ${template(dir)} }
listener: { address: "127.0.0.1:0" }
`,
    { clock },
  );
}

/** The template entry of /status once the agent's first pass has failed (read after each log line). */
async function failedEntry(harness: AgentHarness): Promise<TemplateEntry> {
  const started = await harness.until(
    () => harness.lines.find((line) => String(line.msg).startsWith('listener started')),
    'the listener',
  );
  return harness.until(async () => {
    const reply = await fetch(`${String(started.address)}/status`);
    const status = (await reply.json()) as { templates: TemplateEntry[] };
    const entry = status.templates[0];
    return entry?.last_result === 'error' && entry;
  }, 'a failed template in /status');
}

/** The `error` of the first log line with message `msg`. */
function loggedError(harness: AgentHarness, msg: string): unknown {
  return harness.lines.find((line) => line.msg === msg)?.error;
}

describe('/status template entries', () => {
  it('a render failure: last_error names the template, last_error_code is TEMPLATE', async () => {
    h = await agentWith((dir) => `contents: "{{no_such_field}}", destination: ${join(dir, 'web.txt')}`);
    const entry = await failedEntry(h);
    expect(entry).toMatchObject({
      destination: join(h.dir, 'web.txt'),
      last_error: expect.stringMatching(/^template for .*web\.txt: "no_such_field" not defined/),
      last_error_code: 'TEMPLATE',
    });
    expect(loggedError(h, 'template failed')).toMatchObject({ code: 'TEMPLATE' });
  });

  it('a failed check: last_error says how it ended, last_error_code is EXEC_EXIT', async () => {
    h = await agentWith(
      (dir) =>
        `builtin: cert.pem, destination: ${join(dir, 'web.crt')}, exec: { check: ["sh", "-c", "exit 3"] }`,
    );
    const entry = await failedEntry(h);
    expect(entry).toMatchObject({
      last_error: "check sh -c 'exit 3' exited with 3",
      last_error_code: 'EXEC_EXIT',
    });
    expect(loggedError(h, 'check failed')).toMatchObject({ code: 'EXEC_EXIT' });
  });

  it('a write the OS refused: last_error has the OS code, last_error_code is OUTPUT_WRITE_FAILED', async () => {
    h = await agentWith((dir) => {
      // A directory where the file goes, made before the agent starts: planning sees no file there, and the
      // rename onto it fails with EISDIR.
      mkdirSync(join(dir, 'a-dir'));
      return `builtin: cert.pem, destination: ${join(dir, 'a-dir')}`;
    });
    const entry = await failedEntry(h);
    expect(entry).toMatchObject({
      last_error: expect.stringMatching(/^write failed for .*a-dir: EISDIR/),
      last_error_code: 'OUTPUT_WRITE_FAILED',
    });
    // The harness's plain pino shows the error's own fields; the agent's serializer (with the cause's EISDIR) is
    // covered in test/unit/output/write-pass-files.test.ts.
    expect(loggedError(h, 'file not written')).toMatchObject({ code: 'OUTPUT_WRITE_FAILED' });
    expect(h.lines.find((line) => line.msg === 'file not written')).toMatchObject({ code: 'EISDIR' });
  });
});
