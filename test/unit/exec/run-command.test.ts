import { describe, expect, it } from 'vitest';
import { runCommand } from '../../../src/exec/run-command.js';

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

  it('kills a command that outlives its timeout and says so', async () => {
    const result = await runCommand(
      { argv: [process.execPath, '-e', 'setInterval(() => {}, 1000)'] },
      { timeoutMs: 200 },
    );
    expect(result.timedOut).toBe(true);
    expect(result.exitCode).toBeUndefined();
    expect(result.durationMs).toBeLessThan(5_000);
  });

  it('reports a command that cannot start instead of throwing', async () => {
    const result = await runCommand({ argv: ['/nonexistent/reload'] }, { timeoutMs: 1000 });
    expect(result.failedToStart).toBe(true);
    expect(result.exitCode).toBeUndefined();
  });
});
