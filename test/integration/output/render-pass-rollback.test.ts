// The render pass when something fails after files were written: checks, commands, renames, shutdown.

import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CommandSpec, TemplateConfig } from '../../../src/config/runtime-config.js';
import { runRenderPass } from '../../../src/output/render-pass.js';
import { TemplateEngine } from '../../../src/templates/template-engine.js';
import { makeBundle } from '../../helpers/bundle-fixture.js';
import { waitForFile } from '../../helpers/file-watch.js';
import { HANG, usePassHarness } from './pass-harness.js';

const h = usePassHarness();
const { template, record, calls, pass } = h;

describe('runRenderPass rollback', () => {
  it('rolls every file back when a check fails, and runs no command', async () => {
    const first = await makeBundle();
    const exec = { check: undefined, command: undefined, timeoutMs: 10_000 };
    const templates = [
      template(0, 'cert.pem', 'cert.pem', { exec }),
      template(1, 'key.pem', 'key.pem', { exec }),
    ];
    await pass(templates, new Map([['web', first]]));
    const before = {
      cert: await readFile(join(h.dir, 'cert.pem'), 'utf8'),
      key: await readFile(join(h.dir, 'key.pem'), 'utf8'),
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
    expect(await readFile(join(h.dir, 'cert.pem'), 'utf8')).toBe(before.cert);
    expect(await readFile(join(h.dir, 'key.pem'), 'utf8')).toBe(before.key);
    expect(await calls('reload.log')).toEqual([]);
  });

  // Issue 7 point 3: a failing reload must not undo validated files, and must never delete first-ever files.
  it('keeps the files when the command fails, owes the command, and keeps a .bak when asked', async () => {
    await writeFile(join(h.dir, 'cert.pem'), 'old\n', { mode: 0o640 });
    const exec = { check: undefined, command: { shell: 'exit 7' } as CommandSpec, timeoutMs: 10_000 };
    const bundle = await makeBundle();
    const result = await pass(
      [
        template(0, 'cert.pem', 'cert.pem', { exec, backup: true }),
        template(1, 'key.pem', 'key.pem', { exec }),
      ],
      new Map([['web', bundle]]),
    );
    expect(result).toMatchObject({ ok: false, rolledBack: false });
    expect(result.templates.map((t) => t.result)).toEqual(['written', 'written']);
    expect(result.pendingCommands).toEqual([
      expect.objectContaining({ kind: 'command', spec: { shell: 'exit 7' } }),
    ]);
    expect(result.problems).toEqual(['command exit 7 exited with 7; will retry']);
    expect(await readFile(join(h.dir, 'cert.pem'), 'utf8')).toBe(bundle.certificate + '\n');
    expect(await readFile(join(h.dir, 'key.pem'), 'utf8')).toContain('PRIVATE KEY');
    expect(await readFile(join(h.dir, 'cert.pem.bak'), 'utf8')).toBe('old\n');
    expect(
      h.lines.some((line) => line.msg === 'files are in place but a command failed; it will be retried'),
    ).toBe(true);
  });

  it('never deletes a first-ever file when a check fails: restores what had a previous version, keeps the rest', async () => {
    await writeFile(join(h.dir, 'cert.pem'), 'old\n', { mode: 0o644 });
    const exec = {
      check: { shell: 'exit 1' } as CommandSpec,
      command: record('reload.log'),
      timeoutMs: 10_000,
    };
    const bundle = await makeBundle();
    const result = await pass(
      [template(0, 'cert.pem', 'cert.pem', { exec }), template(1, 'key.pem', 'key.pem', { exec })],
      new Map([['web', bundle]]),
    );
    expect(result).toMatchObject({ ok: false, rolledBack: true });
    expect(await readFile(join(h.dir, 'cert.pem'), 'utf8')).toBe('old\n');
    expect(await readFile(join(h.dir, 'key.pem'), 'utf8')).toBe(bundle.privateKey.trim() + '\n');
    // The kept file is reported as on disk (readiness follows it); the restored one is not.
    expect(result.templates[0]!.result).toBe('error');
    expect(result.templates[0]!.onDisk).toBeUndefined();
    expect(result.templates[1]).toMatchObject({ result: 'error', onDisk: { serial: bundle.serialNumber } });
    expect(await calls('reload.log')).toEqual([]);
  });

  it('owes a command that times out and reports the timeout; the files stay', async () => {
    await writeFile(join(h.dir, 'cert.pem'), 'old\n', { mode: 0o644 });
    const exec = { check: undefined, command: { shell: 'exec sleep 30' }, timeoutMs: 200 };
    const result = await pass(
      [template(0, 'cert.pem', 'cert.pem', { exec })],
      new Map([['web', await makeBundle()]]),
    );
    expect(result).toMatchObject({ ok: false, rolledBack: false });
    expect(result.commands).toEqual([
      expect.objectContaining({ kind: 'command', result: 'timeout', exitCode: undefined }),
    ]);
    expect(result.problems[0]).toMatch(/timed out; will retry/);
    expect(result.templates[0]!.result).toBe('written');
    expect(await readFile(join(h.dir, 'cert.pem'), 'utf8')).toContain('BEGIN CERTIFICATE');
    expect(h.lines.some((line) => line.msg === 'command failed' && line.timed_out === true)).toBe(true);
  });

  it('puts back the files already renamed and runs no command when a file cannot be put in place', async () => {
    await writeFile(join(h.dir, 'key.pem'), 'old key\n', { mode: 0o600 });
    // A directory where the file should go: planning sees no file, the rename then fails.
    await mkdir(join(h.dir, 'a-dir'));
    const exec = { check: undefined, command: record('reload.log'), timeoutMs: 10_000 };
    const templates = [
      template(0, 'key.pem', 'key.pem', { exec }),
      { ...template(1, 'cert.pem', 'cert.pem', { exec }), destination: join(h.dir, 'a-dir') },
    ];
    const result = await pass(templates, new Map([['web', await makeBundle()]]));
    expect(result).toMatchObject({ ok: false, rolledBack: true, commands: [] });
    expect(result.templates.map((t) => t.result)).toEqual(['error', 'error']);
    expect(result.templates[0]!.error).toMatchObject({
      code: 'OUTPUT_WRITE_FAILED',
      osCode: 'EISDIR',
      message: expect.stringMatching(/^write failed for .*a-dir: EISDIR/),
    });
    // The key renamed first was restored, and no temp file is left behind.
    expect(await readFile(join(h.dir, 'key.pem'), 'utf8')).toBe('old key\n');
    expect((await readdir(h.dir)).sort()).toEqual(['a-dir', 'key.pem']);
    expect(await readdir(join(h.dir, 'a-dir'))).toEqual([]);
    expect(await calls('reload.log')).toEqual([]);
    // Issue 7 point 7: the log says which file and why, with the error code.
    const line = h.lines.find((entry) => entry.msg === 'file not written');
    expect(line).toMatchObject({ destination: join(h.dir, 'a-dir'), code: 'EISDIR' });
  });

  it('rewrites a file whose mode drifted, runs its command, and keeps the old mode on the .bak', async () => {
    const exec = { check: undefined, command: record('reload.log'), timeoutMs: 10_000 };
    const templates = [template(0, 'key.pem', 'key.pem', { exec, backup: true })];
    const bundle = await makeBundle();
    await pass(templates, new Map([['web', bundle]]));
    await chmod(join(h.dir, 'key.pem'), 0o644);
    const result = await pass(templates, new Map([['web', bundle]]));
    expect(result.templates[0]!.result).toBe('written');
    expect((await stat(join(h.dir, 'key.pem'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(h.dir, 'key.pem.bak'))).mode & 0o777).toBe(0o644);
    expect(await calls('reload.log')).toHaveLength(2);
  });

  it('stops a running command when the pass is aborted, keeps the files and still owes the command', async () => {
    const pidFile = join(h.dir, 'pid');
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
      logger: h.logger(),
      signal: controller.signal,
    });
    // The command is another process: its pid file appearing (a file-system event) says it is running.
    await waitForFile(pidFile, 'the hanging command to start');
    controller.abort();
    const result = await running;
    expect(result).toMatchObject({ ok: false, rolledBack: false });
    expect(result.commands).toEqual([expect.objectContaining({ kind: 'command', result: 'failure' })]);
    expect(result.problems[0]).toMatch(/was stopped/);
    expect(result.pendingCommands).toHaveLength(1);
    expect(await readFile(join(h.dir, 'cert.pem'), 'utf8')).toContain('BEGIN CERTIFICATE');
  });

  it('says when a command cannot be started', async () => {
    const exec = { check: { argv: [join(h.dir, 'no-such-binary')] }, command: undefined, timeoutMs: 10_000 };
    const result = await pass(
      [template(0, 'cert.pem', 'cert.pem', { exec })],
      new Map([['web', await makeBundle()]]),
    );
    expect(result.templates[0]!.error).toMatchObject({
      code: 'EXEC_NOT_STARTED',
      message: expect.stringMatching(/could not be started/),
    });
    // A first-ever file is kept even though its check failed.
    expect(result.rolledBack).toBe(false);
    expect(await readFile(join(h.dir, 'cert.pem'), 'utf8')).toContain('BEGIN CERTIFICATE');
  });
});
