// The helpers tests wait with instead of polling: each must resolve on the event it names, not before it, and
// fail with the awaited thing's name when the event never comes.

import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withDeadline } from './deadline.js';
import { waitForFile } from './file-watch.js';
import { LogLines } from './log-lines.js';

describe('withDeadline', () => {
  it('passes the event through, and names what never happened', async () => {
    expect(await withDeadline(Promise.resolve(7), 1000, 'seven')).toBe(7);
    await expect(withDeadline(new Promise(() => undefined), 10, 'nothing')).rejects.toThrow(
      'timed out after 10 ms waiting for nothing',
    );
  });
});

describe('LogLines', () => {
  it('re-checks the probe on each line, and answers once it holds', async () => {
    const log = new LogLines();
    const logger = pino({ level: 'info' }, log.stream);
    let state = 0;
    let probes = 0;
    const waiting = log.until(() => (probes++, state >= 2 && state), 'state 2');
    await Promise.resolve();
    state = 1;
    logger.info('one');
    state = 2;
    logger.info('two');
    expect(await waiting).toBe(2);
    expect(probes).toBeLessThanOrEqual(3);
    expect(log.messages).toEqual(['one', 'two']);
  });

  it('finds a line logged before or after the call, from a given index', async () => {
    const log = new LogLines();
    const logger = pino({ level: 'info' }, log.stream);
    logger.info({ n: 1 }, 'tick');
    expect((await log.line((line) => line.msg === 'tick', 'a tick')).n).toBe(1);
    const later = log.line((line) => line.msg === 'tick', 'a second tick', log.lines.length);
    logger.info({ n: 2 }, 'tick');
    expect((await later).n).toBe(2);
    await expect(log.line((line) => line.msg === 'tock', 'a tock', 0, 20)).rejects.toThrow('a tock');
  });
});

describe('waitForFile', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'certagent-file-watch-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('resolves when the file gets contents it accepts, written after the wait began', async () => {
    const path = join(dir, 'signals.log');
    const waiting = waitForFile(path, 'two signals', (text) => text.split('\n').length > 2);
    await writeFile(join(dir, 'other'), 'x');
    await writeFile(path, 'SIGHUP\n');
    await appendFile(path, 'SIGUSR2\n');
    expect(await waiting).toBe('SIGHUP\nSIGUSR2\n');
  });

  it('resolves at once for a file already there, and fails naming the file it waited for', async () => {
    await writeFile(join(dir, 'pid'), '42');
    expect(await waitForFile(join(dir, 'pid'), 'the pid')).toBe('42');
    await expect(waitForFile(join(dir, 'never'), 'the missing file', undefined, 50)).rejects.toThrow(
      'the missing file',
    );
  });
});
