// The policy store (src/dev-server/policy/policy-store.ts): Vault's built-in `default` and `root`, name
// normalisation, and the writes and deletes Vault refuses.

import { describe, expect, it } from 'vitest';
import { PolicyChangeError, PolicyStore } from '../../../../src/dev-server/policy/policy-store.js';
import { PolicyParseError } from '../../../../src/dev-server/policy/policy-document.js';

describe('PolicyStore', () => {
  it('starts with default and root', () => {
    const store = new PolicyStore();
    expect(store.names()).toEqual(['default', 'root']);
    expect(store.read('default')?.text).toContain('path "auth/token/lookup-self"');
    expect(store.read('root')).toEqual({ name: 'root', text: '' });
  });

  it('gives the default policy what Vault gives it: the token on itself, and nothing else', () => {
    const acl = new PolicyStore().aclFor(['default'])!;
    expect(acl.allows('auth/token/lookup-self', 'read')).toBe(true);
    expect(acl.allows('auth/token/renew-self', 'update')).toBe(true);
    expect(acl.allows('auth/token/revoke-self', 'update')).toBe(true);
    expect(acl.allows('sys/wrapping/unwrap', 'update')).toBe(true);
    expect(acl.allows('auth/token/create', 'update')).toBe(false);
    expect(acl.allows('pki/sign/dev', 'update')).toBe(false);
    expect(acl.allows('sys/policy/default', 'read')).toBe(false);
  });

  it('has no ACL for root (everything allowed) and ignores unknown names', () => {
    const store = new PolicyStore();
    expect(store.aclFor(['default', 'root'])).toBeUndefined();
    expect(store.aclFor(['nope'])!.allows('auth/token/lookup-self', 'read')).toBe(false);
  });

  it('normalises names, lists, reads back, deletes', () => {
    const store = new PolicyStore();
    store.write('  Web ', 'path "pki/issue/web" { capabilities = ["update"] }');
    expect(store.names()).toEqual(['default', 'root', 'web']);
    expect(store.exists('WEB')).toBe(true);
    expect(store.aclFor(['web'])!.allows('pki/issue/web', 'update')).toBe(true);
    store.delete('web');
    expect(store.exists('web')).toBe(false);
    expect(store.read('web')).toBeUndefined();
  });

  it('refuses to change root, to delete default, and to store a bad document', () => {
    const store = new PolicyStore();
    expect(() => store.write('root', 'path "a" { capabilities = ["read"] }')).toThrow(
      new PolicyChangeError('cannot update "root" policy'),
    );
    expect(() => store.delete('default')).toThrow('cannot delete "default" policy');
    expect(() => store.delete('root')).toThrow('cannot delete "root" policy');
    expect(() => store.write('bad', 'path "a" { capabilities = ["x"] }')).toThrow(PolicyParseError);
    expect(store.exists('bad')).toBe(false);
  });
});
