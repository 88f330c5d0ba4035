// The destination going bad under a running agent: the output directory read-only for a while, then the disk
// full. With root and mount(2) allowed (this machine, the CI container) both are a real tiny tmpfs; elsewhere
// the agent's opens for writing in that directory fail with the same error code, injected through a mock of
// node:fs/promises that is a pass-through otherwise. Time-compressed (TIME_FACTOR).

import { constants } from 'node:fs';
import { mkdir, readFile, unlink } from 'node:fs/promises';
import type * as FsPromises from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, vi } from 'vitest';
import {
  readPair,
  scratchDir,
  startAgent,
  startVault,
  stopAll,
  tempFiles,
  webConfig,
} from './support/agent-harness.js';
import type { RunningAgent } from './support/agent-harness.js';
import { refreshReportAfterAll, round, scenario } from './support/reliability-report.js';
import { ScaledClock, TIME_FACTOR, pollUntil } from './support/scaled-clock.js';
import { fillUp, mountTinyTmpfs, remount } from './support/tiny-disk.js';

const injected = vi.hoisted(() => ({ dir: undefined as string | undefined, code: '' }));

vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof FsPromises>();
  const writing = (flags: unknown) =>
    typeof flags === 'number'
      ? (flags & (constants.O_WRONLY | constants.O_RDWR)) !== 0
      : typeof flags === 'string' && /[wa+]/.test(flags);
  const open = ((path: Parameters<typeof fs.open>[0], flags?: unknown, mode?: unknown) => {
    if (injected.dir !== undefined && String(path).startsWith(injected.dir) && writing(flags)) {
      const error = Object.assign(new Error(`${injected.code}: injected, open '${String(path)}'`), {
        code: injected.code,
        syscall: 'open',
        path: String(path),
      });
      return Promise.reject(error);
    }
    return fs.open(path, flags as never, mode as never);
  }) as typeof fs.open;
  return { ...fs, open, default: { ...fs, open } };
});

afterEach(async () => {
  injected.dir = undefined;
  await stopAll();
});
refreshReportAfterAll();

async function setUp(name: string) {
  const clock = new ScaledClock(TIME_FACTOR);
  const dir = await scratchDir(name);
  const out = join(dir, 'out');
  await mkdir(out);
  const mounted = await mountTinyTmpfs(out, 64);
  const vault = await startVault({ clock });
  const running = startAgent({ yaml: webConfig(vault.address, dir, { ttl: '20s' }), clock });
  const cert = join(out, 'cert.pem');
  const key = join(out, 'key.pem');
  const first = (await pollUntil(clock, () => readPair(cert, key), 60_000, 'the first files')).value;
  return { clock, out, cert, key, mounted, running, first };
}

/** Waits for the renewal's render pass to fail, then 5 s more; returns when the failures began. */
async function waitForWriteErrors(clock: ScaledClock, running: RunningAgent): Promise<number> {
  const { at } = await pollUntil(
    clock,
    async () => (await running.metric('templateRenders', { result: 'error' })) > 0,
    30_000,
    'a failed write',
  );
  await clock.wait(5_000);
  return at;
}

function causeLogged(running: RunningAgent, code: string): number {
  return running.logs.filter((line) => line.level >= 40 && JSON.stringify(line).includes(code)).length;
}

describe('destination faults', () => {
  scenario(
    'destination-unwritable',
    async (obs) => {
      const { clock, out, cert, key, mounted, running, first } = await setUp('unwritable');
      if (mounted) await remount(out, 'ro');
      else Object.assign(injected, { dir: out, code: 'EACCES' });
      const failingSince = await waitForWriteErrors(clock, running);
      const kept = (await readPair(cert, key))?.serial === first.serial;
      const errors = await running.metric('templateRenders', { result: 'error' });
      const code = mounted ? 'EROFS' : 'EACCES';
      const withCause = causeLogged(running, code);
      if (mounted) await remount(out, 'rw');
      else injected.dir = undefined;
      const writableAt = clock.now();
      const renewed = await pollUntil(
        clock,
        async () => ((p) => p?.match && p.serial !== first.serial)(await readPair(cert, key)),
        60_000,
        'the renewed files once writable',
      );
      obs.note(
        `virtual time; ${mounted ? 'tmpfs remounted read-only' : 'injected EACCES on open'} for ${round((writableAt - failingSince) / 1000)} s ` +
          `from the renewal: ${errors} failed writes, ${withCause} warning/error lines naming ${code}; previous files kept: ${kept}; ` +
          `renewed files written ${round((renewed.at - writableAt) / 1000)} s after the directory became writable`,
      );
      expect(kept).toBe(true);
      expect(renewed.at - writableAt).toBeLessThanOrEqual(20_000);
      expect(withCause).toBeGreaterThan(0);
    },
    { timeoutMs: 60_000 },
  );

  scenario(
    'disk-full',
    async (obs) => {
      const { clock, out, cert, key, mounted, running, first } = await setUp('disk-full');
      const before = [await readFile(cert, 'utf8'), await readFile(key, 'utf8')];
      const fillers = mounted ? await fillUp(out) : [];
      if (!mounted) Object.assign(injected, { dir: out, code: 'ENOSPC' });
      const failingSince = await waitForWriteErrors(clock, running);
      const intact =
        before[0] === (await readFile(cert, 'utf8')) && before[1] === (await readFile(key, 'utf8'));
      const temps = (await tempFiles(out)).length;
      const withCause = causeLogged(running, 'ENOSPC');
      const errors = await running.metric('templateRenders', { result: 'error' });
      for (const filler of fillers) await unlink(filler).catch(() => undefined);
      injected.dir = undefined;
      const freedAt = clock.now();
      const renewed = await pollUntil(
        clock,
        async () => ((p) => p?.match && p.serial !== first.serial)(await readPair(cert, key)),
        60_000,
        'the renewed files once space is freed',
      );
      obs.note(
        `virtual time; ${mounted ? '64 KiB tmpfs filled to the last byte' : 'injected ENOSPC on open'} for ` +
          `${round((freedAt - failingSince) / 1000)} s from the renewal: ${errors} failed writes, ${withCause} ` +
          `warning/error lines naming ENOSPC; previous files byte-identical: ${intact}; temp files left: ${temps}; ` +
          `renewed files written ${round((renewed.at - freedAt) / 1000)} s after space was freed`,
      );
      expect(intact).toBe(true);
      expect(temps).toBe(0);
      expect(renewed.at - freedAt).toBeLessThanOrEqual(20_000);
      expect(withCause).toBeGreaterThan(0);
    },
    { timeoutMs: 60_000 },
  );
});
