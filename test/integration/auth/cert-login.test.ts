// The cert auth method end to end: the dev server over HTTPS asks for a client certificate, the lifecycle logs in
// with the one in its files, and logs in again with the new one when the files are rotated.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAuthMethod } from '../../../src/auth/methods/create-auth-method.js';
import { TokenLifecycle } from '../../../src/auth/token-lifecycle.js';
import type { AutoAuthConfig } from '../../../src/config/runtime-config.js';
import type { DevServer } from '../../../src/dev-server/index.js';
import { startDevServer } from '../../../src/dev-server/index.js';
import { systemClock } from '../../../src/lib/clock.js';
import { login } from '../../../src/vault/auth-api.js';
import { createVaultClient } from '../../../src/vault/vault-client.js';
import { VaultHttpError } from '../../../src/vault/vault-errors.js';
import { callVault } from '../../helpers/dev-server.js';
import { selfSigned, signedBy } from '../../helpers/openssl-pki.js';
import { testVaultConfig } from '../../helpers/vault-config.js';

let server: DevServer;
let dir: string;
const stop = new AbortController();

beforeEach(async () => {
  server = await startDevServer({ host: '127.0.0.1', port: 0, tls: true, defaultPki: false });
  dir = await mkdtemp(join(tmpdir(), 'certagent-cert-login-'));
});
afterEach(async () => {
  stop.abort();
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('cert auth', () => {
  it('logs in with the client certificate, refuses a stranger, and uses rotated certificate files', async () => {
    selfSigned(dir, 'ca', 'clients');
    signedBy(dir, 'ca', 'client', 'agent-one');
    await writeFile(join(dir, 'vault-ca.pem'), server.caPem!);
    expect((await callVault(server, 'POST', 'sys/auth/cert', { body: { type: 'cert' } })).status).toBe(204);
    const role = await callVault(server, 'POST', 'auth/cert/certs/agents', {
      body: {
        certificate: await readFile(join(dir, 'ca.pem'), 'utf8'),
        token_ttl: '1h',
        allowed_common_names: 'agent-*',
      },
    });
    expect(role.status).toBe(204);
    // Without a client certificate Vault says so.
    const bare = await callVault(server, 'POST', 'auth/cert/login', { token: null, body: {} });
    expect(bare).toMatchObject({
      status: 400,
      json: { errors: ['invalid certificate or no client certificate supplied'] },
    });

    const vault = testVaultConfig(server.address, { caCert: join(dir, 'vault-ca.pem') });
    const autoAuth: AutoAuthConfig = {
      method: {
        settings: {
          type: 'cert',
          name: 'agents',
          clientCert: join(dir, 'client.pem'),
          clientKey: join(dir, 'client.key'),
        },
        mountPath: 'auth/cert',
        namespace: undefined,
        minBackoffMs: 200,
        maxBackoffMs: 1000,
        exitOnErr: false,
      },
      sinks: [],
      revokeOnShutdown: false,
    };
    // A certificate from another CA is refused with Vault's message.
    selfSigned(dir, 'stranger', 'agent-x');
    const strangerClient = createVaultClient({
      ...vault,
      clientCert: join(dir, 'stranger.pem'),
      clientKey: join(dir, 'stranger.key'),
    });
    const refused = await login(strangerClient, { mountPath: 'auth/cert', body: {} }).catch(
      (e: unknown) => e,
    );
    await strangerClient.close();
    expect(refused).toBeInstanceOf(VaultHttpError);
    expect((refused as VaultHttpError).errors).toEqual([
      'no chain matching all constraints could be found for this login certificate',
    ]);

    const client = createVaultClient(vault);
    const lifecycle = new TokenLifecycle({
      method: createAuthMethod(autoAuth.method, vault),
      autoAuth,
      vault: client,
      clientWithCertificate: (cert) =>
        createVaultClient({ ...vault, clientCert: cert.certFile, clientKey: cert.keyFile }),
      clock: systemClock,
      random: () => 0,
      logger: pino({ level: 'silent' }),
      metrics: { tokenRenewals: { inc: () => undefined }, authLogins: { inc: () => undefined } },
      registerSecret: () => undefined,
    });
    const running = lifecycle.run(stop.signal);
    try {
      const first = await lifecycle.current(AbortSignal.timeout(10_000));
      const looked = await callVault(server, 'GET', 'auth/token/lookup-self', { token: first });
      expect(looked.json.data).toMatchObject({
        path: 'auth/cert/login',
        meta: { cert_name: 'agents', common_name: 'agent-one' },
      });

      signedBy(dir, 'ca', 'client', 'agent-two');
      const second = (await lifecycle.token.next(lifecycle.token.version, AbortSignal.timeout(5000))).value;
      const rotated = await callVault(server, 'GET', 'auth/token/lookup-self', { token: second });
      expect(rotated.json.data.meta.common_name).toBe('agent-two');
    } finally {
      stop.abort();
      await running;
      await client.close();
    }
  });
});
