// The render pass on a real filesystem with real commands: DESIGN §2 "Files".

import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
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
});
