// Issue 7 point 11: what the lifecycle registers for scrubbing — the secret_id and JWTs it sends, every token —
// and that re-logins do not grow the registry.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuthMethodSettings } from '../../../src/config/runtime-config.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import type { VaultRequest } from '../../../src/vault/types.js';
import { VaultHttpError } from '../../../src/vault/vault-errors.js';
import { withDeadline } from '../../helpers/deadline.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { stubVault, unitLifecycle } from './support/unit-lifecycle.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'certagent-secrets-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** Runs a lifecycle for `settings` against `answer`, with the agent's real logger captured as text. */
function start(settings: AuthMethodSettings, answer: (request: VaultRequest) => unknown) {
  const clock = new FakeClock();
  let logs = '';
  const { logger, secrets } = createLogger(
    { level: 'debug' },
    new Writable({ write: (chunk: Buffer, _encoding, done) => ((logs += chunk.toString()), done()) }),
  );
  const lifecycle = unitLifecycle({
    settings,
    vault: stubVault(answer),
    clock,
    logger,
    registerSecret: (value, use) => secrets.register(value, use),
  });
  const controller = new AbortController();
  const running = lifecycle.run(controller.signal);
  return {
    clock,
    secrets,
    lifecycle,
    logs: () => logs,
    stop: async () => {
      controller.abort();
      await running;
    },
  };
}

/** A Vault that quotes the request body in its error, as a misconfigured proxy might. */
const echoing = (request: VaultRequest) =>
  new VaultHttpError({
    status: 400,
    method: 'POST',
    path: request.path,
    errors: [`cannot parse ${JSON.stringify(request.body)}`],
  });

/** `count` times: waits for the lifecycle to sleep on the fake clock (the clock's own event), then wakes it. */
async function steps(clock: FakeClock, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await withDeadline(clock.waitForPending(), 3000, `the lifecycle to sleep on the clock (step ${i + 1})`);
    clock.advanceTo(await clock.nextSleep());
  }
}

describe('token lifecycle: secrets registered for scrubbing', () => {
  it.each([
    ['jwt', (path: string): AuthMethodSettings => ({ type: 'jwt', role: 'r', path })],
    [
      'kubernetes',
      (path: string): AuthMethodSettings => ({ type: 'kubernetes', role: 'r', tokenPath: path }),
    ],
  ])('%s: the JWT never reaches the log, even quoted in an error', async (_type, settings) => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZ2VudCJ9.c2lnbmF0dXJl';
    await writeFile(join(dir, 'jwt'), jwt);
    const run = start(settings(join(dir, 'jwt')), echoing);
    try {
      await steps(run.clock, 3);
      expect(run.logs()).toMatch(/login failed/);
      expect(run.logs()).not.toContain(jwt);
      expect(run.logs()).not.toContain('c2lnbmF0dXJl');
    } finally {
      await run.stop();
    }
  });

  it('approle: the secret_id never reaches the log, even quoted in an error', async () => {
    const secretId = '6a1b3c4d-0000-4e5f-9a8b-7c6d5e4f3a2b';
    await writeFile(join(dir, 'role-id'), 'role-123');
    await writeFile(join(dir, 'secret-id'), secretId);
    const run = start(
      {
        type: 'approle',
        roleIdFilePath: join(dir, 'role-id'),
        secretIdFilePath: join(dir, 'secret-id'),
        removeSecretIdFileAfterReading: false,
      },
      echoing,
    );
    try {
      await steps(run.clock, 3);
      expect(run.logs()).toMatch(/login failed/);
      expect(run.logs()).not.toContain(secretId);
    } finally {
      await run.stop();
    }
  });

  it('200 re-logins leave a bounded registry that still scrubs the current and the previous token', async () => {
    await writeFile(join(dir, 'jwt'), 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln');
    let logins = 0;
    const run = start({ type: 'jwt', role: 'r', path: join(dir, 'jwt') }, () => ({
      auth: { client_token: `hvs.login-number-${++logins}`, lease_duration: 4, renewable: false },
    }));
    try {
      await steps(run.clock, 200);
      expect(logins).toBeGreaterThanOrEqual(100);
      expect(run.secrets.size).toBeLessThanOrEqual(10);
      const current = run.lifecycle.token.value!;
      expect(run.secrets.scrub(`${current} hvs.login-number-${logins - 1}`)).toBe('[REDACTED] [REDACTED]');
    } finally {
      await run.stop();
    }
  });
});
