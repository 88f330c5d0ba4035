// Issue 7 point 4: login attempts follow the backoff only. The token file sits beside the agent's own log file
// and a busy state directory (real files, the real watcher); Vault is down or refuses the token; time is fake.

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { watch } from 'chokidar';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VaultHttpError, VaultUnreachableError } from '../../../src/vault/vault-errors.js';
import { withDeadline } from '../../helpers/deadline.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { stubVault, unitLifecycle } from './support/unit-lifecycle.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'certagent-lifecycle-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const failures = {
  'Vault down': () =>
    new VaultUnreachableError('Vault unreachable at http://127.0.0.1:1 (connection refused)'),
  'a 403': () =>
    new VaultHttpError({ status: 403, method: 'GET', path: 'auth/token/lookup-self', errors: ['denied'] }),
};

describe('token lifecycle: login attempts', () => {
  it.each(Object.keys(failures) as (keyof typeof failures)[])(
    '%s: N failures are N attempts spaced by the backoff, while files beside the token change',
    async (failure) => {
      const tokenFile = join(dir, 'token');
      await writeFile(tokenFile, 'hvs.fileToken123');
      await mkdir(join(dir, 'state'));
      const clock = new FakeClock();
      const attempts: number[] = [];
      const vault = stubVault(() => {
        attempts.push(clock.now());
        return failures[failure]();
      });
      // The agent's log file in the token's directory: every failure writes a line there.
      const logger = pino({ level: 'info' }, pino.destination({ dest: join(dir, 'agent.log'), sync: true }));
      const lifecycle = unitLifecycle({
        settings: { type: 'token_file', tokenFilePath: tokenFile },
        vault,
        clock,
        logger,
      });
      // An observer of the same directory: once it has seen a write, the lifecycle's watcher has had its chance.
      const observer = watch(dir, { ignoreInitial: true, depth: 0 });
      await new Promise<void>((ready) => observer.once('ready', () => ready()));
      const controller = new AbortController();
      const running = lifecycle.run(controller.signal);
      try {
        const start = clock.now();
        for (let step = 1; step <= 6; step++) {
          await asleep(clock);
          const seen = new Promise<void>((resolve) =>
            observer.on('all', (_event, path) => path.endsWith(`state-${step}.json`) && resolve()),
          );
          await writeFile(join(dir, 'state', `web-${step}.json`), `{"step":${step}}`);
          await writeFile(join(dir, `state-${step}.json`), `{"step":${step}}`);
          await seen;
          await asleep(clock);
          await new Promise((resolve) => setImmediate(resolve));
          expect(attempts.length).toBe(step);
          clock.advanceTo(await clock.nextSleep());
        }
        await asleep(clock);
        const gaps = attempts.slice(1).map((at, index) => at - attempts[index]!);
        expect(attempts[0]).toBe(start);
        expect(gaps).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000].slice(0, attempts.length - 1));
      } finally {
        controller.abort();
        await running;
        await observer.close();
      }
    },
  );
});

/** Resolves once the lifecycle sleeps on the fake clock (the clock's own event); the deadline names what never came. */
function asleep(clock: FakeClock): Promise<void> {
  return withDeadline(clock.waitForPending(), 3000, 'the lifecycle to sleep on the clock');
}

describe('token lifecycle: a refused token reported during the login backoff', () => {
  it('does not add attempts: logins stay one per growing backoff step', async () => {
    await writeFile(join(dir, 'role-id'), 'role-123');
    const clock = new FakeClock();
    const logins: number[] = [];
    const vault = stubVault((request) => {
      if (request.path === 'auth/approle/login') {
        logins.push(clock.now());
        if (logins.length > 1) return new VaultUnreachableError('Vault unreachable (connection refused)');
        return { auth: { client_token: 'hvs.firstToken1', lease_duration: 60, renewable: true } };
      }
      return new VaultHttpError({ status: 403, method: 'POST', path: request.path, errors: ['denied'] });
    });
    const lifecycle = unitLifecycle({
      settings: {
        type: 'approle',
        roleIdFilePath: join(dir, 'role-id'),
        secretIdFilePath: undefined,
        removeSecretIdFileAfterReading: false,
      },
      vault,
      clock,
    });
    const controller = new AbortController();
    const running = lifecycle.run(controller.signal);
    try {
      await asleep(clock);
      clock.advanceTo(await clock.nextSleep()); // the renewal at half the TTL: 403, then logins fail
      for (let step = 0; step < 5; step++) {
        await asleep(clock);
        // Every certificate request made with the old token is refused and reported.
        lifecycle.reportInvalid('hvs.firstToken1');
        lifecycle.reportInvalid('hvs.firstToken1');
        await asleep(clock);
        clock.advanceTo(await clock.nextSleep());
      }
      await asleep(clock);
      const gaps = logins.slice(2).map((at, index) => at - logins[index + 1]!);
      // One login per step, never two close together: each gap at least the minimum backoff and growing.
      expect(logins.length).toBeGreaterThanOrEqual(5);
      for (const [index, gap] of gaps.entries())
        expect(gap).toBeGreaterThanOrEqual(index === 0 ? 1000 : gaps[index - 1]!);
    } finally {
      controller.abort();
      await running;
    }
  });
});
