import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeCommand, runCommand, succeeded } from '../../../src/exec/run-command.js';
import { waitForFile } from '../../helpers/file-watch.js';

const BIN = join(import.meta.dirname, '../../fixtures/bin');
const node = (script: string, ...args: string[]) => ({
  argv: [process.execPath, join(BIN, script), ...args],
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'certagent-exec-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** The pid the command wrote to `path`, once it has (the command is up): waits on the directory's events. */
async function pidFrom(path: string): Promise<number> {
  return Number(await waitForFile(path, `a pid in ${path}`));
}

/** Whether the process still runs; a zombie (dead, not yet reaped by whoever inherited it) counts as gone. */
async function alive(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (stat === undefined) return false;
  return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
}

describe('runCommand', () => {
  it('runs an argv array without a shell: spaces and ; arrive intact', async () => {
    const result = await runCommand(
      {
        argv: [
          process.execPath,
          '-e',
          'console.log(JSON.stringify(process.argv.slice(1)))',
          'a b; echo no',
          '$HOME',
        ],
      },
      { timeoutMs: 10_000 },
    );
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(['a b; echo no', '$HOME']);
  });

  it('runs a string under sh -c', async () => {
    const result = await runCommand({ shell: 'echo one; echo two >&2; exit 3' }, { timeoutMs: 10_000 });
    expect(result).toMatchObject({ exitCode: 3, stdout: 'one', stderr: 'two', timedOut: false });
  });

  it.each([0, 1, 42])('reports exit code %i with the output', async (code) => {
    const result = await runCommand(node('exit-with.mjs', String(code), 'hello', 'world'), {
      timeoutMs: 10_000,
    });
    expect(result).toMatchObject({ exitCode: code, stdout: 'hello world', stderr: 'err', timedOut: false });
    expect(succeeded(result)).toBe(code === 0);
  });

  it('passes extra environment variables on top of the agent’s own', async () => {
    const result = await runCommand(
      { shell: 'echo "$CERTAGENT_TEST_VAR:${PATH:+has-path}"' },
      { timeoutMs: 10_000, env: { CERTAGENT_TEST_VAR: 'set' } },
    );
    expect(result.stdout).toBe('set:has-path');
  });

  it('truncates long output', async () => {
    const result = await runCommand(
      { shell: 'head -c 100000 /dev/zero | tr "\\0" x' },
      { timeoutMs: 10_000 },
    );
    expect(result.stdout.length).toBeLessThan(5000);
    expect(result.stdout).toMatch(/^x{4096}… \(95904 more bytes\)$/);
  });

  it('kills a command that outlives its timeout and says so', async () => {
    const pidFile = join(dir, 'pid');
    const result = await runCommand({ shell: `echo $$ > '${pidFile}'; exec sleep 30` }, { timeoutMs: 300 });
    expect(result).toMatchObject({ timedOut: true, exitCode: undefined, signal: 'SIGTERM' });
    expect(succeeded(result)).toBe(false);
    expect(await alive(await pidFrom(pidFile))).toBe(false);
  });

  it('SIGKILLs a command that ignores SIGTERM after the grace', async () => {
    const pidFile = join(dir, 'pid');
    const started = Date.now();
    const result = await runCommand(
      { shell: `trap '' TERM; echo $$ > '${pidFile}'; exec sleep 30` },
      { timeoutMs: 300, killGraceMs: 200 },
    );
    expect(result).toMatchObject({ timedOut: true, signal: 'SIGKILL' });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await alive(await pidFrom(pidFile))).toBe(false);
  });

  it('kills the children of a shell command too, instead of waiting for them', async () => {
    const pidFile = join(dir, 'pid');
    const started = Date.now();
    // The sleep holds the output pipes: killing only sh would leave the run waiting 30 s for it.
    const result = await runCommand(
      { shell: `sleep 30 & echo $! > '${pidFile}'; wait; echo after` },
      { timeoutMs: 500 },
    );
    expect(result.timedOut).toBe(true);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await alive(await pidFrom(pidFile))).toBe(false);
  });

  it('stops a command when the signal aborts', async () => {
    const pidFile = join(dir, 'pid');
    const controller = new AbortController();
    const running = runCommand(node('hang.mjs', pidFile), { timeoutMs: 60_000, signal: controller.signal });
    const pid = await pidFrom(pidFile);
    controller.abort();
    const result = await running;
    expect(result).toMatchObject({ aborted: true, timedOut: false, exitCode: undefined });
    expect(succeeded(result)).toBe(false);
    expect(await alive(pid)).toBe(false);
  });

  it('reports a command that cannot start instead of throwing', async () => {
    const result = await runCommand({ argv: ['/nonexistent/reload'] }, { timeoutMs: 1000 });
    expect(result.startError).toBe('spawn /nonexistent/reload ENOENT');
    expect(result.exitCode).toBeUndefined();
  });

  it('describes commands for logs', () => {
    expect(describeCommand({ argv: ['nginx', '-s', 'reload'] })).toBe('nginx -s reload');
    expect(describeCommand({ shell: 'nginx -t && nginx -s reload' })).toBe('nginx -t && nginx -s reload');
  });

  it('never hands VAULT_* to a child, even without an explicit environment', async () => {
    process.env.VAULT_TOKEN = 'hvs.not-for-children';
    try {
      const result = await runCommand({ shell: 'env' }, { timeoutMs: 10_000 });
      expect(result.exitCode).toBe(0);
      expect(result.stdout).not.toMatch(/^VAULT_/m);
      expect(result.stdout).toMatch(/^PATH=/m);
    } finally {
      delete process.env.VAULT_TOKEN;
    }
  });
});
