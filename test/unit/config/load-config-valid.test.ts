// A valid config as the loader returns it: defaults applied, paths resolved, values converted, variables
// expanded, the auth method read, and the whole deeply frozen.

import { describe, expect, it } from 'vitest';
import { ENV, MINIMAL, parse } from './load-config-support.js';

describe('loading a valid config', () => {
  it('applies every default, resolves paths against the file, and takes address and token from the env', () => {
    const config = parse(MINIMAL);
    expect(config.vault).toMatchObject({
      address: 'https://vault.test:8200',
      token: 'hvs.x',
      tlsSkipVerify: false,
      requestTimeoutMs: 30_000,
      maxConcurrentRequests: 8,
    });
    expect(config.certificates.get('web')).toMatchObject({
      mode: 'sign',
      keyType: 'ec',
      keyBits: 256,
      renewThreshold: 0.67,
      renewBeforeMs: undefined,
      reuseKey: false,
      ttlMs: undefined,
      altNames: [],
    });
    expect(config.templates[0]).toMatchObject({
      destination: '/etc/certagent/tls/web.crt',
      source: { kind: 'builtin', name: 'fullchain.pem' },
      perms: undefined,
      backup: false,
    });
    expect(config.stateDir).toBe('/var/lib/certagent');
    expect(config.log).toEqual({ level: 'info', format: 'auto' });
    expect(config.autoAuth).toBeUndefined();
  });

  it('converts durations, modes, commands and ttl = min(ttl, max_ttl)', () => {
    const config =
      parse(`${MINIMAL.replace('    common_name: web.example.com', '    common_name: web.example.com\n    ttl: 1h30m\n    max_ttl: 3600\n    key_type: rsa')}    perms: "0640"
    exec:
      check: [nginx, -t]
      command: systemctl reload nginx
      timeout: 90s
`);
    expect(config.certificates.get('web')).toMatchObject({ ttlMs: 3_600_000, keyType: 'rsa', keyBits: 2048 });
    expect(config.templates[0]).toMatchObject({
      perms: 0o640,
      exec: {
        check: { argv: ['nginx', '-t'] },
        command: { shell: 'systemctl reload nginx' },
        timeoutMs: 90_000,
      },
    });
  });

  it('expands ${VAR} and ${VAR:-default}, and $$ as a literal $', () => {
    const config = parse(
      `state_dir: \${STATE:-/srv/state}\nvault: { namespace: "a$$b-\${TEAM}" }\n${MINIMAL}`,
      {
        ...ENV,
        TEAM: 'red',
      },
    );
    expect(config.stateDir).toBe('/srv/state');
    expect(config.vault.namespace).toBe('a$b-red');
  });

  it('reads the auto_auth method with its defaults, and then never takes VAULT_TOKEN', () => {
    const config = parse(`auto_auth:
  method:
    type: approle
    config: { role_id_file_path: role-id, secret_id_file_path: /run/secret-id }
  sinks:
    - type: file
      config: { path: /run/token }
${MINIMAL}`);
    expect(config.vault.token).toBeUndefined();
    expect(config.autoAuth).toMatchObject({
      method: {
        mountPath: 'auth/approle',
        minBackoffMs: 1000,
        maxBackoffMs: 300_000,
        exitOnErr: false,
        settings: {
          type: 'approle',
          roleIdFilePath: '/etc/certagent/role-id',
          secretIdFilePath: '/run/secret-id',
          removeSecretIdFileAfterReading: false,
        },
      },
      sinks: [{ type: 'file', path: '/run/token', mode: 0o600 }],
    });
  });

  it('does not require address or token with --dev', () => {
    expect(parse(MINIMAL, {}, true).vault.address).toBe('');
  });

  it('is deeply frozen', () => {
    const config = parse(MINIMAL);
    expect(Object.isFrozen(config.vault)).toBe(true);
    expect(Object.isFrozen(config.templates[0])).toBe(true);
    expect(() => (config.certificates as Map<string, unknown>).set('x', {})).toThrow();
  });
});
