import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KeystorePasswordError, resolveKeystorePassword } from '../../../src/output/keystore-password.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'certagent-pw-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const secrets = new Map([['app', { data: { keystore: 'from-kv-secret', empty: '' }, metadata: undefined }]]);

describe('resolveKeystorePassword', () => {
  it('reads a file (one trailing newline dropped), an env var, or a KV secret key', async () => {
    await writeFile(join(dir, 'pw'), 'from file  \n');
    expect(await resolveKeystorePassword({ kind: 'file', path: join(dir, 'pw') }, secrets)).toBe(
      'from file  ',
    );
    expect(await resolveKeystorePassword({ kind: 'env', name: 'P' }, secrets, { P: 'from-env' })).toBe(
      'from-env',
    );
    expect(await resolveKeystorePassword({ kind: 'secret', secret: 'app', key: 'keystore' }, secrets)).toBe(
      'from-kv-secret',
    );
  });

  it('fails (naming the source, not a value) when missing or empty', async () => {
    await writeFile(join(dir, 'empty'), '\n');
    const cases = [
      () => resolveKeystorePassword({ kind: 'file', path: join(dir, 'nope') }, secrets),
      () => resolveKeystorePassword({ kind: 'file', path: join(dir, 'empty') }, secrets),
      () => resolveKeystorePassword({ kind: 'env', name: 'UNSET_VAR' }, secrets, {}),
      () => resolveKeystorePassword({ kind: 'secret', secret: 'app', key: 'empty' }, secrets),
      () => resolveKeystorePassword({ kind: 'secret', secret: 'app', key: 'nokey' }, secrets),
      () => resolveKeystorePassword({ kind: 'secret', secret: 'other', key: 'k' }, secrets),
    ];
    for (const attempt of cases) {
      const error = await attempt().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KeystorePasswordError);
      expect((error as Error).message).not.toContain('from-kv-secret');
    }
  });
});
