import { mkdir, mkdtemp, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TokenReplacement } from '../../../src/auth/methods/auth-method.js';
import { CredentialError } from '../../../src/auth/methods/auth-method.js';
import { createAuthMethod } from '../../../src/auth/methods/create-auth-method.js';
import type {
  AuthMethodConfig,
  AuthMethodSettings,
  VaultConfig,
} from '../../../src/config/runtime-config.js';
import { withDeadline } from '../../helpers/deadline.js';

const VAULT = { clientCert: undefined, clientKey: undefined, token: undefined } as unknown as VaultConfig;
const signal = new AbortController().signal;

function method(settings: AuthMethodSettings, mountPath = `auth/${settings.type}`): AuthMethodConfig {
  return {
    settings,
    mountPath,
    namespace: 'team-a',
    minBackoffMs: 1000,
    maxBackoffMs: 300_000,
    exitOnErr: false,
  };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'certagent-auth-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('auth methods build their login requests', () => {
  it('approle: role_id and secret_id from files; the secret_id file removed when asked and kept in memory', async () => {
    await writeFile(join(dir, 'role-id'), 'role-123\n');
    await writeFile(join(dir, 'secret-id'), 'secret-456\n');
    const approle = createAuthMethod(
      method({
        type: 'approle',
        roleIdFilePath: join(dir, 'role-id'),
        secretIdFilePath: join(dir, 'secret-id'),
        removeSecretIdFileAfterReading: true,
      }),
      VAULT,
    );
    const expected = {
      kind: 'login',
      request: {
        mountPath: 'auth/approle',
        namespace: 'team-a',
        body: { role_id: 'role-123', secret_id: 'secret-456' },
      },
      // Declared so the lifecycle registers it for scrubbing.
      secrets: { secret_id: 'secret-456' },
    };
    expect(await approle.credential(signal)).toEqual(expected);
    await expect(stat(join(dir, 'secret-id'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await approle.credential(signal)).toEqual(expected);
  });

  it('kubernetes: re-reads the rotated service account token at every login', async () => {
    const tokenPath = join(dir, 'token');
    await writeFile(tokenPath, 'jwt-one');
    const k8s = createAuthMethod(method({ type: 'kubernetes', role: 'agent', tokenPath }, 'auth/k8s'), VAULT);
    expect(await k8s.credential(signal)).toMatchObject({
      request: { mountPath: 'auth/k8s', body: { role: 'agent', jwt: 'jwt-one' } },
      secrets: { jwt: 'jwt-one' },
    });
    await writeFile(tokenPath, 'jwt-two');
    expect(await k8s.credential(signal)).toMatchObject({
      request: { body: { role: 'agent', jwt: 'jwt-two' } },
    });
  });

  it('jwt and cert build their bodies; a missing or empty file is a CredentialError naming the file only', async () => {
    await writeFile(join(dir, 'jwt'), 'eyJhbGciOi');
    const jwt = createAuthMethod(method({ type: 'jwt', role: 'r', path: join(dir, 'jwt') }), VAULT);
    expect(await jwt.credential(signal)).toMatchObject({
      request: { body: { role: 'r', jwt: 'eyJhbGciOi' } },
    });
    const cert = createAuthMethod(
      method({ type: 'cert', name: 'web', clientCert: '/c.pem', clientKey: '/k.pem' }),
      VAULT,
    );
    expect(await cert.credential(signal)).toMatchObject({
      request: { mountPath: 'auth/cert', body: { name: 'web' } },
      clientCertificate: { certFile: '/c.pem', keyFile: '/k.pem' },
    });
    await writeFile(join(dir, 'empty'), '\n');
    const empty = createAuthMethod(method({ type: 'jwt', role: 'r', path: join(dir, 'empty') }), VAULT);
    await expect(empty.credential(signal)).rejects.toBeInstanceOf(CredentialError);
    const missing = createAuthMethod(method({ type: 'jwt', role: 'r', path: join(dir, 'nope') }), VAULT);
    await expect(missing.credential(signal)).rejects.toThrow(/cannot read the JWT file .*nope: ENOENT/);
  });

  // The lifecycle branches on this capability alone (never on the type name): a wrong value here would make a
  // token_file agent try to log in, or a login method wait for a file that never changes.
  it.each<[string, TokenReplacement, AuthMethodSettings | undefined]>([
    ['token_file', 'file-change', { type: 'token_file', tokenFilePath: '/t' }],
    [
      'approle',
      'login',
      {
        type: 'approle',
        roleIdFilePath: '/r',
        secretIdFilePath: undefined,
        removeSecretIdFileAfterReading: false,
      },
    ],
    ['kubernetes', 'login', { type: 'kubernetes', role: 'r', tokenPath: '/t' }],
    ['jwt', 'login', { type: 'jwt', role: 'r', path: '/t' }],
    ['cert', 'login', { type: 'cert', name: undefined, clientCert: '/c', clientKey: '/k' }],
    ['a literal VAULT_TOKEN', 'never', undefined],
  ])('%s: a new token comes from %s', (_name, expected, settings) => {
    const built = createAuthMethod(settings && method(settings), { ...VAULT, token: 'hvs.literal' });
    expect(built.replacement).toBe(expected);
  });

  it('a literal VAULT_TOKEN cannot log in again', async () => {
    const literal = createAuthMethod(undefined, { ...VAULT, token: 'hvs.literal' });
    expect(literal.replacement).toBe('never');
    expect(await literal.credential(signal)).toEqual({ kind: 'token', token: 'hvs.literal' });
  });
});

describe('token_file watching', () => {
  async function changes(path: string, act: () => Promise<void>): Promise<string> {
    const tokenFile = createAuthMethod(method({ type: 'token_file', tokenFilePath: path }), VAULT);
    let notified!: () => void;
    const changed = new Promise<void>((resolve) => (notified = resolve));
    const stop = await tokenFile.watch!(() => notified());
    try {
      const started = Date.now();
      await act();
      await withDeadline(changed, 1000, 'the change to be noticed');
      expect(Date.now() - started).toBeLessThan(1000);
      const credential = await tokenFile.credential(signal);
      return credential.kind === 'token' ? credential.token : '';
    } finally {
      await stop();
    }
  }

  it('notices a plain rewrite of the file', async () => {
    const path = join(dir, 'token');
    await writeFile(path, 'hvs.first');
    expect(await changes(path, () => writeFile(path, 'hvs.second'))).toBe('hvs.second');
  });

  it("notices Kubernetes' atomic ..data symlink swap", async () => {
    await mkdir(join(dir, '..2026_01'));
    await writeFile(join(dir, '..2026_01', 'token'), 'hvs.old');
    await symlink('..2026_01', join(dir, '..data'));
    await symlink(join('..data', 'token'), join(dir, 'token'));
    const swap = async () => {
      await mkdir(join(dir, '..2026_02'));
      await writeFile(join(dir, '..2026_02', 'token'), 'hvs.new');
      await symlink('..2026_02', join(dir, '..data_tmp'));
      await rename(join(dir, '..data_tmp'), join(dir, '..data'));
    };
    expect(await changes(join(dir, 'token'), swap)).toBe('hvs.new');
  });
});
