// The PKI backend called directly: issue and sign with the §1.3 response shapes (EC and RSA), and the 400
// answers a Vault client sees.

import { describe, expect, it } from 'vitest';
import { x509 } from '../../../../src/dev-server/x509/x509.js';
import {
  COLON_HEX,
  START,
  failure,
  logical,
  makeCsr,
  serialOf,
  setup,
  withRootAndRole,
} from './pki-test-backend.js';

describe('issue/:role', () => {
  it('answers the §1.3 data with a leaf signed by the root, the CN as a SAN and the key in SEC1', async () => {
    const { call } = await withRootAndRole();
    const { data } = logical(
      await call('update', 'issue/web', { common_name: 'www.example.test', ip_sans: '127.0.0.1', ttl: '1h' }),
    );
    expect(Object.keys(data).sort()).toEqual([
      'ca_chain',
      'certificate',
      'expiration',
      'issuing_ca',
      'private_key',
      'private_key_type',
      'serial_number',
    ]);
    expect(data.ca_chain).toEqual([data.issuing_ca]);
    expect(data.private_key_type).toBe('ec');
    expect(String(data.private_key)).toMatch(
      /^-----BEGIN EC PRIVATE KEY-----[\s\S]+-----END EC PRIVATE KEY-----$/,
    );
    expect(String(data.certificate).endsWith('-----END CERTIFICATE-----')).toBe(true);
    expect(data.expiration).toBe((START + 3600_000) / 1000);

    const leaf = new x509.X509Certificate(String(data.certificate));
    const ca = new x509.X509Certificate(String(data.issuing_ca));
    expect(await leaf.verify({ publicKey: ca.publicKey, signatureOnly: true })).toBe(true);
    expect(leaf.notBefore.getTime()).toBe(START - 30_000);
    expect(data.serial_number).toBe(serialOf(leaf));
    expect(data.serial_number).toMatch(COLON_HEX);
    const san = leaf.getExtension(x509.SubjectAlternativeNameExtension)!;
    expect(san.names.items.map((name) => `${name.type}:${name.value}`)).toEqual([
      'dns:www.example.test',
      'ip:127.0.0.1',
    ]);
    expect(leaf.getExtension(x509.BasicConstraintsExtension)?.ca ?? false).toBe(false);
    expect(leaf.getExtension(x509.ExtendedKeyUsageExtension)?.usages).toEqual([
      x509.ExtendedKeyUsage.serverAuth,
      x509.ExtendedKeyUsage.clientAuth,
    ]);
    const aki = leaf.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId;
    expect(aki).toBe(ca.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId);
  });

  it('follows private_key_format and format der / pem_bundle', async () => {
    const { call } = await withRootAndRole();
    const pkcs8 = logical(
      await call('update', 'issue/web', { common_name: 'a.example.test', private_key_format: 'pkcs8' }),
    ).data;
    expect(String(pkcs8.private_key)).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    const der = logical(
      await call('update', 'issue/web', { common_name: 'a.example.test', format: 'der' }),
    ).data;
    expect(String(der.certificate)).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(new x509.X509Certificate(Buffer.from(String(der.certificate), 'base64')).subject).toBe(
      'CN=a.example.test',
    );
    const bundle = logical(
      await call('update', 'issue/web', { common_name: 'a.example.test', format: 'pem_bundle' }),
    ).data;
    const blocks = String(bundle.certificate).match(/-----BEGIN [A-Z ]+-----/g);
    expect(blocks).toEqual([
      '-----BEGIN EC PRIVATE KEY-----',
      '-----BEGIN CERTIFICATE-----',
      '-----BEGIN CERTIFICATE-----',
    ]);
    expect(
      await failure(call('update', 'issue/web', { common_name: 'a.example.test', format: 'txt' })),
    ).toEqual({
      status: 400,
      errors: ['the "format" path parameter must be "pem", "der", or "pem_bundle"'],
    });
  });

  it('refuses key_type any, a forbidden name, and clamps to the role max with the warning', async () => {
    const { call } = await withRootAndRole();
    await call('update', 'roles/any', { allow_any_name: true, key_type: 'any' });
    expect(await failure(call('update', 'issue/any', { common_name: 'x.test' }))).toEqual({
      status: 400,
      errors: ['role key type "any" not allowed for issuing certificates, only signing'],
    });
    expect(await failure(call('update', 'issue/web', { common_name: 'evil.test' }))).toEqual({
      status: 400,
      errors: ['common name evil.test not allowed by this role'],
    });
    const clamped = logical(
      await call('update', 'issue/web', { common_name: 'a.example.test', ttl: '720h' }),
    );
    expect(clamped.warnings).toEqual([
      'TTL "720h0m0s" is longer than permitted maxTTL "72h0m0s", so maxTTL is being used',
    ]);
    expect(clamped.data.expiration).toBe((START + 72 * 3_600_000) / 1000);
  });
});

describe('RSA', () => {
  it('issues an RSA leaf with a PKCS#1 key of the role size from an RSA root', async () => {
    const { call } = setup();
    await call('update', 'root/generate/internal', { common_name: 'RSA Root' });
    await call('update', 'roles/rsa', { allow_any_name: true, key_type: 'rsa', key_bits: 2048 });
    const { data } = logical(await call('update', 'issue/rsa', { common_name: 'r.test' }));
    expect(data.private_key_type).toBe('rsa');
    expect(String(data.private_key)).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
    const leaf = new x509.X509Certificate(String(data.certificate));
    const ca = new x509.X509Certificate(String(data.issuing_ca));
    expect(ca.publicKey.algorithm.name).toBe('RSASSA-PKCS1-v1_5');
    expect((leaf.publicKey.algorithm as { modulusLength?: number }).modulusLength).toBe(2048);
    expect(await leaf.verify({ publicKey: ca.publicKey, signatureOnly: true })).toBe(true);
  });
});

describe('sign/:role', () => {
  it('signs a CSR with its own names and no private key, warning that the request CN was overridden', async () => {
    const { call } = await withRootAndRole();
    const csr = await makeCsr('CN=api.example.test', ['api.example.test', 'v2.example.test']);
    const { data, warnings } = logical(
      await call('update', 'sign/web', { csr, common_name: 'other.example.test' }),
    );
    expect(Object.keys(data).sort()).toEqual([
      'ca_chain',
      'certificate',
      'expiration',
      'issuing_ca',
      'serial_number',
    ]);
    expect(warnings).toContain(
      'the common_name field was provided but the role is set with "use_csr_common_name" set to true',
    );
    const leaf = new x509.X509Certificate(String(data.certificate));
    expect(leaf.subject).toBe('CN=api.example.test');
    const names = leaf
      .getExtension(x509.SubjectAlternativeNameExtension)!
      .names.items.map((name) => name.value);
    expect(names.sort()).toEqual(['api.example.test', 'v2.example.test']);
  });

  it("answers Vault's CSR errors: empty, not a CSR, and a key the role does not take", async () => {
    const { call } = await withRootAndRole({ key_type: 'rsa', key_bits: 2048 });
    expect(await failure(call('update', 'sign/web', {}))).toEqual({
      status: 400,
      errors: ['"csr" is empty'],
    });
    expect(await failure(call('update', 'sign/web', { csr: 'hello' }))).toEqual({
      status: 400,
      errors: ['csr contains no data'],
    });
    const csr = await makeCsr('CN=api.example.test', []);
    expect(await failure(call('update', 'sign/web', { csr }))).toEqual({
      status: 400,
      errors: ['role requires keys of type rsa'],
    });
  });
});
