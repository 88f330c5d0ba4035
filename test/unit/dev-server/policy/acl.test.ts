// The ACL decision (src/dev-server/policy/acl.ts): glob `*` and segment `+` matching, Vault's priority rules for
// overlapping patterns, merging across policies, deny, sudo, and LIST on the trailing-slash path.

import { describe, expect, it } from 'vitest';
import { Acl, higherPriority } from '../../../../src/dev-server/policy/acl.js';
import { parsePolicyDocument } from '../../../../src/dev-server/policy/policy-document.js';

const acl = (...documents: string[]) => new Acl(documents.flatMap((d) => parsePolicyDocument(d)));
const caps = (a: Acl, path: string) => [...a.capabilities(path)].sort();

describe('Acl matching', () => {
  const a = acl(`
path "secret/exact" { capabilities = ["read"] }
path "secret/glob*" { capabilities = ["list"] }
path "secret/+/teamb" { capabilities = ["update"] }
path "secret/+/+/teamb" { capabilities = ["delete"] }
path "kv/+/sub/*" { capabilities = ["patch"] }
`);

  it.each([
    ['secret/exact', ['read']],
    ['secret/exact/more', []],
    ['secret/exac', []],
    ['secret/glob', ['list']],
    ['secret/globbing/deep/path', ['list']],
    ['secret/foo/teamb', ['update']],
    ['secret/foo/bar/teamb', ['delete']],
    ['secret/teamb', []],
    ['secret/foo/teamb/x', []],
    ['kv/a/sub/x/y', ['patch']],
    ['kv/a/sub/', ['patch']],
    ['kv/a/sub', []],
    ['other', []],
  ])('%s → %j', (path, expected) => {
    expect(caps(a, path)).toEqual(expected);
  });
});

describe('Acl priority (Vault docs, "Priority matching")', () => {
  it.each([
    // The first wildcard later in the path wins.
    ['secret/a/*', 'secret/*'],
    ['secret/a/+', 'secret/+/b'],
    // Ending in * loses to not ending in *.
    ['secret/+/b', 'secret/+/b*'],
    // Fewer + segments win.
    ['secret/+/b/c', 'secret/+/+/c'],
    // Longer wins.
    ['secret/a*', 'secret/*'],
    // Lexicographically larger wins.
    ['secret/b*', 'secret/a*'],
    // No wildcard beats everything.
    ['secret/a/b', 'secret/a/*'],
  ])('%s beats %s', (winner, loser) => {
    expect(higherPriority(winner, loser)).toBe(true);
    expect(higherPriority(loser, winner)).toBe(false);
  });

  it('uses only the best-matching pattern, not the union of every match', () => {
    const a = acl(
      'path "secret/*" { capabilities = ["read", "update"] }',
      'path "secret/locked/*" { capabilities = ["read"] }',
    );
    expect(a.allows('secret/open', 'update')).toBe(true);
    expect(a.allows('secret/locked/x', 'read')).toBe(true);
    expect(a.allows('secret/locked/x', 'update')).toBe(false);
  });
});

describe('Acl decisions', () => {
  it('merges the same pattern across policies, and deny on it wins', () => {
    const merged = acl('path "a" { capabilities = ["read"] }', 'path "a" { capabilities = ["update"] }');
    expect(merged.allows('a', 'read') && merged.allows('a', 'update')).toBe(true);
    const denied = acl('path "a" { capabilities = ["read"] }', 'path "a" { capabilities = ["deny"] }');
    expect(denied.allows('a', 'read')).toBe(false);
  });

  it('needs the capability of the operation, and sudo when asked', () => {
    const a = acl(
      'path "sys/auth/*" { capabilities = ["update"] }',
      'path "sys/seal" { capabilities = ["update", "sudo"] }',
    );
    expect(a.allows('sys/auth/approle', 'update')).toBe(true);
    expect(a.allows('sys/auth/approle', 'update', true)).toBe(false);
    expect(a.allows('sys/auth/approle', 'delete')).toBe(false);
    expect(a.allows('sys/seal', 'update', true)).toBe(true);
  });

  it('checks LIST on the path with a trailing slash', () => {
    const a = acl('path "secret/metadata/*" { capabilities = ["list"] }');
    expect(a.allows('secret/metadata', 'list')).toBe(true);
    expect(a.allows('secret/metadata', 'read')).toBe(false);
  });

  it('lets an exact rule without the trailing slash decide a LIST first, as Vault does', () => {
    const a = acl(
      'path "auth/token/accessors" { capabilities = ["list", "sudo"] }',
      'path "auth/*" { capabilities = ["read"] }',
    );
    expect(a.allows('auth/token/accessors/', 'list', true)).toBe(true);
    expect(a.allows('auth/token/accessors/', 'read')).toBe(true);
    const globOnly = acl('path "auth/token/accessors*" { capabilities = ["read"] }');
    expect(globOnly.allows('auth/token/accessors/', 'list')).toBe(false);
  });

  it('allows nothing without rules', () => {
    expect(acl().allows('anything', 'read')).toBe(false);
  });
});
