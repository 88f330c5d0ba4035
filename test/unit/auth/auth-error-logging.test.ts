// Auth failures are logged as the error itself, through the agent logger's error serializer, so the line carries
// the error's type, stable `code` and status beside its message (a string would keep the message alone).

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuthMethod } from '../../../src/auth/methods/auth-method.js';
import type { TokenState } from '../../../src/auth/token-renewal.js';
import { renewToken } from '../../../src/auth/token-renewal.js';
import { writeSinks } from '../../../src/auth/token-sink.js';
import type { AutoAuthConfig } from '../../../src/config/runtime-config.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import type { VaultClient } from '../../../src/vault/types.js';
import { VaultHttpError, VaultUnreachableError } from '../../../src/vault/vault-errors.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { LogLines } from '../../helpers/log-lines.js';
import { autoAuthFor, methodFor, stubVault, unitLifecycle } from './support/unit-lifecycle.js';

/** The agent's real logger, its lines parsed; `line(msg)` resolves with the first line with that message. */
function capture() {
  const log = new LogLines();
  const { logger } = createLogger({ level: 'debug' }, log.stream);
  const line = (msg: string) => log.line((entry) => entry.msg === msg, `the log line "${msg}"`);
  return { logger, line };
}

function lifecycle(
  method: AuthMethod,
  vault: VaultClient,
  log: ReturnType<typeof capture>,
  autoAuth?: AutoAuthConfig,
) {
  const clock = new FakeClock();
  const controller = new AbortController();
  const built = unitLifecycle({ method, autoAuth, vault, clock, logger: log.logger });
  const running = built.run(controller.signal);
  return {
    clock,
    lifecycle: built,
    /** Stops it as a shutdown does (revoke_on_shutdown applies). */
    stop: async () => {
      built.markShutdown();
      controller.abort();
      await running;
    },
  };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'certagent-auth-errors-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const tokenFileMethod = (path: string) => methodFor(autoAuthFor({ type: 'token_file', tokenFilePath: path }));

describe('auth failures in the log carry their code', () => {
  it('login failed: a missing token file is AUTH_CREDENTIALS', async () => {
    const log = capture();
    const run = lifecycle(
      tokenFileMethod(join(dir, 'missing')),
      stubVault(() => ({})),
      log,
    );
    try {
      const line = await log.line('login failed');
      expect(line.error).toMatchObject({
        type: 'CredentialError',
        code: 'AUTH_CREDENTIALS',
        message: expect.stringContaining('cannot read the token file'),
      });
    } finally {
      await run.stop();
    }
  });

  it('waiting for a new token: a token file still holding the token Vault refused is TOKEN_REFUSED', async () => {
    await writeFile(join(dir, 'token'), 'hvs.refusedToken1');
    const log = capture();
    // Revoked once the agent holds it: lookup-self, which tells a dead token from a policy denial, answers 403.
    let revoked = false;
    const vault = stubVault((request) =>
      revoked
        ? new VaultHttpError({
            status: 403,
            method: 'GET',
            path: request.path,
            errors: ['permission denied'],
          })
        : { data: { ttl: 3600, creation_ttl: 3600, renewable: true } },
    );
    const run = lifecycle(tokenFileMethod(join(dir, 'token')), vault, log);
    try {
      await log.line('next token renewal scheduled');
      revoked = true;
      run.lifecycle.reportInvalid('hvs.refusedToken1');
      run.clock.advanceTo(await run.clock.nextSleep()); // the spacing before a re-read that answers a 403
      const line = await log.line('waiting for a new token');
      expect(line.error).toMatchObject({ type: 'TokenRefusedError', code: 'TOKEN_REFUSED' });
    } finally {
      await run.stop();
    }
  });

  it('could not revoke the token on shutdown: VAULT_UNREACHABLE', async () => {
    const log = capture();
    const method: AuthMethod = {
      type: 'approle',
      replacement: 'login',
      credential: async () => ({
        kind: 'login',
        request: { mountPath: 'auth/approle', body: {}, namespace: undefined },
      }),
    };
    const vault = stubVault((request) =>
      request.path === 'auth/approle/login'
        ? { auth: { client_token: 'hvs.revokeMe', lease_duration: 3600, renewable: true } }
        : new VaultUnreachableError('Vault unreachable at http://127.0.0.1:1 (connection refused)'),
    );
    const autoAuth = { sinks: [], revokeOnShutdown: true } as unknown as AutoAuthConfig;
    const run = lifecycle(method, vault, log, autoAuth);
    await log.line('logged in to Vault');
    await run.stop();
    const line = await log.line('could not revoke the token on shutdown');
    expect(line.error).toMatchObject({ type: 'VaultUnreachableError', code: 'VAULT_UNREACHABLE' });
  });

  it('token renewal failed and cannot be renewed: VAULT_HTTP with the status', async () => {
    const state = (): TokenState => ({
      token: 't',
      expiresAt: 2000,
      leaseMs: 1000,
      incrementSeconds: 1,
      atMax: false,
      loggedIn: true,
    });
    const log = capture();
    const renew = (error: Error) =>
      renewToken(
        state(),
        {
          vault: stubVault(() => error),
          clock: new FakeClock(1000),
          metrics: { tokenRenewals: { inc: () => undefined } },
          logger: log.logger,
          canRelogin: true,
        },
        new AbortController().signal,
      );
    await renew(
      new VaultHttpError({ status: 403, method: 'POST', path: 'auth/token/renew-self', errors: ['denied'] }),
    );
    expect((await log.line('token renewal failed')).error).toMatchObject({ code: 'VAULT_HTTP', status: 403 });
    await renew(
      new VaultHttpError({
        status: 400,
        method: 'POST',
        path: 'auth/token/renew-self',
        errors: ['lease is not renewable'],
      }),
    );
    expect((await log.line('Vault says the token cannot be renewed')).error).toMatchObject({
      type: 'VaultHttpError',
      code: 'VAULT_HTTP',
      status: 400,
    });
  });

  it('could not write the token sink: the file system’s code', async () => {
    await writeFile(join(dir, 'a-file'), '');
    const log = capture();
    await writeSinks(
      [{ type: 'file', path: join(dir, 'a-file', 'token'), mode: 0o600 }],
      'hvs.sinkToken1',
      log.logger,
    );
    const line = await log.line('could not write the token sink');
    expect(line.error).toMatchObject({ code: expect.stringMatching(/^E[A-Z]+$/) });
  });
});
