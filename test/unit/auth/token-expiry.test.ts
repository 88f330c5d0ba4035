// A token nothing in the agent can replace (a token file, a literal VAULT_TOKEN) reaching its expiry: what the
// lifecycle does next, and what it tells the operator to do.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuthMethod } from '../../../src/auth/methods/auth-method.js';
import { createAuthMethod } from '../../../src/auth/methods/create-auth-method.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { LogLines } from '../../helpers/log-lines.js';
import { testVaultConfig } from '../../helpers/vault-config.js';
import { autoAuthFor, methodFor, stubVault, unitLifecycle } from './support/unit-lifecycle.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'certagent-expiry-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/**
 * Runs a lifecycle for `method` whose token Vault will not renew (60 s left), moves the fake clock past its expiry,
 * and returns the log lines from the expiry on, once the lifecycle waits for a new token (or the deadline passes).
 */
async function pastExpiry(method: AuthMethod) {
  const clock = new FakeClock();
  const log = new LogLines();
  const { logger } = createLogger({ level: 'debug' }, log.stream);
  const vault = stubVault(() => ({ data: { ttl: 60, creation_ttl: 60, renewable: false } }));
  const lifecycle = unitLifecycle({ method, vault, clock, logger });
  const controller = new AbortController();
  const running = lifecycle.run(controller.signal);
  try {
    await log.line((line) => line.msg === 'next token expiry scheduled', 'the expiry scheduled', 0, 3000);
    const from = log.lines.length;
    clock.advanceTo(clock.now() + 60_000);
    await log.line((line) => line.msg === 'waiting for a new token', 'waiting for a new token', from, 3000);
    return log.lines.slice(from);
  } finally {
    controller.abort();
    await running;
  }
}

const tokenFileMethod = (path: string) => methodFor(autoAuthFor({ type: 'token_file', tokenFilePath: path }));
// Without auto_auth the token is VAULT_TOKEN's (config fills vault.token from it).
const literalMethod = () =>
  createAuthMethod(undefined, testVaultConfig('http://127.0.0.1:1', { token: 'hvs.literalToken1' }));

/** The error line that announces the expiry: what the operator is told to do. */
const expiryAdvice = (lines: Record<string, unknown>[]) =>
  lines.find((line) => String(line.msg).startsWith('the Vault token expired'))?.msg;

describe('an expired token', () => {
  it('takes the path of a refused one: the source is read again and, holding the same token, waited on', async () => {
    await writeFile(join(dir, 'token'), 'hvs.fileToken123');
    const lines = await pastExpiry(tokenFileMethod(join(dir, 'token')));
    const waiting = lines.find((line) => line.msg === 'waiting for a new token');
    expect(waiting?.error).toMatchObject({ code: 'TOKEN_REFUSED' });
  });

  it('from a token file: the advice is to write a new token to the file', async () => {
    await writeFile(join(dir, 'token'), 'hvs.fileToken123');
    const lines = await pastExpiry(tokenFileMethod(join(dir, 'token')));
    expect(expiryAdvice(lines)).toBe('the Vault token expired; write a new token to the token file');
  });

  it('from VAULT_TOKEN: no token file to write; the advice is a restart with a new token, or a login method', async () => {
    const advice = expiryAdvice(await pastExpiry(literalMethod()));
    expect(advice).not.toMatch(/token file/);
    expect(advice).toBe(
      'the Vault token expired; restart certagent with a new VAULT_TOKEN, or configure auto_auth to log in',
    );
  });

  it("from VAULT_TOKEN, the waiting line's error says a restart is needed, not that a new token may come", async () => {
    const lines = await pastExpiry(literalMethod());
    const waiting = lines.find((line) => line.msg === 'waiting for a new token');
    expect(waiting?.error).toMatchObject({ code: 'TOKEN_REFUSED' });
    const message = String((waiting?.error as { message?: unknown }).message);
    expect(message).toContain('restart certagent with a new token');
    expect(message).not.toContain('waiting for a new one');
  });

  it("from a token file, the waiting line's error says the agent waits for the file", async () => {
    await writeFile(join(dir, 'token'), 'hvs.fileToken123');
    const lines = await pastExpiry(tokenFileMethod(join(dir, 'token')));
    const waiting = lines.find((line) => line.msg === 'waiting for a new token');
    expect(String((waiting?.error as { message?: unknown }).message)).toContain('waiting for a new one');
  });
});
