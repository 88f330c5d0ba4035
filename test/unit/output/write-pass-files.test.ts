// Issue 7 point 7: a file that cannot be written is logged with its cause (error code and path) through the
// logger's error serializer, not only as "render pass incomplete". The failure is an OutputWriteError (stable code
// OUTPUT_WRITE_FAILED, the OS's code kept as its cause), so /status and the log carry the same code.

import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OutputWriteError } from '../../../src/output/output-errors.js';
import type { PlannedFile } from '../../../src/output/render-plan.js';
import { writePassFiles } from '../../../src/output/write-pass-files.js';
import { createLogger } from '../../../src/telemetry/logger.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'certagent-writes-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function plan(path: string): PlannedFile {
  return {
    path,
    contents: Buffer.from('x'),
    mode: 0o644,
    uid: undefined,
    gid: undefined,
    holdsKey: false,
    serial: '01',
    changed: true,
    previous: undefined,
  };
}

describe('writePassFiles', () => {
  it('logs a failed write with the destination, the error code and the path in the message', async () => {
    // A regular file where a directory should be: the kernel answers ENOTDIR (root cannot get EACCES here, and
    // ENOSPC/EROFS need a mount: the fault suite covers those).
    await writeFile(join(dir, 'not-a-dir'), '');
    const lines: Record<string, unknown>[] = [];
    const { logger } = createLogger(
      { level: 'info' },
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
          done();
        },
      }),
    );
    const good = plan(join(dir, 'good.pem'));
    const bad = plan(join(dir, 'not-a-dir', 'cert.pem'));
    const outcome = await writePassFiles(
      [
        { plan: good, backup: false },
        { plan: bad, backup: false },
      ],
      logger,
    );
    expect(outcome.written).toEqual([]);
    expect(outcome.error).toBeInstanceOf(OutputWriteError);
    expect(outcome.error).toMatchObject({
      code: 'OUTPUT_WRITE_FAILED',
      path: bad.path,
      osCode: 'ENOTDIR',
      message: expect.stringMatching(/^write failed for .*not-a-dir\/cert\.pem: ENOTDIR/),
      cause: expect.objectContaining({ code: 'ENOTDIR' }),
    });
    const line = lines.find((entry) => entry.msg === 'file not written');
    expect(line).toMatchObject({
      level: 'error',
      destination: bad.path,
      code: 'ENOTDIR',
      error: {
        type: 'OutputWriteError',
        code: 'OUTPUT_WRITE_FAILED',
        message: expect.stringContaining(join(dir, 'not-a-dir')),
        cause: { type: 'Error', code: 'ENOTDIR' },
      },
    });
    // An expected failure: its codes explain it, and a stack would only repeat where writes fail.
    expect(JSON.stringify(line)).not.toContain('"stack"');
    // The prepared temp file of the good one was discarded: nothing is left behind.
    expect(await readdir(dir)).toEqual(['not-a-dir']);
  });
});
