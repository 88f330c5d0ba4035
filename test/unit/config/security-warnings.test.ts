// Issue 7 point 13: plain http to a Vault beyond loopback, and a listener beyond loopback, are said at start.

import { describe, expect, it } from 'vitest';
import { isLoopbackHost, securityWarnings } from '../../../src/config/security-warnings.js';
import { exposureWarning } from '../../../src/telemetry/listener.js';
import { testVaultConfig } from '../../helpers/vault-config.js';

describe('loopback', () => {
  it.each([
    ['localhost', true],
    ['LOCALHOST', true],
    ['vault.localhost', true],
    ['127.0.0.1', true],
    ['127.3.2.1', true],
    ['::1', true],
    ['[::1]', true],
    ['::ffff:127.0.0.1', true],
    ['0.0.0.0', false],
    ['::', false],
    ['10.0.0.5', false],
    ['vault.internal', false],
    ['localhost.example.com', false],
    ['128.0.0.1', false],
  ])('%s → %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });
});

describe('security warnings at start', () => {
  const warnings = (address: string) => securityWarnings({ vault: testVaultConfig(address) });

  it('plain http to another host is warned about, once, naming the address', () => {
    expect(warnings('http://vault.internal:8200')).toEqual([
      expect.stringMatching(
        /^vault\.address http:\/\/vault\.internal:8200 is plain http to another host: .*https:\/\//,
      ),
    ]);
    expect(warnings('http://10.0.0.5:8200')).toHaveLength(1);
  });

  it('https anywhere, and http on loopback (a local Vault, the dev server), are not', () => {
    for (const address of [
      'https://vault.internal:8200',
      'http://127.0.0.1:8200',
      'http://[::1]:8200',
      'http://localhost:8200',
    ])
      expect(warnings(address)).toEqual([]);
  });

  it('the listener warns beyond loopback only', () => {
    expect(exposureWarning('0.0.0.0', 'http://0.0.0.0:8210')).toMatch(
      /^the listener is bound to http:\/\/0\.0\.0\.0:8210, beyond loopback: \/status and \/metrics have no authentication/,
    );
    expect(exposureWarning('::', 'http://[::]:8210')).toBeDefined();
    expect(exposureWarning('127.0.0.1', 'http://127.0.0.1:8210')).toBeUndefined();
    expect(exposureWarning('::1', 'http://[::1]:8210')).toBeUndefined();
  });
});
