// How the agent reaches Vault and logs in: the VAULT_* environment fallbacks (as the Vault CLI reads them) and the
// auth methods with their settings and mounts.

import { describe, expect, it } from 'vitest';
import { CERT, FILE, parse, problems } from './values-support.js';

describe('environment fallbacks, as the Vault CLI', () => {
  const env = {
    VAULT_ADDR: 'https://env-vault:8200/',
    VAULT_CACERT: 'ca.pem',
    VAULT_CAPATH: '/etc/cas',
    VAULT_CLIENT_CERT: '/etc/client.pem',
    VAULT_CLIENT_KEY: '/etc/client-key.pem',
    VAULT_NAMESPACE: 'ns1',
    VAULT_SKIP_VERIFY: 'true',
    VAULT_TLS_SERVER_NAME: 'vault.internal',
    VAULT_TOKEN: 'hvs.env',
  };

  it('fill every vault key the file leaves out (relative env paths against cwd, no trailing slash)', () => {
    expect(parse(CERT, env).vault).toMatchObject({
      address: 'https://env-vault:8200',
      caCert: '/cwd/ca.pem',
      caPath: '/etc/cas',
      clientCert: '/etc/client.pem',
      clientKey: '/etc/client-key.pem',
      namespace: 'ns1',
      tlsSkipVerify: true,
      tlsServerName: 'vault.internal',
      token: 'hvs.env',
    });
  });

  it('never override what the file says', () => {
    const text = `vault:\n  address: https://file:8200\n  ca_cert: file-ca.pem\n  namespace: file-ns\n  tls_skip_verify: false\n${CERT}`;
    expect(parse(text, env).vault).toMatchObject({
      address: 'https://file:8200',
      caCert: '/etc/certagent/file-ca.pem',
      namespace: 'file-ns',
      tlsSkipVerify: false,
    });
  });

  it('VAULT_TOKEN is ignored when auto_auth is configured', () => {
    const text = `auto_auth:\n  method: { type: token_file, config: { token_file_path: /t } }\n${CERT}`;
    expect(parse(text, env).vault.token).toBeUndefined();
  });

  it.each([
    ['1', true],
    ['t', true],
    ['TRUE', true],
    ['0', false],
    ['false', false],
  ])('VAULT_SKIP_VERIFY=%s → %s', (value, expected) => {
    expect(parse(CERT, { ...env, VAULT_SKIP_VERIFY: value }).vault.tlsSkipVerify).toBe(expected);
  });

  it('a VAULT_ADDR that is not an http(s) URL is a problem', () => {
    expect(problems(CERT, { ...env, VAULT_ADDR: 'vault:8200' })).toEqual([
      `${FILE}:1:1: VAULT_ADDR must be an http:// or https:// URL`,
    ]);
  });

  it('a VAULT_SKIP_VERIFY that is not a boolean is a problem, not a silent false', () => {
    expect(problems(CERT, { ...env, VAULT_SKIP_VERIFY: 'yes' })).toEqual([
      `${FILE}:1:1: VAULT_SKIP_VERIFY must be true or false (or 1/0, t/f), as the Vault CLI reads it`,
    ]);
  });
});

describe('auth methods', () => {
  const method = (body: string) => `auto_auth:\n  method:\n${body}\n${CERT}`;

  it.each([
    [
      'token_file',
      '    type: token_file\n    config: { token_file_path: token }',
      { type: 'token_file', tokenFilePath: '/etc/certagent/token' },
      'auth/token_file',
    ],
    [
      'kubernetes with the default token path',
      '    type: kubernetes\n    config: { role: agent }',
      { type: 'kubernetes', role: 'agent', tokenPath: '/var/run/secrets/kubernetes.io/serviceaccount/token' },
      'auth/kubernetes',
    ],
    [
      'jwt on its own mount',
      '    type: jwt\n    mount_path: /auth/oidc/\n    config: { role: agent, path: /run/jwt }',
      { type: 'jwt', role: 'agent', path: '/run/jwt' },
      'auth/oidc',
    ],
    [
      'cert with nothing set',
      '    type: cert',
      { type: 'cert', name: undefined, clientCert: undefined, clientKey: undefined },
      'auth/cert',
    ],
  ])('%s', (_label, body, settings, mountPath) => {
    expect(parse(method(body)).autoAuth?.method).toMatchObject({ settings, mountPath });
  });

  it.each([
    [
      'kubernetes',
      '    type: kubernetes',
      'auto_auth.method.config: role is required for the kubernetes method',
    ],
    [
      'jwt',
      '    type: jwt\n    config: { role: r }',
      'auto_auth.method.config: path is required for the jwt method',
    ],
    [
      'approle flag',
      '    type: approle\n    config: { role_id_file_path: /r, remove_secret_id_file_after_reading: "yes" }',
      'auto_auth.method.config.remove_secret_id_file_after_reading: must be true or false',
    ],
  ])('%s: a missing or wrong key is named', (_label, body, message) => {
    expect(problems(method(body)).join('\n')).toContain(message);
  });
});
