// Checks and reload commands misbehaving: a check that fails (roll back to the previous files, never delete
// first-ever files, retry without re-issuing), a reload command that fails (keep the new files, retry the
// command), a command that hangs (killed at exec.timeout). The first two are time-compressed (TIME_FACTOR); the hanging
// command runs in real time because exec.timeout is a real timer.

import { readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect } from 'vitest';
import { systemClock } from '../../src/lib/clock.js';
import { ROOT } from '../helpers/cli-process.js';
import { readPair, scratchDir, startAgent, startVault, stopAll, webConfig } from './support/agent-harness.js';
import { refreshReportAfterAll, round, scenario } from './support/reliability-report.js';
import { ScaledClock, TIME_FACTOR, pollUntil } from './support/scaled-clock.js';

afterEach(stopAll);
refreshReportAfterAll();

const HANG = join(ROOT, 'test/fixtures/bin/hang.mjs');

async function setUp(name: string) {
  const dir = await scratchDir(name);
  await mkdir(join(dir, 'out'));
  const flag = join(dir, 'FLAG');
  return { dir, flag, cert: join(dir, 'out/cert.pem'), key: join(dir, 'out/key.pem') };
}

const renewedFrom = (serial: string) => (pair: Awaited<ReturnType<typeof readPair>>) =>
  pair?.match === true && pair.serial !== serial;

describe('checks and commands failing', () => {
  scenario(
    'check-failing',
    async (obs) => {
      const clock = new ScaledClock(TIME_FACTOR);
      const { dir, flag, cert, key } = await setUp('check');
      const vault = await startVault({ clock });
      await writeFile(flag, '');
      const check = JSON.stringify(['sh', '-c', `test ! -e ${flag}`]);
      const running = startAgent({
        yaml: webConfig(vault.address, dir, { ttl: '40s', exec: `{ check: ${check} }` }),
        clock,
      });
      await pollUntil(
        clock,
        async () => (await running.metric('commandRuns', { kind: 'check', result: 'failure' })) > 0,
        20_000,
        'the first check to fail',
      );
      await clock.wait(500);
      const firstEverKept = (await readPair(cert, key))?.match === true;
      await rm(flag);
      const checkPassed = async () =>
        (await running.metric('commandRuns', { kind: 'check', result: 'success' })) > 0;
      await pollUntil(clock, checkPassed, 30_000, 'the check to pass');
      const first = (
        await pollUntil(clock, () => readPair(cert, key), 1_000, 'the files once the check passed')
      ).value;
      await writeFile(flag, '');
      const signsBefore = vault.requests.countMatching('pki/sign/');
      const failuresBefore = await running.metric('commandRuns', { kind: 'check', result: 'failure' });
      await pollUntil(
        clock,
        async () =>
          (await running.metric('commandRuns', { kind: 'check', result: 'failure' })) > failuresBefore,
        60_000,
        'the renewal check to fail',
      );
      const failingSince = clock.now();
      await clock.wait(5_000);
      const restored = (await readPair(cert, key))?.serial === first.serial;
      const checkFailures =
        (await running.metric('commandRuns', { kind: 'check', result: 'failure' })) - failuresBefore;
      const signsWhileFailing = vault.requests.countMatching('pki/sign/') - signsBefore;
      await rm(flag);
      const passingAt = clock.now();
      const renewed = await pollUntil(
        clock,
        async () => renewedFrom(first.serial)(await readPair(cert, key)),
        30_000,
        'the renewed files once the check passes',
      );
      const signsInAll = vault.requests.countMatching('pki/sign/') - signsBefore;
      obs.note(
        `virtual time; first pass with the check failing: first-ever files ${firstEverKept ? 'kept' : 'DELETED'}; ` +
          `renewal with the check failing for ${round((passingAt - failingSince) / 1000)} s: previous files restored: ${restored}, ` +
          `${checkFailures} check failures (retries with backoff), ${signsWhileFailing} certificate request(s) meanwhile; ` +
          `new files in place ${round((renewed.at - passingAt) / 1000)} s after the check passed, ${signsInAll} request(s) in all`,
      );
      expect(restored).toBe(true);
      expect(checkFailures).toBeLessThanOrEqual(6);
      expect(signsInAll).toBe(1);
      expect(firstEverKept).toBe(true);
    },
    { timeoutMs: 60_000 },
  );

  scenario(
    'command-failing',
    async (obs) => {
      const clock = new ScaledClock(TIME_FACTOR);
      const { dir, flag, cert, key } = await setUp('command');
      const runs = join(dir, 'runs.log');
      const vault = await startVault({ clock });
      const command = JSON.stringify(['sh', '-c', `echo run >> ${runs}; test ! -e ${flag}`]);
      const running = startAgent({
        yaml: webConfig(vault.address, dir, { ttl: '20s', exec: `{ command: ${command} }` }),
        clock,
      });
      const first = (await pollUntil(clock, () => readPair(cert, key), 60_000, 'the first files')).value;
      const reloaded = async () =>
        (await running.metric('commandRuns', { kind: 'command', result: 'success' })) > 0;
      await pollUntil(clock, reloaded, 20_000, 'the first reload');
      await writeFile(flag, '');
      await pollUntil(
        clock,
        async () => (await running.metric('commandRuns', { kind: 'command', result: 'failure' })) > 0,
        30_000,
        'the reload to fail',
      );
      const failingSince = clock.now();
      const onDisk = await readPair(cert, key);
      const kept = onDisk?.match === true && onDisk.serial !== first.serial;
      await clock.wait(5_000);
      const failures = await running.metric('commandRuns', { kind: 'command', result: 'failure' });
      await rm(flag);
      const fixedAt = clock.now();
      await pollUntil(
        clock,
        async () => (await running.metric('commandRuns', { kind: 'command', result: 'success' })) >= 2,
        30_000,
        'the reload to be retried and succeed',
      );
      const total = (await readFile(runs, 'utf8')).split('\n').filter(Boolean).length;
      obs.note(
        `virtual time; reload failing for ${round((fixedAt - failingSince) / 1000)} s from the renewal: new files kept ` +
          `in place: ${kept} (serial ${onDisk?.serial === first.serial ? 'rolled back' : 'new'}); ${failures} failed runs; ` +
          `the reload succeeded after it was fixed; ${total} runs in all`,
      );
      expect(kept).toBe(true);
      expect(failures).toBeGreaterThanOrEqual(2);
      expect(failures).toBeLessThanOrEqual(6);
    },
    { timeoutMs: 60_000 },
  );

  scenario(
    'command-hanging',
    async (obs) => {
      const { dir, cert, key } = await setUp('hang');
      const pidFile = join(dir, 'hang.pid');
      const vault = await startVault();
      const command = JSON.stringify([process.execPath, HANG, pidFile]);
      const running = startAgent({
        yaml: webConfig(vault.address, dir, { ttl: '8s', exec: `{ command: ${command}, timeout: 1s }` }),
      });
      const first = (await pollUntil(systemClock, () => readPair(cert, key), 60_000, 'the first files'))
        .value;
      const pids = new Set<number>();
      const started = Date.now();
      const renewed = await pollUntil(
        systemClock,
        async () => {
          const pid = Number(await readFile(pidFile, 'utf8').catch(() => ''));
          if (pid > 0) pids.add(pid);
          return renewedFrom(first.serial)(await readPair(cert, key));
        },
        20_000,
        'a renewal while the reload hangs',
      );
      const timeouts = await running.metric('commandRuns', { kind: 'command', result: 'timeout' });
      await pollUntil(
        systemClock,
        () => [...pids].every((pid) => !alive(pid)),
        5_000,
        'the hung commands to be gone',
      ).catch(() => undefined);
      const left = [...pids].filter(alive).length;
      obs.note(
        `real time; a reload that never ends, exec.timeout 1 s: ${timeouts} runs ended as timeout, the certificate ` +
          `still renewed ${round((renewed.at - started) / 1000)} s later, ${pids.size} hung processes started, ${left} left alive`,
      );
      expect(timeouts).toBeGreaterThanOrEqual(1);
      expect(left).toBe(0);
    },
    { timeoutMs: 60_000 },
  );
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
