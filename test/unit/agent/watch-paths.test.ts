import { mkdtemp, rm, writeFile } from 'node:fs/promises';
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
});
