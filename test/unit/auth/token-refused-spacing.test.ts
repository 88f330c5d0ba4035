// A 403 is answered with a login, but no more than one per backoff step, growing with every 403 in a row: even when
// every login succeeds and consumers report each new token refused at once (a policy that denies what they ask),
// the logins cannot become a loop.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/telemetry/logger.js';
import { withDeadline } from '../../helpers/deadline.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { LogLines } from '../../helpers/log-lines.js';
import { stubVault, unitLifecycle } from './support/unit-lifecycle.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'certagent-refused-spacing-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('token lifecycle: logins answering a 403', () => {
  it('one per backoff step (1 s, 2 s, 4 s with random 0), though every login succeeds', async () => {
    await writeFile(join(dir, 'role-id'), 'role-123');
    const clock = new FakeClock();
    const log = new LogLines();
    const { logger } = createLogger({ level: 'debug' }, log.stream);
    const logins: number[] = [];
    const vault = stubVault((request) => {
      if (request.path !== 'auth/approle/login') return new Error(`unexpected ${request.path}`);
      logins.push(clock.now());
      return { auth: { client_token: `hvs.login${logins.length}`, lease_duration: 3600, renewable: true } };
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
      logger,
    });
    const controller = new AbortController();
    const running = lifecycle.run(controller.signal);
    try {
      await log.until(() => logins.length === 1, 'the first login');
      await withDeadline(clock.waitForPending(2), 3000, 'the wait for the renewal');
      for (let step = 1; step <= 3; step++) {
        const requested = clock.requested.length;
        // Each new token is reported refused as soon as a consumer uses it.
        lifecycle.reportInvalid(lifecycle.token.value!);
        // The lifecycle waits again: for the login's backoff step (or, logged in at once, for the renewal).
        await withDeadline(clock.waitForSleeps(requested + 1), 3000, 'the next wait');
        if (logins.length === step) clock.advanceTo(await clock.nextSleep());
        await log.until(() => logins.length > step, `login ${step + 1}`, 3000);
        await withDeadline(clock.waitForPending(2), 3000, 'the wait for the renewal');
      }
      const gaps = logins.slice(1).map((at, index) => at - logins[index]!);
      expect(gaps).toEqual([1000, 2000, 4000]);
    } finally {
      controller.abort();
      await running;
    }
  });
});
