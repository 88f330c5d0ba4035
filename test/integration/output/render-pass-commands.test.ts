// Checks and commands in a pass: what environment they get (issue 7 point 10) and how a failed reload command is
// owed and retried by later passes without touching the files (point 3).

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CommandFailedError } from '../../../src/exec/command-failure.js';
import type { DueCommand } from '../../../src/output/render-pass.js';
import { runRenderPass } from '../../../src/output/render-pass.js';
import { TemplateEngine } from '../../../src/templates/template-engine.js';
import { makeBundle } from '../../helpers/bundle-fixture.js';
import { usePassHarness } from './pass-harness.js';

const h = usePassHarness();
const { template, pass } = h;

function envFile(text: string): Map<string, string> {
  const vars = new Map<string, string>();
  // `env -0`: NUL-separated, so a value spanning lines (CERTAGENT_CHANGED_FILES) stays one entry.
  for (const entry of text.split('\0').filter(Boolean)) {
    const at = entry.indexOf('=');
    vars.set(entry.slice(0, at), entry.slice(at + 1));
  }
  return vars;
}

describe('the environment of checks and commands', () => {
  const saved = { ...process.env };
  beforeEach(() => {
    process.env.VAULT_TOKEN = 'hvs.must-not-reach-children';
    process.env.VAULT_ADDR = 'https://vault.test:8200';
    process.env.CERTAGENT_SERIAL = 'stale-value-from-outside';
  });
  afterEach(() => {
    for (const name of ['VAULT_TOKEN', 'VAULT_ADDR', 'CERTAGENT_SERIAL']) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  it('drops VAULT_* and sets CERTAGENT_KIND, CERTAGENT_CERTIFICATE, CERTAGENT_SERIAL, CERTAGENT_CHANGED_FILES', async () => {
    const checkEnv = join(h.dir, 'check.env');
    const commandEnv = join(h.dir, 'command.env');
    const exec = (file: string) => ({
      check: { shell: `env -0 > '${checkEnv}'` },
      command: { shell: `env -0 > '${file}'` },
      timeoutMs: 10_000,
    });
    const web = await makeBundle();
    const api = await makeBundle('api', 'api.example.test');
    const result = await pass(
      [
        template(0, 'cert.pem', 'cert.pem', { exec: exec(commandEnv) }),
        template(1, 'key.pem', 'key.pem', { exec: exec(commandEnv) }),
        { ...template(2, 'cert.pem', 'api.pem', { exec: exec(commandEnv) }), certificate: 'api' },
      ],
      new Map([
        ['web', web],
        ['api', api],
      ]),
    );
    expect(result.ok).toBe(true);
    const check = envFile(await readFile(checkEnv, 'utf8'));
    const command = envFile(await readFile(commandEnv, 'utf8'));
    for (const vars of [check, command]) {
      expect([...vars.keys()].filter((name) => name.startsWith('VAULT_'))).toEqual([]);
      expect(vars.get('PATH')).toBe(process.env.PATH);
      expect(vars.get('CERTAGENT_CERTIFICATE')).toBe('web api');
      expect(vars.get('CERTAGENT_SERIAL')).toBe(`${web.serialNumber} ${api.serialNumber}`);
      expect(vars.get('CERTAGENT_CHANGED_FILES')?.split('\n').sort()).toEqual(
        ['api.pem', 'cert.pem', 'key.pem'].map((file) => join(h.dir, file)),
      );
    }
    expect(check.get('CERTAGENT_KIND')).toBe('check');
    expect(command.get('CERTAGENT_KIND')).toBe('command');
  });
});

describe('a reload command that fails', () => {
  it('is owed: the next pass runs it again with the files unchanged, until it succeeds', async () => {
    const flag = join(h.dir, 'nginx-is-up');
    const log = join(h.dir, 'reload.log');
    const exec = {
      check: undefined,
      command: { shell: `echo "$CERTAGENT_SERIAL" >> '${log}'; test -e '${flag}'` },
      timeoutMs: 10_000,
    };
    const templates = [template(0, 'cert.pem', 'cert.pem', { exec })];
    const bundle = await makeBundle();
    const run = (pendingCommands: readonly DueCommand[]) =>
      runRenderPass({
        templates,
        bundles: new Map([['web', bundle]]),
        engine: new TemplateEngine(),
        pendingCommands,
        logger: h.logger(),
        signal: new AbortController().signal,
      });
    const first = await run([]);
    expect(first).toMatchObject({ ok: false, rolledBack: false });
    expect(first.pendingCommands).toHaveLength(1);

    const second = await run(first.pendingCommands);
    expect(second.templates[0]!.result).toBe('unchanged');
    expect(second.commands).toEqual([expect.objectContaining({ kind: 'command', result: 'failure' })]);
    expect(second.pendingCommands).toHaveLength(1);

    await writeFile(flag, '');
    const third = await run(second.pendingCommands);
    expect(third).toMatchObject({ ok: true, pendingCommands: [] });
    expect(third.commands).toEqual([expect.objectContaining({ kind: 'command', result: 'success' })]);
    // Each run was told which certificate the files on disk hold.
    expect((await readFile(log, 'utf8')).trim().split('\n')).toEqual(Array(3).fill(bundle.serialNumber));
    expect(await readFile(join(h.dir, 'cert.pem'), 'utf8')).toBe(`${bundle.certificate}\n`);
  });

  it('is superseded by the next pass that writes new files: one run, told about the newest serial', async () => {
    const log = join(h.dir, 'reload.log');
    const exec = {
      check: undefined,
      command: { shell: `echo "$CERTAGENT_SERIAL" >> '${log}'; exit 1` },
      timeoutMs: 10_000,
    };
    const templates = [template(0, 'cert.pem', 'cert.pem', { exec })];
    const first = await pass(templates, new Map([['web', await makeBundle()]]));
    const next = await makeBundle();
    const second = await runRenderPass({
      templates,
      bundles: new Map([['web', next]]),
      engine: new TemplateEngine(),
      pendingCommands: first.pendingCommands,
      logger: h.logger(),
      signal: new AbortController().signal,
    });
    expect(second.templates[0]!.result).toBe('written');
    expect(second.commands).toHaveLength(1);
    expect(second.pendingCommands).toEqual([
      expect.objectContaining({ certificates: [{ name: 'web', serial: next.serialNumber }] }),
    ]);
    expect((await readFile(log, 'utf8')).trim().split('\n').at(-1)).toBe(next.serialNumber);
  });

  it('stays owed when the next pass fails its check (the restored files were never reloaded either)', async () => {
    await writeFile(join(h.dir, 'cert.pem'), 'old\n');
    const owed: DueCommand = {
      kind: 'command',
      spec: { shell: 'exit 0' },
      timeoutMs: 1000,
      index: 0,
      certificates: [{ name: 'web', serial: '01' }],
      files: [join(h.dir, 'cert.pem')],
    };
    const result = await runRenderPass({
      templates: [
        template(0, 'cert.pem', 'cert.pem', {
          exec: { check: { shell: 'exit 1' }, command: undefined, timeoutMs: 10_000 },
        }),
      ],
      bundles: new Map([['web', await makeBundle()]]),
      engine: new TemplateEngine(),
      pendingCommands: [owed],
      logger: h.logger(),
      signal: new AbortController().signal,
    });
    expect(result).toMatchObject({ ok: false, rolledBack: true, pendingCommands: [owed] });
    expect(result.commands.map((c) => c.kind)).toEqual(['check']);
    // The template carries the check's typed failure, which /status and the log show by its code.
    expect(result.templates[0]!.error).toBeInstanceOf(CommandFailedError);
    expect(result.templates[0]!.error).toMatchObject({
      code: 'EXEC_EXIT',
      kind: 'check',
      failure: { reason: 'exit', exitCode: 1 },
      message: 'check exit 1 exited with 1',
    });
    expect(result.problems).toEqual([`${join(h.dir, 'cert.pem')}: check exit 1 exited with 1`]);
  });
});
