// Policy documents (src/dev-server/policy/policy-document.ts): the HCL and JSON forms Vault's docs show, the legacy
// `policy = "…"` form, and the errors for what Vault refuses.

import { describe, expect, it } from 'vitest';
import { PolicyParseError, parsePolicyDocument } from '../../../../src/dev-server/policy/policy-document.js';

const rulesOf = (text: string) =>
  parsePolicyDocument(text).map((rule) => ({ path: rule.path, capabilities: [...rule.capabilities].sort() }));

describe('parsePolicyDocument', () => {
  it('reads HCL path blocks with comments of every kind', () => {
    const text = `# certagent
path "pki/sign/web" {
  capabilities = ["update"] // signs CSRs
}
/* a block
   comment */
path "secret/+/config" { capabilities = ["read", "list"] }
path "/sys/*" {
  capabilities = ["deny"]
}
`;
    expect(rulesOf(text)).toEqual([
      { path: 'pki/sign/web', capabilities: ['update'] },
      { path: 'secret/+/config', capabilities: ['list', 'read'] },
      { path: 'sys/*', capabilities: ['deny'] },
    ]);
  });

  it('reads the JSON form', () => {
    const text = JSON.stringify({
      path: {
        'pki/issue/web': { capabilities: ['update'] },
        'auth/token/lookup-self': { capabilities: ['read'] },
      },
    });
    expect(rulesOf(text)).toEqual([
      { path: 'pki/issue/web', capabilities: ['update'] },
      { path: 'auth/token/lookup-self', capabilities: ['read'] },
    ]);
  });

  it('maps the legacy policy values as Vault does, and a deny leaves only the deny', () => {
    expect(rulesOf('path "a" { policy = "read" }')).toEqual([{ path: 'a', capabilities: ['list', 'read'] }]);
    expect(rulesOf('path "a" { policy = "write" }')[0]?.capabilities).toEqual([
      'create',
      'delete',
      'list',
      'read',
      'update',
    ]);
    expect(rulesOf('path "a" { capabilities = ["read", "deny"] }')).toEqual([
      { path: 'a', capabilities: ['deny'] },
    ]);
  });

  it('accepts the other keys Vault allows in a path block', () => {
    const text = `path "secret/data/x" {
  capabilities = ["create"]
  allowed_parameters = { "a" = [], "b" = ["1", "2"] }
  min_wrapping_ttl = "1s"
  max_wrapping_ttl = 90
}`;
    expect(rulesOf(text)).toEqual([{ path: 'secret/data/x', capabilities: ['create'] }]);
  });

  it.each([
    ['an unknown capability', 'path "a" { capabilities = ["reed"] }', 'path "a": invalid capability "reed"'],
    [
      'an unknown key in a block',
      'path "a" { capability = ["read"] }',
      'path "a": invalid key "capability" on line 1',
    ],
    ['an unknown top-level key', '\nfoo "a" { capabilities = ["read"] }', 'invalid key "foo" on line 2'],
    ['an unknown legacy policy', 'path "a" { policy = "all" }', 'path "a": invalid policy "all"'],
    ['an unterminated block', 'path "a" {\n capabilities = ["read"]', 'At 2: expected "}", got end of file'],
    ['a stray character', 'path "a" { capabilities = ["read"]; }', 'At 1: illegal char ";"'],
    ['bad JSON', '{"path": ', 'JSON'],
  ])('refuses %s', (_name, text, message) => {
    expect(() => parsePolicyDocument(text)).toThrow(PolicyParseError);
    expect(() => parsePolicyDocument(text)).toThrow(message);
  });
});
