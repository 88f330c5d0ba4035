import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeCommand, runCommand, succeeded } from '../../../src/exec/run-command.js';
import { signalPidFile } from '../../../src/exec/signal-pid-file.js';
import { waitForFile } from '../../helpers/file-watch.js';

const ON_SIGNAL = join(import.meta.dirname, '../../fixtures/bin/on-signal.mjs');

let dir: string;
const children: ReturnType<typeof spawn>[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'certagent-signal-'));
});
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  }
  await rm(dir, { recursive: true, force: true });
});

describe('exec.signal through runCommand', () => {
  it('re-reads the pid file and signals the process it names', async () => {
    const pidFile = join(dir, 'app.pid');
    const log = join(dir, 'signals.log');
    const child = spawn(process.execPath, [ON_SIGNAL, pidFile, log], { stdio: 'ignore' });
    children.push(child);
    await waitForFile(pidFile, 'the pid file', (text) => text.trim() !== '');
    const spec = { signal: { pidFile, signal: 'SIGHUP' as const } };
    const result = await runCommand(spec, { timeoutMs: 5_000 });
    expect(succeeded(result)).toBe(true);
    expect(await waitForFile(log, 'the first signal')).toBe('SIGHUP\n');
    expect(describeCommand(spec)).toBe(`SIGHUP → $(cat ${pidFile})`);

    // The consumer restarts under a new pid: the next signal reaches the new process.
    child.kill('SIGKILL');
    await once(child, 'exit');
    const log2 = join(dir, 'signals2.log');
    await writeFile(pidFile, '');
    const second = spawn(process.execPath, [ON_SIGNAL, pidFile, log2], { stdio: 'ignore' });
    children.push(second);
    await waitForFile(pidFile, 'the new pid', (text) => Number(text) === second.pid);
    expect(succeeded(await runCommand(spec, { timeoutMs: 5_000 }))).toBe(true);
    expect(await waitForFile(log2, 'the second signal')).toBe('SIGHUP\n');
  });

  it('reports a stale pid file (no such process) as a failed command, without throwing', async () => {
    const pidFile = join(dir, 'app.pid');
    const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    await once(child, 'exit');
    await writeFile(pidFile, `${child.pid}\n`);
    const result = await runCommand({ signal: { pidFile, signal: 'SIGHUP' } }, { timeoutMs: 5_000 });
    expect(succeeded(result)).toBe(false);
    expect(result).toMatchObject({
      startError: `stale pid file ${pidFile}: no process ${child.pid}`,
      exitCode: undefined,
    });
  });
});

describe('signalPidFile', () => {
  const sent: [number, string][] = [];
  const deps = (contents: string | Error, kill?: Error) => ({
    readFile: async () => {
      if (contents instanceof Error) throw contents;
      return contents;
    },
    kill: (pid: number, signal: NodeJS.Signals) => {
      if (kill) throw kill;
      sent.push([pid, signal]);
    },
    ownPid: 4242,
  });
  const target = { pidFile: '/run/nginx.pid', signal: 'SIGHUP' as const };
  const errno = (code: string) => Object.assign(new Error(code), { code });

  it.each([
    [errno('ENOENT'), 'pid file /run/nginx.pid does not exist (is the process running?)'],
    [errno('EACCES'), 'cannot read pid file /run/nginx.pid: EACCES'],
    ['', 'pid file /run/nginx.pid does not hold a process id'],
    ['0\n', 'pid file /run/nginx.pid does not hold a process id'],
    ['-1\n', 'pid file /run/nginx.pid does not hold a process id'],
    ['12 13\n', 'pid file /run/nginx.pid does not hold a process id'],
    ['4242\n', 'pid file /run/nginx.pid names certagent itself (4242)'],
  ])('refuses %s: %s', async (contents, message) => {
    sent.length = 0;
    const result = await signalPidFile(target, deps(contents));
    expect(result.startError).toBe(message);
    expect(sent).toEqual([]);
  });

  it('names a process it may not signal', async () => {
    const result = await signalPidFile(target, deps('77\n', errno('EPERM')));
    expect(result.startError).toBe('not permitted to send SIGHUP to process 77');
  });

  it('sends the signal to the pid it read', async () => {
    sent.length = 0;
    const result = await signalPidFile(target, deps(' 77\n'));
    expect([result.exitCode, result.startError]).toEqual([0, undefined]);
    expect(sent).toEqual([[77, 'SIGHUP']]);
  });

  it('describes argv as typed, quoting only what needs it', () => {
    expect(describeCommand({ argv: ['nginx', '-s', 'reload'] })).toBe('nginx -s reload');
    expect(describeCommand({ argv: ['sh', '-c', "echo 'hi'; reload"] })).toBe(
      `sh -c 'echo '\\''hi'\\''; reload'`,
    );
  });
});
