// revoke_on_shutdown revokes only a token the agent logged in for. A token it was handed (a token file) belongs to
// whoever created it, who may still be using it: the agent leaves it alone and says why.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuthMethodSettings } from '../../../src/config/runtime-config.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { VaultUnreachableError } from '../../../src/vault/vault-errors.js';
import { withDeadline } from '../../helpers/deadline.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { LogLines } from '../../helpers/log-lines.js';
import { autoAuthFor, methodFor, stubVault, unitLifecycle } from './support/unit-lifecycle.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'certagent-revoke-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/**
 * Runs a lifecycle for `settings` with revoke_on_shutdown until it holds a token, stops it (as a shutdown does, or
 * as a reload does: without markShutdown), and returns the tokens sent to revoke-self and the log.
 */
async function runAndStop(settings: AuthMethodSettings, stop: 'shutdown' | 'reload' = 'shutdown') {
  const revoked: (string | undefined)[] = [];
  const vault = stubVault((request) => {
    if (request.path === 'auth/token/revoke-self') return void revoked.push(request.token);
    if (request.path === 'auth/approle/login')
      return { auth: { client_token: 'hvs.loggedIn1', lease_duration: 3600, renewable: true } };
    return { data: { ttl: 3600, creation_ttl: 3600, renewable: true } }; // lookup-self of the file's token
  });
  const log = new LogLines();
  const { logger } = createLogger({ level: 'debug' }, log.stream);
  const autoAuth = { ...autoAuthFor(settings), revokeOnShutdown: true };
  const lifecycle = unitLifecycle({
    method: methodFor(autoAuth),
    autoAuth,
    vault,
    clock: new FakeClock(),
    logger,
  });
  const controller = new AbortController();
  const running = lifecycle.run(controller.signal);
  await log.line((line) => line.msg === 'next token renewal scheduled', 'the token to be held', 0, 3000);
  if (stop === 'shutdown') lifecycle.markShutdown();
  controller.abort();
  await running;
  return { revoked, log };
}

const approle = (): AuthMethodSettings => ({
  type: 'approle',
  roleIdFilePath: join(dir, 'role-id'),
  secretIdFilePath: undefined,
  removeSecretIdFileAfterReading: false,
});

describe('revoke_on_shutdown', () => {
  it('revokes the token the agent logged in for (approle)', async () => {
    await writeFile(join(dir, 'role-id'), 'role-123');
    const { revoked, log } = await runAndStop(approle());
    expect(revoked).toEqual(['hvs.loggedIn1']);
    expect(log.messages).toContain('token revoked on shutdown');
  });

  it('a stop for a reload (no shutdown) revokes nothing: the agent logs in again and the old token expires', async () => {
    await writeFile(join(dir, 'role-id'), 'role-123');
    const { revoked, log } = await runAndStop(approle(), 'reload');
    expect(revoked).toEqual([]);
    expect(log.messages).not.toContain('token revoked on shutdown');
    const line = log.lines.find((entry) => String(entry.msg).startsWith('token not revoked'));
    expect(line).toMatchObject({ level: 'debug' });
    expect(line?.msg).toMatch(/reload/);
  });

  it('leaves a token read from a token file alone, and says so at info with the reason', async () => {
    await writeFile(join(dir, 'token'), 'hvs.someoneElses');
    const { revoked, log } = await runAndStop({ type: 'token_file', tokenFilePath: join(dir, 'token') });
    expect(revoked).toEqual([]);
    const line = log.lines.find((entry) => String(entry.msg).startsWith('token not revoked on shutdown'));
    expect(line).toMatchObject({ level: 'info', method: 'token_file' });
    expect(line?.msg).toMatch(/did not log in for it/);
  });
});

describe('revoke_on_shutdown with a dead token', () => {
  /**
   * An approle lifecycle whose first login succeeds (`lease_duration` s, renewable) and whose Vault then goes
   * down: renewals, logins and revocations all fail. Returns what it needs to drive and stop it.
   */
  async function approleThenDown(leaseSeconds: number) {
    await writeFile(join(dir, 'role-id'), 'role-123');
    const clock = new FakeClock();
    const calls: string[] = [];
    let logins = 0;
    const vault = stubVault((request) => {
      calls.push(request.path);
      if (request.path === 'auth/approle/login' && ++logins === 1)
        return { auth: { client_token: 'hvs.loggedIn1', lease_duration: leaseSeconds, renewable: true } };
      return new VaultUnreachableError('Vault unreachable at http://127.0.0.1:1 (connection refused)');
    });
    const log = new LogLines();
    const { logger } = createLogger({ level: 'debug' }, log.stream);
    const autoAuth = { ...autoAuthFor(approle()), revokeOnShutdown: true };
    const lifecycle = unitLifecycle({ method: methodFor(autoAuth), autoAuth, vault, clock, logger });
    const controller = new AbortController();
    const running = lifecycle.run(controller.signal);
    await log.line((line) => line.msg === 'next token renewal scheduled', 'the token to be held', 0, 3000);
    return {
      clock,
      calls,
      log,
      lifecycle,
      shutdown: async () => {
        lifecycle.markShutdown();
        controller.abort();
        await running;
      },
    };
  }

  it('skips a token Vault refused (logged at debug), instead of failing to revoke it', async () => {
    const run = await approleThenDown(3600);
    // A consumer's 403: the login that would replace the token waits for its backoff step; the process stops first.
    run.lifecycle.reportInvalid('hvs.loggedIn1');
    await withDeadline(run.clock.waitForPending(2), 3000, 'the wait before the next login');
    await run.shutdown();
    expect(run.calls).not.toContain('auth/token/revoke-self');
    expect(run.log.messages).not.toContain('could not revoke the token on shutdown');
    const line = run.log.lines.find((entry) => String(entry.msg).startsWith('token not revoked on shutdown'));
    expect(line).toMatchObject({ level: 'debug', reason: 'refused' });
  });

  it('skips a token that expired (logged at debug), instead of failing to revoke it', async () => {
    const run = await approleThenDown(10);
    const expiry = run.clock.now() + 10_000;
    // Renewals fail until the token expires, then logins fail: stopped a while after the expiry.
    while (run.clock.now() < expiry + 5000) {
      await withDeadline(run.clock.waitForPending(2), 3000, 'a wait');
      run.clock.advanceTo(Math.min(await run.clock.nextSleep(), expiry + 5000));
    }
    await withDeadline(run.clock.waitForPending(2), 3000, 'a wait');
    await run.shutdown();
    expect(run.calls).not.toContain('auth/token/revoke-self');
    expect(run.log.messages).not.toContain('could not revoke the token on shutdown');
    const line = run.log.lines.find((entry) => String(entry.msg).startsWith('token not revoked on shutdown'));
    expect(line).toMatchObject({ level: 'debug', reason: 'expired' });
  });
});
