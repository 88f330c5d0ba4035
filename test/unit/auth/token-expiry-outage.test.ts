// A renewable token that expires while Vault is down: renewal retries are spaced by the backoff (capped by the
// token's remaining life) up to its expiry, and stop there. Past the expiry the token is dead: the expiry is logged
// and the lifecycle waits for a new token, instead of retrying the dead token every minimum backoff forever.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/telemetry/logger.js';
import { VaultUnreachableError } from '../../../src/vault/vault-errors.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { LogLines } from '../../helpers/log-lines.js';
import { runUntilWaiting } from './support/run-until-waiting.js';
import { autoAuthFor, methodFor, stubVault, unitLifecycle } from './support/unit-lifecycle.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'certagent-expiry-outage-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('a renewable token expiring while Vault is down', () => {
  it('token_file: a handful of renewals spaced by the backoff, the expiry logged, then a wait for a new token', async () => {
    await writeFile(join(dir, 'token'), 'hvs.fileToken123');
    const clock = new FakeClock();
    const start = clock.now();
    const log = new LogLines();
    const { logger } = createLogger({ level: 'debug' }, log.stream);
    const renewals: number[] = [];
    const vault = stubVault((request) => {
      // The token is read while Vault still answers (60 s, renewable); every renewal after that finds it down.
      if (request.path === 'auth/token/lookup-self')
        return { data: { ttl: 60, creation_ttl: 60, renewable: true } };
      renewals.push(clock.now());
      return new VaultUnreachableError('Vault unreachable at http://127.0.0.1:1 (connection refused)');
    });
    const autoAuth = autoAuthFor({ type: 'token_file', tokenFilePath: join(dir, 'token') });
    const lifecycle = unitLifecycle({ method: methodFor(autoAuth), autoAuth, vault, clock, logger });
    const controller = new AbortController();
    const running = lifecycle.run(controller.signal);
    const end = start + 10 * 60_000;
    try {
      // Ten fake minutes, until the lifecycle has no timer left because it waits for the file to change.
      const waited = await runUntilWaiting(clock, log, end);
      expect(waited).toBe(true);
      expect(renewals.length).toBeGreaterThanOrEqual(3);
      expect(renewals.length).toBeLessThanOrEqual(10);
      // None later than one minimum backoff past the expiry (a retry is never sooner than that, even with less
      // life left), none closer together than the minimum backoff.
      for (const at of renewals) expect(at).toBeLessThanOrEqual(start + 61_000);
      const gaps = renewals.slice(1).map((at, index) => at - renewals[index]!);
      for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(1000);
      const expired = log.lines.find((line) => String(line.msg).startsWith('the Vault token expired'));
      expect(expired).toMatchObject({ level: 'error', expired_at: new Date(start + 60_000).toISOString() });
      expect(clock.pending).toBe(0);
    } finally {
      controller.abort();
      await running;
    }
  });
});
