// Issue 7 point 8: temp files a SIGKILL left (some holding private keys) are removed at the next start, and
// only those: other programs' files in a shared directory stay.

import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StateStore } from '../../../src/certs/state-store.js';
import { destinationLocations, removeStaleTempFiles } from '../../../src/output/stale-temp-files.js';
import { createLogger } from '../../../src/telemetry/logger.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'certagent-stale-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function capture() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger({ level: 'debug' }, sink).logger, lines };
}

describe('removeStaleTempFiles', () => {
  it('removes the temp files of our destinations, their .bak, and anything of our naming in state_dir', async () => {
    const tls = join(dir, 'tls');
    const state = join(dir, 'state');
    await mkdir(tls);
    await mkdir(join(state, 'certificates'), { recursive: true });
    const ours = [
      join(tls, '.web.key.0123456789ab.tmp'),
      join(tls, '.web.crt.bak.abcdefabcdef.tmp'),
      join(state, 'certificates', '.web.json.00112233aabb.tmp'),
      join(state, '.token.ffffffffffff.tmp'),
    ];
    const theirs = [
      join(tls, '.other.pem.0123456789ab.tmp'), // another program's destination
      join(tls, '.web.key.0123.tmp'), // not our form
      join(tls, 'web.key'),
      join(state, 'certificates', 'web.json'),
    ];
    for (const file of [...ours, ...theirs]) await writeFile(file, 'x', { mode: 0o600 });
    await symlink('/etc/passwd', join(tls, '.web.crt.999999999999.tmp')); // not a regular file: left alone
    const { logger, lines } = capture();
    const locations = [
      ...(await destinationLocations([
        { destination: join(tls, 'web.key'), followSymlink: false },
        { destination: join(tls, 'web.crt'), followSymlink: false },
      ])),
      ...new StateStore(state).tempFileLocations(),
    ];
    expect(await removeStaleTempFiles(locations, logger)).toBe(4);
    expect((await readdir(tls)).sort()).toEqual(
      ['.other.pem.0123456789ab.tmp', '.web.crt.999999999999.tmp', '.web.key.0123.tmp', 'web.key'].sort(),
    );
    expect(await readdir(join(state, 'certificates'))).toEqual(['web.json']);
    expect(lines).toContainEqual(
      expect.objectContaining({
        msg: 'stale temp files from an interrupted run removed',
        removed: 4,
        files: expect.arrayContaining(ours),
      }),
    );
  });

  it('looks beside the target of a followed symlink, and does not mind missing directories', async () => {
    await mkdir(join(dir, 'real'));
    await symlink(join(dir, 'real', 'web.crt'), join(dir, 'web.crt'));
    await writeFile(join(dir, 'real', 'web.crt'), 'x');
    await writeFile(join(dir, 'real', '.web.crt.0123456789ab.tmp'), 'x');
    const { logger } = capture();
    const locations = await destinationLocations([
      { destination: join(dir, 'web.crt'), followSymlink: true },
      { destination: join(dir, 'missing', 'a.pem'), followSymlink: false },
    ]);
    expect(await removeStaleTempFiles(locations, logger)).toBe(1);
    expect(await readdir(join(dir, 'real'))).toEqual(['web.crt']);
  });
});
