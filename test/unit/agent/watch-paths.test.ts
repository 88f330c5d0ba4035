import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StopWatching } from '../../../src/agent/watch-paths.js';
import { watchPaths } from '../../../src/agent/watch-paths.js';
import { withDeadline } from '../../helpers/deadline.js';

let dir: string;
let stop: StopWatching | undefined;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'certagent-watch-'));
});
afterEach(async () => {
  await stop?.();
  stop = undefined;
  await rm(dir, { recursive: true, force: true });
});

describe('watchPaths', () => {
  it('reports only the named files, once per burst, and not their neighbours', async () => {
    const watched = join(dir, 'web.hbs');
    const sentinel = join(dir, 'last.hbs');
    await writeFile(watched, 'a');
    const seen: string[] = [];
    let sawSentinel: () => void = () => undefined;
    const sentinelSeen = new Promise<void>((resolve) => (sawSentinel = resolve));
    stop = await watchPaths(
      [watched, sentinel],
      (path) => {
        seen.push(path);
        if (path === sentinel) sawSentinel();
      },
      { debounceMs: 50 },
    );
    await writeFile(join(dir, 'other.txt'), 'x');
    await writeFile(join(dir, '.web.hbs.tmp-123'), 'x');
    await writeFile(watched, '');
    await writeFile(watched, 'b');
    await writeFile(sentinel, 'z');
    // Events arrive in order: by the time the last file is reported, the others would have been.
    await withDeadline(sentinelSeen, 5_000, 'the last change');
    expect(seen).toEqual([watched, sentinel]);
  });

  it('survives a directory that does not exist, and nothing to watch at all', async () => {
    stop = await watchPaths([join(dir, 'missing', 'web.crt')], () => undefined);
    await (
      await watchPaths([], () => undefined)
    )();
  });

  it('follows a file whose directory is made after the watch began (two levels at once), and made again', async () => {
    const target = join(dir, 'made', 'later', 'web.crt');
    const seen: string[] = [];
    let waiting: { count: number; done: () => void } | undefined;
    const reported = (count: number) =>
      withDeadline(
        new Promise<void>((done) => {
          waiting = { count, done };
          if (seen.length >= count) done();
        }),
        5_000,
        `report ${count}`,
      );
    stop = await watchPaths(
      [target],
      (path) => {
        seen.push(path);
        if (waiting && seen.length >= waiting.count) waiting.done();
      },
      { debounceMs: 20 },
    );
    await mkdir(join(dir, 'made', 'later'), { recursive: true });
    await writeFile(target, 'first');
    await reported(1);
    await rm(target);
    await reported(2);
    // The directory itself removed (its file's deletion reported) and made anew: the file is followed again.
    await writeFile(target, 'again');
    await reported(3);
    await rm(join(dir, 'made'), { recursive: true });
    await reported(4);
    await mkdir(join(dir, 'made', 'later'), { recursive: true });
    await writeFile(target, 'second');
    await reported(5);
    expect(new Set(seen)).toEqual(new Set([target]));
  });
});
