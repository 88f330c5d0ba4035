import { describe, expect, it } from 'vitest';
import type { CommandResult } from '../../../src/exec/command-result.js';
import {
  CommandFailedError,
  describeFailure,
  failureOf,
  type CommandFailure,
} from '../../../src/exec/command-failure.js';
import { AgentError } from '../../../src/lib/errors.js';

const ran: CommandResult = {
  exitCode: 0,
  signal: undefined,
  timedOut: false,
  aborted: false,
  startError: undefined,
  stdout: '',
  stderr: '',
  durationMs: 12,
};

describe('failureOf', () => {
  it.each<[string, Partial<CommandResult>, CommandFailure | undefined]>([
    ['exit 0', {}, undefined],
    ['exit 3', { exitCode: 3 }, { reason: 'exit', exitCode: 3 }],
    ['killed', { exitCode: undefined, signal: 'SIGSEGV' }, { reason: 'signal', signal: 'SIGSEGV' }],
    [
      'timed out, SIGKILLed after the grace',
      { exitCode: undefined, signal: 'SIGKILL', timedOut: true },
      { reason: 'timeout', timeoutMs: 5_000, signal: 'SIGKILL' },
    ],
    // A command that traps SIGTERM and exits on its own still outlived its limit.
    ['timed out, exited 0 on SIGTERM', { timedOut: true }, { reason: 'timeout', timeoutMs: 5_000 }],
    ['aborted', { exitCode: undefined, signal: 'SIGTERM', aborted: true }, { reason: 'aborted' }],
    [
      'not started',
      { exitCode: undefined, startError: 'spawn nginx ENOENT' },
      { reason: 'not-started', cause: 'spawn nginx ENOENT' },
    ],
  ])('%s', (_, fields, expected) => {
    expect(failureOf({ ...ran, ...fields }, 5_000)).toEqual(expected);
  });
});

describe('describeFailure', () => {
  it.each<[CommandFailure, string]>([
    [{ reason: 'exit', exitCode: 1 }, 'exited with 1'],
    [{ reason: 'signal', signal: 'SIGKILL' }, 'was killed by SIGKILL'],
    [{ reason: 'timeout', timeoutMs: 300, signal: 'SIGTERM' }, 'timed out'],
    [{ reason: 'not-started', cause: 'spawn nginx ENOENT' }, 'could not be started: spawn nginx ENOENT'],
    [{ reason: 'aborted' }, 'was stopped: the agent is stopping'],
  ])('%j', (failure, words) => {
    expect(describeFailure(failure)).toBe(words);
  });
});

describe('CommandFailedError', () => {
  it.each<[CommandFailure, string]>([
    [{ reason: 'exit', exitCode: 1 }, 'EXEC_EXIT'],
    [{ reason: 'signal', signal: 'SIGKILL' }, 'EXEC_SIGNAL'],
    [{ reason: 'timeout', timeoutMs: 300, signal: 'SIGTERM' }, 'EXEC_TIMEOUT'],
    [{ reason: 'not-started', cause: 'spawn nginx ENOENT' }, 'EXEC_NOT_STARTED'],
    [{ reason: 'aborted' }, 'EXEC_ABORTED'],
  ])('%j has the stable code %s and says what ran and how it ended', (failure, code) => {
    const error = new CommandFailedError('check', 'nginx -t', failure);
    expect(error).toBeInstanceOf(AgentError);
    expect(error).toMatchObject({ code, kind: 'check', command: 'nginx -t', failure });
    expect(error.message).toBe(`check nginx -t ${describeFailure(failure)}`);
    expect(error.name).toBe('CommandFailedError');
  });
});
