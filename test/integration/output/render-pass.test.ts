// The render pass on a real filesystem with real commands: DESIGN §2 "Files" (what is written, when commands run).

import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeBundle } from '../../helpers/bundle-fixture.js';
import { usePassHarness } from './pass-harness.js';

const h = usePassHarness();
const { template, record, calls, pass } = h;

describe('runRenderPass', () => {
  it('writes every file (key first, default modes) before the one run of a shared command, then nothing changes', async () => {
    const bundle = await makeBundle();
    const reload = {
      check: undefined,
      command: record('reload.log', 'cert.pem', 'key.pem', 'ca.pem'),
      timeoutMs: 10_000,
    };
    const templates = [
      template(0, 'cert.pem', 'cert.pem', { exec: reload }),
      template(1, 'key.pem', 'key.pem', { exec: reload }),
      template(2, 'ca.pem', 'ca.pem'),
    ];
    const first = await pass(templates, new Map([['web', bundle]]));
    expect(first.ok).toBe(true);
    expect(first.templates.map((t) => t.result)).toEqual(['written', 'written', 'written']);
    expect(await calls('reload.log')).toEqual([{ at: expect.any(Number), missing: [] }]);
    expect(first.commands).toEqual([
      expect.objectContaining({ kind: 'command', result: 'success', exitCode: 0 }),
    ]);
    expect((await stat(join(h.dir, 'key.pem'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(h.dir, 'cert.pem'))).mode & 0o777).toBe(0o644);
    const order = h.lines.filter((line) => line.msg === 'file written').map((line) => line.destination);
    expect(order[0]).toBe(join(h.dir, 'key.pem'));

    const second = await pass(templates, new Map([['web', bundle]]));
    expect(second.templates.map((t) => t.result)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(second.commands).toEqual([]);
    expect(await calls('reload.log')).toHaveLength(1);
  });

  it('leaves templates without a bundle pending and writes nothing for them', async () => {
    const result = await pass([template(0, 'cert.pem', 'cert.pem')], new Map());
    expect(result.templates[0]!.result).toBe('pending');
    await expect(stat(join(h.dir, 'cert.pem'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('writes none of a certificate’s files when one of its templates fails to render', async () => {
    const templates = [
      template(0, 'key.pem', 'key.pem'),
      {
        ...template(1, 'cert.pem', 'cert.pem'),
        source: { kind: 'inline' as const, contents: '{{missing_field}}' },
      },
    ];
    const result = await pass(templates, new Map([['web', await makeBundle()]]));
    expect(result.ok).toBe(false);
    expect(result.templates.map((t) => t.result)).toEqual(['error', 'error']);
    await expect(stat(join(h.dir, 'key.pem'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('never logs file contents', async () => {
    const bundle = await makeBundle();
    await pass([template(0, 'key.pem', 'key.pem')], new Map([['web', bundle]]));
    expect(JSON.stringify(h.lines)).not.toContain(bundle.privateKey.split('\n')[1]!);
  });

  it('runs a check shared by two templates once, with the new files in place, then distinct commands in config order', async () => {
    const log = join(h.dir, 'order.log');
    const check = record('check.log', 'cert.pem', 'key.pem');
    const templates = [
      template(0, 'cert.pem', 'cert.pem', {
        exec: { check, command: { shell: `echo nginx >> '${log}'` }, timeoutMs: 10_000 },
      }),
      template(1, 'key.pem', 'key.pem', {
        exec: { check, command: { shell: `echo haproxy >> '${log}'` }, timeoutMs: 10_000 },
      }),
      template(2, 'ca.pem', 'ca.pem', {
        exec: { check: undefined, command: { shell: `echo nginx >> '${log}'` }, timeoutMs: 10_000 },
      }),
    ];
    const result = await pass(templates, new Map([['web', await makeBundle()]]));
    expect(result.ok).toBe(true);
    expect(await calls('check.log')).toEqual([{ at: expect.any(Number), missing: [] }]);
    expect(await readFile(log, 'utf8')).toBe('nginx\nhaproxy\n');
    expect(result.commands.map((c) => [c.kind, c.result])).toEqual([
      ['check', 'success'],
      ['command', 'success'],
      ['command', 'success'],
    ]);
    expect(result.commands[0]!.spec).toEqual(check);
  });

  it('holds back a certificate’s files when one template names an unknown user; other certificates go on', async () => {
    const templates = [
      template(0, 'key.pem', 'key.pem'),
      template(1, 'cert.pem', 'cert.pem', { user: 'no-such-user-certagent' }),
      { ...template(2, 'cert.pem', 'api.pem'), certificate: 'api' },
    ];
    const result = await pass(
      templates,
      new Map([
        ['web', await makeBundle()],
        ['api', await makeBundle('api', 'api.example.test')],
      ]),
    );
    expect(result.ok).toBe(false);
    expect(result.templates.map((t) => t.result)).toEqual(['error', 'error', 'written']);
    expect(result.templates[1]!.error).toMatchObject({
      code: 'OWNER_UNKNOWN',
      message: expect.stringMatching(/user "no-such-user-certagent"/),
    });
    // The key (planned fine) is held back by the certificate's failure, under a code of its own.
    expect(result.templates[0]!.error).toMatchObject({ code: 'TEMPLATE_HELD_BACK' });
    await expect(stat(join(h.dir, 'key.pem'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readFile(join(h.dir, 'api.pem'), 'utf8')).toContain('BEGIN CERTIFICATE');
  });

  it('reports the serial each file holds', async () => {
    const bundle = await makeBundle();
    const result = await pass([template(0, 'cert.pem', 'cert.pem')], new Map([['web', bundle]]));
    expect(result.templates[0]).toMatchObject({ result: 'written', serial: bundle.serialNumber });
  });
});
