import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { CommandSpec } from '../../../src/config/runtime-config.js';
import type { CommandOutcome, DueCommand } from '../../../src/exec/command-stage.js';
import { describeOutcome, runChecks, runCommands } from '../../../src/exec/command-stage.js';
import { runCommand } from '../../../src/exec/run-command.js';

// The stage runs real commands here: what is checked is how each way of ending becomes a typed failure.

function due(kind: 'check' | 'command', spec: CommandSpec, timeoutMs = 10_000): DueCommand {
  return { kind, spec, timeoutMs, index: 0, certificates: [], files: ['/tls/web.pem'] };
}

function stage(signal = new AbortController().signal) {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({}, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { options: { runner: runCommand, signal, logger, env: { PATH: process.env.PATH ?? '' } }, lines };
}

async function runOne(entry: DueCommand, signal?: AbortSignal) {
  const { options, lines } = stage(signal);
  const outcomes: CommandOutcome[] = [];
  const failed = await runCommands([entry], options, outcomes);
  return { outcome: outcomes[0]!, failed, lines };
}

describe('runCommands: typed failures', () => {
  it('a success has no failure', async () => {
    const { outcome, failed } = await runOne(due('command', { shell: 'exit 0' }));
    expect(outcome).toMatchObject({ result: 'success', exitCode: 0 });
    expect(outcome.failure).toBeUndefined();
    expect(failed).toEqual([]);
    expect(describeOutcome(outcome)).toBe('command exit 0 succeeded');
  });

  it('an exit code', async () => {
    const entry = due('command', { shell: 'exit 7' });
    const { outcome, failed, lines } = await runOne(entry);
    expect(outcome).toMatchObject({
      result: 'failure',
      exitCode: 7,
      failure: { reason: 'exit', exitCode: 7 },
    });
    expect(failed).toEqual([entry]);
    expect(describeOutcome(outcome)).toBe('command exit 7 exited with 7');
    expect(lines.at(-1)).toMatchObject({
      msg: 'command failed',
      level: 40,
      reason: 'exit',
      failure: 'exited with 7',
      exit_code: 7,
    });
  });

  it('a signal it did not get from certagent', async () => {
    const { outcome } = await runOne(due('command', { shell: 'kill -KILL $$' }));
    expect(outcome).toMatchObject({ result: 'failure', failure: { reason: 'signal', signal: 'SIGKILL' } });
    expect(describeOutcome(outcome)).toBe('command kill -KILL $$ was killed by SIGKILL');
  });

  it('a timeout, with the limit and the signal that ended it', async () => {
    const { outcome, lines } = await runOne(due('command', { shell: 'exec sleep 30' }, 300));
    expect(outcome).toMatchObject({
      result: 'timeout',
      exitCode: undefined,
      failure: { reason: 'timeout', timeoutMs: 300, signal: 'SIGTERM' },
    });
    expect(describeOutcome(outcome)).toBe('command exec sleep 30 timed out');
    expect(lines.at(-1)).toMatchObject({ reason: 'timeout', timed_out: true });
  });

  it('a command that cannot start, with why', async () => {
    const { outcome } = await runOne(due('command', { argv: ['/nonexistent/reload'] }));
    expect(outcome).toMatchObject({
      result: 'failure',
      failure: { reason: 'not-started', cause: 'spawn /nonexistent/reload ENOENT' },
    });
    expect(describeOutcome(outcome)).toBe(
      'command /nonexistent/reload could not be started: spawn /nonexistent/reload ENOENT',
    );
  });

  it('a signal with no process to send it to', async () => {
    const spec = { signal: { pidFile: '/nonexistent/app.pid', signal: 'SIGHUP' as const } };
    const { outcome } = await runOne(due('command', spec));
    expect(outcome.failure).toEqual({
      reason: 'not-started',
      cause: 'pid file /nonexistent/app.pid does not exist (is the process running?)',
    });
  });
});

describe('runChecks', () => {
  it('returns the failed check’s outcome and runs nothing after it', async () => {
    const { options } = stage();
    const outcomes: CommandOutcome[] = [];
    const failed = await runChecks(
      [due('check', { shell: 'exit 1' }), due('check', { shell: 'exit 0' })],
      options,
      outcomes,
    );
    expect(failed).toBe(outcomes[0]);
    expect(failed?.failure).toEqual({ reason: 'exit', exitCode: 1 });
    expect(outcomes).toHaveLength(1);
  });

  it('reports a check the stopping agent cut short as aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const { options } = stage(controller.signal);
    const failed = await runChecks([due('check', { shell: 'exec sleep 30' })], options, []);
    expect(failed).toMatchObject({ result: 'failure', failure: { reason: 'aborted' } });
    expect(describeOutcome(failed!)).toBe('check exec sleep 30 was stopped: the agent is stopping');
  });
});
