// A consumer reports every 403 it gets, and Vault answers 403 for a policy that denies one path (no pki/issue for
// one role) as for a dead token. A token the agent cannot replace itself (token_file, VAULT_TOKEN) is looked up
// before it is given up: still valid, it is kept and renewed; refused, the lifecycle waits for a new one.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/telemetry/logger.js';
import type { VaultRequest } from '../../../src/vault/types.js';
import { VaultHttpError } from '../../../src/vault/vault-errors.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { LogLines } from '../../helpers/log-lines.js';
import { runUntilWaiting } from './support/run-until-waiting.js';
import { autoAuthFor, methodFor, stubVault, unitLifecycle } from './support/unit-lifecycle.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'certagent-acl-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const HOUR = 3_600_000;
const denied = (request: VaultRequest) =>
  new VaultHttpError({ status: 403, method: 'GET', path: request.path, errors: ['permission denied'] });

/** A lifecycle holding a 1 h renewable token from a token file; `lookupRefused()` says whether lookup-self is a 403. */
async function tokenFileLifecycle(lookupRefused: () => boolean) {
  await writeFile(join(dir, 'token'), 'hvs.fileToken123');
  const clock = new FakeClock();
  const log = new LogLines();
  const { logger } = createLogger({ level: 'debug' }, log.stream);
  const calls: { path: string; at: number }[] = [];
  const vault = stubVault((request) => {
    calls.push({ path: request.path, at: clock.now() });
    if (request.path === 'auth/token/lookup-self')
      return lookupRefused() ? denied(request) : { data: { ttl: 3600, creation_ttl: 3600, renewable: true } };
    return { auth: { client_token: 'hvs.fileToken123', lease_duration: 3600, renewable: true } };
  });
  const autoAuth = autoAuthFor({ type: 'token_file', tokenFilePath: join(dir, 'token') });
  const lifecycle = unitLifecycle({ method: methodFor(autoAuth), autoAuth, vault, clock, logger });
  const controller = new AbortController();
  const running = lifecycle.run(controller.signal);
  await log.line(
    (line) => line.msg === 'next token renewal scheduled',
    'the first renewal scheduled',
    0,
    3000,
  );
  let waited = false;
  return {
    clock,
    log,
    calls,
    lifecycle,
    waited: () => waited,
    /** Runs the fake clock to `end` one wake-up at a time, or until the lifecycle waits for a new token. */
    runUntil: async (end: number) => {
      waited = await runUntilWaiting(clock, log, end);
    },
    stop: async () => {
      controller.abort();
      await running;
    },
  };
}

describe('a 403 reported by a consumer, token_file', () => {
  it('lookup-self still answers 200: an ACL denial; the token is kept and renewed for hours', async () => {
    const run = await tokenFileLifecycle(() => false);
    try {
      const start = run.clock.now();
      run.lifecycle.reportInvalid('hvs.fileToken123');
      await run.runUntil(start + 3 * HOUR);
      expect(run.waited()).toBe(false);
      const renewals = run.calls.filter((call) => call.path === 'auth/token/renew-self');
      // Renewed at half the TTL, every half hour, for three hours.
      expect(renewals.length).toBeGreaterThanOrEqual(5);
      expect(run.lifecycle.token.value).toBe('hvs.fileToken123');
      const warned = run.log.lines.find((line) => String(line.msg).includes('refused by policy'));
      expect(warned).toMatchObject({ level: 'warn', method: 'token_file' });
      // One lookup at start, one for the report: not a poll.
      expect(run.calls.filter((call) => call.path === 'auth/token/lookup-self')).toHaveLength(2);
    } finally {
      await run.stop();
    }
  });

  it('lookup-self answers 403: the token is dead; the lifecycle waits for a new one, with no timer', async () => {
    let refused = false;
    const run = await tokenFileLifecycle(() => refused);
    try {
      refused = true;
      run.lifecycle.reportInvalid('hvs.fileToken123');
      await run.runUntil(run.clock.now() + 3 * HOUR);
      expect(run.waited()).toBe(true);
      expect(run.clock.pending).toBe(0);
      expect(run.calls.filter((call) => call.path === 'auth/token/renew-self')).toEqual([]);
    } finally {
      await run.stop();
    }
  });
});
