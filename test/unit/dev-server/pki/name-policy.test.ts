import { describe, expect, it } from 'vitest';
import { checkRequestedNames, nameAllowed } from '../../../../src/dev-server/pki/name-policy.js';
import type { RequestedNames } from '../../../../src/dev-server/pki/name-policy.js';
import type { PkiRole } from '../../../../src/dev-server/pki/pki-roles.js';
import { defaultRole, writeRole } from '../../../../src/dev-server/pki/pki-roles.js';
import { VaultApiError } from '../../../../src/dev-server/types.js';

function role(fields: Record<string, unknown>): PkiRole {
  return writeRole(defaultRole(), fields);
}

const subdomains = role({ allowed_domains: 'example.com', allow_subdomains: true });
const bare = role({ allowed_domains: ['example.com'], allow_bare_domains: true });
const glob = role({ allowed_domains: 'web-*.example.com', allow_glob_domains: true });
const anyName = role({ allow_any_name: true });
const noWildcards = role({
  allowed_domains: 'example.com',
  allow_subdomains: true,
  allow_wildcard_certificates: false,
});
const noLocalhost = role({ allowed_domains: 'example.com', allow_localhost: false });

describe('nameAllowed (Vault validateNames)', () => {
  it.each([
    [subdomains, 'www.example.com', true],
    [subdomains, 'a.b.example.com', true],
    [subdomains, 'example.com', false],
    [subdomains, 'WWW.EXAMPLE.COM', true],
    [subdomains, 'www.example.org', false],
    [subdomains, 'notexample.com', false],
    [subdomains, '*.example.com', true],
    [subdomains, 'a.*.example.com', false],
    [subdomains, '**.example.com', false],
    [subdomains, 'user@mail.example.com', true],
    [subdomains, '*@example.com', false],
    [noWildcards, '*.example.com', false],
    [bare, 'example.com', true],
    [bare, 'www.example.com', false],
    [bare, 'ops@example.com', true],
    [glob, 'web-1.example.com', true],
    [glob, 'api.example.com', false],
    [anyName, 'anything.at.all', true],
    [anyName, 'bad_name!', false],
    [subdomains, 'localhost', true],
    [subdomains, 'localdomain', true],
    [noLocalhost, 'localhost', false],
    [subdomains, 'foo.localhost', true],
    [bare, 'foo.localhost', false],
  ])('%#: %s', (r, name, allowed) => {
    expect(nameAllowed(r, name)).toBe(allowed);
  });

  it('skips hostname checks when enforce_hostnames is off', () => {
    const loose = role({ allow_any_name: true, enforce_hostnames: false });
    expect(nameAllowed(loose, 'bad_name!')).toBe(true);
  });
});

function errorOf(fn: () => void): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(VaultApiError);
    expect((error as VaultApiError).status).toBe(400);
    return (error as VaultApiError).errors[0]!;
  }
  throw new Error('expected a 400');
}

const names: RequestedNames = {
  commonName: 'www.example.com',
  dnsNames: [],
  emails: [],
  ipSans: [],
  uriSans: [],
};

describe("checkRequestedNames: Vault's exact errors", () => {
  it.each<[string, PkiRole, Partial<RequestedNames>, 'api' | 'csr', string]>([
    [
      'cn',
      subdomains,
      { commonName: 'www.evil.org' },
      'api',
      'common name www.evil.org not allowed by this role',
    ],
    [
      'san',
      subdomains,
      { dnsNames: ['x.evil.org'] },
      'api',
      'subject alternate name x.evil.org not allowed by this role',
    ],
    [
      'email',
      subdomains,
      { emails: ['a@evil.org'] },
      'api',
      'email address a@evil.org not allowed by this role',
    ],
    [
      'required cn',
      subdomains,
      { commonName: '' },
      'api',
      'the common_name field is required, or must be provided in a CSR with "use_csr_common_name" set to true, unless "require_cn" is set to false',
    ],
    [
      'ip not allowed',
      role({ allow_any_name: true, allow_ip_sans: false }),
      { ipSans: ['10.0.0.1', '10.0.0.2'] },
      'api',
      'IP Subject Alternative Names are not allowed in this role, but was provided [10.0.0.1 10.0.0.2]',
    ],
    [
      'ip via csr',
      role({ allow_any_name: true, allow_ip_sans: false }),
      { ipSans: ['10.0.0.1'] },
      'csr',
      'IP Subject Alternative Names are not allowed in this role, but was provided some via CSR',
    ],
    [
      'bad ip',
      anyName,
      { ipSans: ['10.0.0.300'] },
      'api',
      'the value "10.0.0.300" is not a valid IP address',
    ],
    [
      'uri none allowed',
      anyName,
      { uriSans: ['spiffe://x/y'] },
      'api',
      'URI Subject Alternative Names are not allowed in this role, but were provided via the API',
    ],
    [
      'uri not matching',
      role({ allow_any_name: true, allowed_uri_sans: 'spiffe://example.com/*' }),
      { uriSans: ['spiffe://other/y'] },
      'csr',
      'URI Subject Alternative Names were provided via CSR which are not valid for this role',
    ],
  ])('%s', (_label, r, overrides, source, message) => {
    expect(errorOf(() => checkRequestedNames(r, { ...names, ...overrides }, source))).toBe(message);
  });

  it('accepts allowed names, a matching URI SAN glob, and no CN when require_cn is off', () => {
    const spiffe = role({ allow_any_name: true, allowed_uri_sans: 'spiffe://example.com/*' });
    expect(() =>
      checkRequestedNames(spiffe, { ...names, uriSans: ['spiffe://example.com/web'] }, 'api'),
    ).not.toThrow();
    const optional = role({ allow_any_name: true, require_cn: false });
    expect(() => checkRequestedNames(optional, { ...names, commonName: '' }, 'api')).not.toThrow();
    const disabled = role({ allowed_domains: 'example.com', cn_validations: 'disabled' });
    expect(() =>
      checkRequestedNames(disabled, { ...names, commonName: 'not a hostname' }, 'api'),
    ).not.toThrow();
  });
});
