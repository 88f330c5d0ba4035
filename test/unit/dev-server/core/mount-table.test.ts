import { describe, expect, it } from 'vitest';
import { MountTable } from '../../../../src/dev-server/core/mount-table.js';
import { MemoryTokenStore } from '../../../../src/dev-server/token/token-store.js';
import { VaultApiError } from '../../../../src/dev-server/types.js';
import { FakeClock } from '../../../helpers/fake-clock.js';
import { fakeBackend } from '../support/fake-backend.js';

const SYSTEM = { defaultLeaseTtl: 2_764_800, maxLeaseTtl: 2_764_800 };

function table(): MountTable {
  const clock = new FakeClock(Date.UTC(2025, 0, 1));
  const registry = new Map([
    ['pki', fakeBackend('pki').registered],
    ['approle', { ...fakeBackend('approle').registered, class: 'auth' as const }],
  ]);
  return new MountTable({ clock, tokens: new MemoryTokenStore(clock, SYSTEM), system: SYSTEM, registry });
}

describe('MountTable', () => {
  it('routes by the longest mount prefix and strips it', () => {
    const mounts = table();
    mounts.enable({ class: 'secret', path: 'pki', type: 'pki' });
    mounts.enable({ class: 'secret', path: 'pki_int', type: 'pki' });
    mounts.enable({ class: 'auth', path: 'approle', type: 'approle' });
    expect(mounts.route('pki_int/issue/web')).toMatchObject({
      entry: { path: 'pki_int/' },
      rest: 'issue/web',
    });
    expect(mounts.route('pki/issue/web')).toMatchObject({ entry: { path: 'pki/' }, rest: 'issue/web' });
    expect(mounts.route('pki')).toMatchObject({ entry: { path: 'pki/' }, rest: '' });
    expect(mounts.route('auth/approle/login')).toMatchObject({
      entry: { path: 'auth/approle/' },
      rest: 'login',
    });
    expect(mounts.route('pkix/issue')).toBeUndefined();
    expect(mounts.route('approle/login')).toBeUndefined();
  });

  it('gives each mount a context that can find the others', () => {
    const mounts = table();
    const entry = mounts.enable({
      class: 'secret',
      path: 'pki',
      type: 'pki',
      config: { defaultLeaseTtl: 1, maxLeaseTtl: 2 },
    });
    expect(entry).toMatchObject({ path: 'pki/', type: 'pki', description: '', options: {} });
    expect(entry.config).toEqual({ defaultLeaseTtl: 1, maxLeaseTtl: 2 });
    expect(mounts.find('pki')).toBe(entry);
    expect(mounts.entries('secret').map((e) => e.path)).toEqual(['pki/']);
    expect(mounts.entries('auth')).toEqual([]);
  });

  it('refuses conflicting paths in either direction', () => {
    const mounts = table();
    mounts.enable({ class: 'secret', path: 'a/b', type: 'pki' });
    const error = (path: string) => {
      try {
        mounts.enable({ class: 'secret', path, type: 'pki' });
      } catch (e) {
        return e instanceof VaultApiError ? e.errors[0] : String(e);
      }
      return 'enabled';
    };
    expect(error('a')).toBe('path is already in use at a/b/');
    expect(error('a/b/c')).toBe('path is already in use at a/b/');
    expect(error('ab')).toBe('enabled');
  });
});
