// The render pass on a real filesystem with real commands: DESIGN §2 "Files".

import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CertificateBundle } from '../../../src/certs/bundle.js';
import type { CommandSpec, TemplateConfig } from '../../../src/config/runtime-config.js';
import { runRenderPass } from '../../../src/output/render-pass.js';
import { TemplateEngine } from '../../../src/templates/template-engine.js';
import { makeBundle } from '../../helpers/bundle-fixture.js';

const RECORD = join(import.meta.dirname, '../../fixtures/bin/record-call.mjs');
const HANG = join(import.meta.dirname, '../../fixtures/bin/hang.mjs');

let dir: string;
let lines: Record<string, unknown>[];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'certagent-pass-'));
  lines = [];
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const logger = () =>
  pino(
    { level: 'debug' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    }),
  );

function template(
  index: number,
  builtin: string,
  file: string,
  extra: Partial<TemplateConfig> = {},
): TemplateConfig {
  return {
    index,
    certificate: 'web',
    source: { kind: 'builtin', name: builtin },
    destination: join(dir, file),
    perms: undefined,
    user: undefined,
    group: undefined,
    backup: false,
    exec: undefined,
    ...extra,
  };
}

function record(log: string, ...files: string[]): CommandSpec {
  return { argv: [process.execPath, RECORD, join(dir, log), ...files.map((file) => join(dir, file))] };
}

async function calls(log: string): Promise<{ missing: string[] }[]> {
  try {
    return (await readFile(join(dir, log), 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { missing: string[] });
  } catch {
    return [];
  }
}

async function pass(
  templates: TemplateConfig[],
  bundles: Map<string, CertificateBundle>,
  engine = new TemplateEngine(),
) {
  return runRenderPass({
    templates,
    bundles,
    engine,
    logger: logger(),
    signal: new AbortController().signal,
  });
}

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
    expect((await stat(join(dir, 'key.pem'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'cert.pem'))).mode & 0o777).toBe(0o644);
    const order = lines.filter((line) => line.msg === 'file written').map((line) => line.destination);
    expect(order[0]).toBe(join(dir, 'key.pem'));

    const second = await pass(templates, new Map([['web', bundle]]));
    expect(second.templates.map((t) => t.result)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(second.commands).toEqual([]);
    expect(await calls('reload.log')).toHaveLength(1);
  });

  it('leaves templates without a bundle pending and writes nothing for them', async () => {
    const result = await pass([template(0, 'cert.pem', 'cert.pem')], new Map());
    expect(result.templates[0]!.result).toBe('pending');
    await expect(stat(join(dir, 'cert.pem'))).rejects.toMatchObject({ code: 'ENOENT' });
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
    await expect(stat(join(dir, 'key.pem'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('rolls every file back when a check fails, and runs no command', async () => {
    const first = await makeBundle();
    const exec = { check: undefined, command: undefined, timeoutMs: 10_000 };
    const templates = [
      template(0, 'cert.pem', 'cert.pem', { exec }),
      template(1, 'key.pem', 'key.pem', { exec }),
    ];
    await pass(templates, new Map([['web', first]]));
    const before = {
      cert: await readFile(join(dir, 'cert.pem'), 'utf8'),
      key: await readFile(join(dir, 'key.pem'), 'utf8'),
    };

    const failing: TemplateConfig['exec'] = {
      check: { shell: 'exit 1' },
      command: record('reload.log'),
      timeoutMs: 10_000,
    };
    const next = await makeBundle();
    const result = await pass(
      [
        template(0, 'cert.pem', 'cert.pem', { exec: failing }),
        template(1, 'key.pem', 'key.pem', { exec: failing }),
      ],
      new Map([['web', next]]),
    );
    expect(result).toMatchObject({ ok: false, rolledBack: true });
    expect(result.commands).toEqual([
      expect.objectContaining({ kind: 'check', result: 'failure', exitCode: 1 }),
    ]);
    expect(await readFile(join(dir, 'cert.pem'), 'utf8')).toBe(before.cert);
    expect(await readFile(join(dir, 'key.pem'), 'utf8')).toBe(before.key);
    expect(await calls('reload.log')).toEqual([]);
  });

  it('rolls back new files (removing them) when the command fails, and keeps a .bak when asked', async () => {
    await writeFile(join(dir, 'cert.pem'), 'old\n', { mode: 0o640 });
    const exec = { check: undefined, command: { shell: 'exit 7' } as CommandSpec, timeoutMs: 10_000 };
    const result = await pass(
      [
        template(0, 'cert.pem', 'cert.pem', { exec, backup: true }),
        template(1, 'key.pem', 'key.pem', { exec }),
      ],
      new Map([['web', await makeBundle()]]),
    );
    expect(result).toMatchObject({ ok: false, rolledBack: true });
    expect(await readFile(join(dir, 'cert.pem'), 'utf8')).toBe('old\n');
    expect((await stat(join(dir, 'cert.pem'))).mode & 0o777).toBe(0o640);
    await expect(stat(join(dir, 'key.pem'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readFile(join(dir, 'cert.pem.bak'), 'utf8')).toBe('old\n');
  });

  it('never logs file contents', async () => {
    const bundle = await makeBundle();
    await pass([template(0, 'key.pem', 'key.pem')], new Map([['web', bundle]]));
    expect(JSON.stringify(lines)).not.toContain(bundle.privateKey.split('\n')[1]!);
  });

  it('runs a check shared by two templates once, with the new files in place, then distinct commands in config order', async () => {
    const log = join(dir, 'order.log');
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

  it('rolls back when a command times out and reports the timeout', async () => {
    await writeFile(join(dir, 'cert.pem'), 'old\n', { mode: 0o644 });
    const exec = { check: undefined, command: { shell: 'exec sleep 30' }, timeoutMs: 200 };
    const result = await pass(
      [template(0, 'cert.pem', 'cert.pem', { exec })],
      new Map([['web', await makeBundle()]]),
    );
    expect(result).toMatchObject({ ok: false, rolledBack: true });
    expect(result.commands).toEqual([
      expect.objectContaining({ kind: 'command', result: 'timeout', exitCode: undefined }),
    ]);
    expect(result.templates[0]).toMatchObject({ result: 'error', error: expect.stringMatching(/timed out/) });
    expect(await readFile(join(dir, 'cert.pem'), 'utf8')).toBe('old\n');
    expect(lines.some((line) => line.msg === 'command failed' && line.timed_out === true)).toBe(true);
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
    expect(result.templates[1]!.error).toMatch(/user "no-such-user-certagent"/);
    await expect(stat(join(dir, 'key.pem'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readFile(join(dir, 'api.pem'), 'utf8')).toContain('BEGIN CERTIFICATE');
  });

  it('puts back the files already renamed and runs no command when a file cannot be put in place', async () => {
    // A directory where the file should go: planning sees no file, the rename then fails.
    await mkdir(join(dir, 'a-dir'));
    const exec = { check: undefined, command: record('reload.log'), timeoutMs: 10_000 };
    const templates = [
      template(0, 'key.pem', 'key.pem', { exec }),
      { ...template(1, 'cert.pem', 'cert.pem', { exec }), destination: join(dir, 'a-dir') },
    ];
    const result = await pass(templates, new Map([['web', await makeBundle()]]));
    expect(result).toMatchObject({ ok: false, rolledBack: true, commands: [] });
    expect(result.templates.map((t) => t.result)).toEqual(['error', 'error']);
    expect(result.templates[0]!.error).toMatch(/^write failed for .*a-dir/);
    // The key renamed first was removed again, and no temp file is left behind.
    expect(await readdir(dir)).toEqual(['a-dir']);
    expect(await readdir(join(dir, 'a-dir'))).toEqual([]);
    expect(await calls('reload.log')).toEqual([]);
  });

  it('rewrites a file whose mode drifted, runs its command, and keeps the old mode on the .bak', async () => {
    const exec = { check: undefined, command: record('reload.log'), timeoutMs: 10_000 };
    const templates = [template(0, 'key.pem', 'key.pem', { exec, backup: true })];
    const bundle = await makeBundle();
    await pass(templates, new Map([['web', bundle]]));
    await chmod(join(dir, 'key.pem'), 0o644);
    const result = await pass(templates, new Map([['web', bundle]]));
    expect(result.templates[0]!.result).toBe('written');
    expect((await stat(join(dir, 'key.pem'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'key.pem.bak'))).mode & 0o777).toBe(0o644);
    expect(await calls('reload.log')).toHaveLength(2);
  });

  it('reports the serial each file holds', async () => {
    const bundle = await makeBundle();
    const result = await pass([template(0, 'cert.pem', 'cert.pem')], new Map([['web', bundle]]));
    expect(result.templates[0]).toMatchObject({ result: 'written', serial: bundle.serialNumber });
  });

  it('stops a running command when the pass is aborted and puts the files back', async () => {
    const pidFile = join(dir, 'pid');
    const exec = {
      check: undefined,
      command: { argv: [process.execPath, HANG, pidFile] },
      timeoutMs: 60_000,
    };
    const controller = new AbortController();
    const running = runRenderPass({
      templates: [template(0, 'cert.pem', 'cert.pem', { exec })],
      bundles: new Map([['web', await makeBundle()]]),
      engine: new TemplateEngine(),
      logger: logger(),
      signal: controller.signal,
    });
    const deadline = Date.now() + 10_000;
    while (!(await readFile(pidFile, 'utf8').catch(() => '')) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    controller.abort();
    const result = await running;
    expect(result).toMatchObject({ ok: false, rolledBack: true });
    expect(result.commands).toEqual([expect.objectContaining({ kind: 'command', result: 'failure' })]);
    expect(result.templates[0]!.error).toMatch(/was stopped/);
    await expect(stat(join(dir, 'cert.pem'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('says when a command cannot be started', async () => {
    const exec = { check: { argv: [join(dir, 'no-such-binary')] }, command: undefined, timeoutMs: 10_000 };
    const result = await pass(
      [template(0, 'cert.pem', 'cert.pem', { exec })],
      new Map([['web', await makeBundle()]]),
    );
    expect(result.templates[0]!.error).toMatch(/could not be started/);
    expect(result.rolledBack).toBe(true);
  });
});
