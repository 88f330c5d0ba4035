// Issue 7 point 5: the token-file watcher wakes only for the files it watches, with real files and a real watcher.

import { appendFile, mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { watchFiles } from '../../../../src/auth/methods/watch-files.js';
import { withDeadline } from '../../../helpers/deadline.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'certagent-watch-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** Counts wake-ups; `next()` resolves at the next one (or fails after a real-time deadline naming it). */
function counter() {
  let count = 0;
  let waiters: (() => void)[] = [];
  return {
    get count() {
      return count;
    },
    onChange: () => {
      count++;
      for (const resolve of waiters.splice(0)) resolve();
    },
    next: (what: string) =>
      // Generous: the deadline only names a wake-up that never came; 3 s was once exceeded on a loaded machine
      // (the full suite beside it), where chokidar's stat of 100 sibling events queued behind everything else.
      withDeadline(new Promise<void>((resolve) => waiters.push(resolve)), 15_000, `a wake-up for ${what}`),
    reset: () => {
      waiters = [];
    },
  };
}

/** Writes a lot beside the token: the agent's log file, state_dir files, rendered outputs, a nested tree. */
async function busySiblings(): Promise<void> {
  await mkdir(join(dir, 'state', 'deep', 'deeper'), { recursive: true });
  for (let i = 0; i < 20; i++) {
    await appendFile(join(dir, 'agent.log'), `{"msg":"line ${i}"}\n`);
    await writeFile(join(dir, 'state', `web-${i}.json`), `{"i":${i}}`);
    await writeFile(join(dir, 'state', 'deep', 'deeper', 'key.pem'), `key ${i}`);
    await writeFile(join(dir, 'cert.pem.tmp'), `cert ${i}`);
    await rename(join(dir, 'cert.pem.tmp'), join(dir, 'cert.pem'));
  }
}

describe('watchFiles', () => {
  it('ignores writes to siblings and same-content rewrites; wakes once per real change', async () => {
    const token = join(dir, 'token');
    await writeFile(token, 'hvs.first');
    const seen = counter();
    const stop = await watchFiles([token], seen.onChange);
    try {
      await busySiblings();
      await writeFile(token, 'hvs.first'); // a touch: same content
      // The real change is the barrier: events arrive in order, so every sibling event was handled before it.
      const changed = seen.next('the new token');
      await writeFile(token, 'hvs.second');
      await changed;
      expect(seen.count).toBe(1);

      const renamed = seen.next('a token replaced by rename');
      await busySiblings();
      await writeFile(join(dir, '.token.tmp'), 'hvs.third');
      await rename(join(dir, '.token.tmp'), token);
      await renamed;
      expect(seen.count).toBe(2);
    } finally {
      await stop();
    }
  });

  it("follows Kubernetes' ..data swap and an in-place edit of a symlink's target, but not the other files there", async () => {
    await mkdir(join(dir, '..2026_01'));
    await writeFile(join(dir, '..2026_01', 'token'), 'jwt-1');
    await writeFile(join(dir, '..2026_01', 'ca.crt'), 'ca-1');
    await symlink('..2026_01', join(dir, '..data'));
    await symlink(join('..data', 'token'), join(dir, 'token'));
    await symlink(join('..data', 'ca.crt'), join(dir, 'ca.crt'));
    const seen = counter();
    const stop = await watchFiles([join(dir, 'token')], seen.onChange);
    try {
      await writeFile(join(dir, '..2026_01', 'ca.crt'), 'ca-2'); // beside the target: ignored
      await busySiblings();
      const edited = seen.next('the target edited in place');
      await writeFile(join(dir, '..2026_01', 'token'), 'jwt-2');
      await edited;
      expect(seen.count).toBe(1);

      const swapped = seen.next('the ..data swap');
      await mkdir(join(dir, '..2026_02'));
      await writeFile(join(dir, '..2026_02', 'token'), 'jwt-3');
      await symlink('..2026_02', join(dir, '..data_tmp'));
      await rename(join(dir, '..data_tmp'), join(dir, '..data'));
      await swapped;
      expect(seen.count).toBe(2);

      // After the swap, the new target directory is the one followed.
      const editedAgain = seen.next('the new target edited');
      await rm(join(dir, '..2026_01'), { recursive: true });
      await writeFile(join(dir, '..2026_02', 'token'), 'jwt-4');
      await editedAgain;
      expect(seen.count).toBe(3);
    } finally {
      await stop();
    }
  });
});
