// The valid-*.yaml fixtures: the minimal one leans on the environment, the full one sets every key.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import type { ConfigError } from '../../../src/lib/errors.js';
import { DIR, ENV } from './fixtures-support.js';

describe('valid fixtures', () => {
  it('valid-minimal.yaml takes the address and token from the environment, and needs them', async () => {
    const config = await loadConfig(['valid-minimal.yaml'], { cwd: DIR, env: ENV });
    expect(config.vault).toMatchObject({ address: 'https://vault.test:8200', token: 'hvs.fixture' });
    expect(config.templates[0]?.destination).toBe(join(DIR, 'out/web.crt'));
    const error = await loadConfig(['valid-minimal.yaml'], { cwd: DIR, env: {} }).catch((e: unknown) => e);
    expect((error as ConfigError).problems).toEqual([
      `${join(DIR, 'valid-minimal.yaml')}:2:1: vault.address: no Vault address: set vault.address or VAULT_ADDR`,
      `${join(DIR, 'valid-minimal.yaml')}:2:1: no way to authenticate: add auto_auth (e.g. a token_file method) or set VAULT_TOKEN`,
    ]);
  });

  it('valid-full.yaml sets every key of DESIGN §1.2, and each arrives converted', async () => {
    const config = await loadConfig(['valid-full.yaml'], { cwd: DIR, env: { VAULT_TOKEN: 'ignored' } });
    expect(config.vault).toEqual({
      address: 'https://vault.internal:8200',
      caCert: '/etc/certagent/vault-ca.pem',
      caPath: '/etc/certagent/vault-cas',
      clientCert: '/etc/certagent/client.pem',
      clientKey: '/etc/certagent/client-key.pem',
      tlsServerName: 'vault.internal',
      tlsSkipVerify: false,
      namespace: 'team-a',
      token: undefined,
      requestTimeoutMs: 45_000,
      maxConcurrentRequests: 4,
    });
    expect(config.autoAuth).toEqual({
      method: {
        settings: {
          type: 'approle',
          roleIdFilePath: '/etc/certagent/role-id',
          secretIdFilePath: join(DIR, 'secret-id'),
          removeSecretIdFileAfterReading: true,
        },
        mountPath: 'auth/approle-agents',
        namespace: 'team-a/agents',
        minBackoffMs: 2000,
        maxBackoffMs: 600_000,
        exitOnErr: true,
      },
      sinks: [{ type: 'file', path: '/run/certagent/token', mode: 0o640 }],
      revokeOnShutdown: true,
    });
    expect(config.stateDir).toBe(join(DIR, 'state'));
    expect([...config.certificates.values()]).toEqual([
      {
        name: 'web',
        mount: 'pki_int',
        role: 'web-server',
        mode: 'sign',
        commonName: 'api.example.com',
        altNames: ['api-v2.example.com'],
        ipSans: ['10.0.0.10', '::1'],
        uriSans: ['spiffe://example.com/web'],
        ttlMs: 24 * 3_600_000,
        keyType: 'ec',
        keyBits: 384,
        renewThreshold: 0.5,
        renewBeforeMs: undefined,
        reuseKey: true,
      },
      {
        name: 'db',
        mount: 'pki_int',
        role: 'db',
        mode: 'issue',
        commonName: 'db.example.com',
        altNames: [],
        ipSans: [],
        uriSans: [],
        ttlMs: 3_600_000,
        keyType: 'rsa',
        keyBits: 3072,
        renewThreshold: undefined,
        renewBeforeMs: 15 * 60_000,
        reuseKey: false,
      },
    ]);
    const nginx = { check: { argv: ['nginx', '-t'] }, command: { argv: ['systemctl', 'reload', 'nginx'] } };
    expect(config.templates).toEqual([
      {
        index: 0,
        certificate: 'web',
        source: { kind: 'builtin', name: 'fullchain.pem' },
        destination: '/etc/nginx/tls/web.crt',
        perms: 0o644,
        user: 'root',
        group: 'nginx',
        backup: true,
        followSymlink: false,
        exec: { ...nginx, timeoutMs: 90_000 },
      },
      {
        index: 1,
        certificate: 'web',
        source: { kind: 'builtin', name: 'key.pem' },
        destination: '/etc/nginx/tls/web.key',
        perms: 0o640,
        user: '0',
        group: '101',
        backup: false,
        followSymlink: false,
        exec: { ...nginx, timeoutMs: 30_000 },
      },
      {
        index: 2,
        certificate: 'db',
        source: { kind: 'file', path: join(DIR, 'templates/db.hbs') },
        destination: '/etc/db/tls/bundle.pem',
        perms: undefined,
        user: undefined,
        group: undefined,
        backup: false,
        followSymlink: false,
        exec: { check: undefined, command: { shell: 'pkill -HUP postgres' }, timeoutMs: 30_000 },
      },
      {
        index: 3,
        certificate: 'db',
        source: { kind: 'inline', contents: '{{certificate}}' },
        destination: '/etc/db/tls/cert.pem',
        perms: undefined,
        user: undefined,
        group: undefined,
        backup: false,
        followSymlink: false,
        exec: undefined,
      },
    ]);
    expect(config.listener).toEqual({ host: '127.0.0.1', port: 8210 });
    expect(config.log).toEqual({ level: 'debug', format: 'pretty' });
    expect(config.pidFile).toBe('/run/certagent.pid');
    expect(config.exitOnRetryFailure).toBe(true);
  });
});
