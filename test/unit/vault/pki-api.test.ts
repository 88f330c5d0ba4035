// The PKI calls: Vault's field names on the wire, and every response checked before anyone uses it.

import { describe, expect, it } from 'vitest';
import { issueCertificate, signCertificate } from '../../../src/vault/pki-api.js';
import type { PkiIssueRequest } from '../../../src/vault/pki-types.js';
import type { VaultClient, VaultEnvelope, VaultRequest } from '../../../src/vault/types.js';
import { VaultResponseError } from '../../../src/vault/vault-errors.js';

const TOKEN = 'hvs.pkiApiToken';
const CERT = '-----BEGIN CERTIFICATE-----\nLEAF\n-----END CERTIFICATE-----';
const CA = '-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----';
const ROOT = '-----BEGIN CERTIFICATE-----\nROOT\n-----END CERTIFICATE-----';

const NAMES: PkiIssueRequest = {
  mount: '/pki_int/',
  role: 'web',
  commonName: 'web.example.test',
  altNames: ['a.example.test', 'b.example.test'],
  ipSans: ['127.0.0.1'],
  uriSans: ['spiffe://example/web'],
  ttl: '1h',
};

function data(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    certificate: `${CERT}\n`,
    issuing_ca: CA,
    ca_chain: [CA, ROOT],
    serial_number: '4c:1e:9b',
    expiration: 1767225600,
    private_key: '-----BEGIN PRIVATE KEY-----\nK\n-----END PRIVATE KEY-----',
    private_key_type: 'ec',
    ...overrides,
  };
}

/** A VaultClient that records requests and answers with `reply`. */
function fakeClient(reply: Partial<VaultEnvelope> | undefined): {
  client: VaultClient;
  sent: VaultRequest[];
} {
  const sent: VaultRequest[] = [];
  const client: VaultClient = {
    request: <D>(request: VaultRequest) => {
      sent.push(request);
      return Promise.resolve(reply as VaultEnvelope<D> | undefined);
    },
    requestText: () => Promise.reject(new Error('not used')),
    close: () => Promise.resolve(),
  };
  return { client, sent };
}

describe('signCertificate', () => {
  it("posts the CSR and names with Vault's field names and drops the expected CSR warnings", async () => {
    const expected =
      'the common_name field was provided but the role is set with "use_csr_common_name" set to true';
    const { client, sent } = fakeClient({ data: data(), warnings: [expected, 'TTL capped'] });
    const signal = new AbortController().signal;
    const issued = await signCertificate(client, TOKEN, { ...NAMES, csr: 'CSR PEM' }, signal);
    expect(sent).toEqual([
      {
        method: 'POST',
        path: 'pki_int/sign/web',
        token: TOKEN,
        operation: 'pki.sign',
        signal,
        body: {
          csr: 'CSR PEM',
          common_name: 'web.example.test',
          alt_names: 'a.example.test,b.example.test',
          ip_sans: ['127.0.0.1'],
          uri_sans: ['spiffe://example/web'],
          ttl: '1h',
          format: 'pem',
        },
      },
    ]);
    expect(issued).toEqual({
      certificate: CERT,
      issuingCa: CA,
      caChain: [CA, ROOT],
      serialNumber: '4c:1e:9b',
      expiration: 1767225600,
      privateKey: undefined,
      privateKeyType: undefined,
      warnings: ['TTL capped'],
    });
  });

  it('leaves out empty name lists and the ttl when the role decides', async () => {
    const { client, sent } = fakeClient({ data: data() });
    await signCertificate(client, TOKEN, {
      ...NAMES,
      csr: 'CSR',
      altNames: [],
      ipSans: [],
      uriSans: [],
      ttl: undefined,
    });
    expect(sent[0]?.body).toEqual({ csr: 'CSR', common_name: 'web.example.test', format: 'pem' });
  });

  it('uses [issuing_ca] as the chain when Vault leaves ca_chain out', async () => {
    for (const chain of [undefined, null, []]) {
      const { client } = fakeClient({ data: data({ ca_chain: chain }) });
      expect((await signCertificate(client, TOKEN, { ...NAMES, csr: 'CSR' })).caChain).toEqual([CA]);
    }
  });

  it('rejects every malformed response with VaultResponseError naming the field', async () => {
    const broken: [Partial<VaultEnvelope> | undefined, RegExp][] = [
      [undefined, /data/],
      [{ data: null }, /data/],
      [{ data: data({ certificate: undefined }) }, /certificate/],
      [{ data: data({ certificate: '  ' }) }, /certificate/],
      [{ data: data({ issuing_ca: 42 }) }, /issuing_ca/],
      [{ data: data({ ca_chain: 'not a list' }) }, /ca_chain/],
      [{ data: data({ ca_chain: [CA, 7] }) }, /ca_chain/],
      [{ data: data({ serial_number: undefined }) }, /serial_number/],
      [{ data: data({ expiration: '1767225600' }) }, /expiration/],
      [{ data: data({ expiration: 1.5 }) }, /expiration/],
    ];
    for (const [reply, field] of broken) {
      const { client } = fakeClient(reply);
      const error = await signCertificate(client, TOKEN, { ...NAMES, csr: 'CSR' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(VaultResponseError);
      expect((error as Error).message).toMatch(field);
      expect((error as Error).message).toContain('pki_int/sign/web');
    }
  });
});

describe('issueCertificate', () => {
  it('posts to issue with PKCS#8 keys asked for and returns the private key', async () => {
    const { client, sent } = fakeClient({ data: data(), warnings: null });
    const issued = await issueCertificate(client, TOKEN, NAMES);
    expect(sent[0]).toMatchObject({
      method: 'POST',
      path: 'pki_int/issue/web',
      operation: 'pki.issue',
      body: { common_name: 'web.example.test', format: 'pem', private_key_format: 'pkcs8', ttl: '1h' },
    });
    expect(sent[0]?.body).not.toHaveProperty('csr');
    expect(issued.privateKey).toContain('BEGIN PRIVATE KEY');
    expect(issued.privateKeyType).toBe('ec');
    expect(issued.warnings).toEqual([]);
  });

  it('requires private_key and private_key_type on issue', async () => {
    for (const missing of ['private_key', 'private_key_type']) {
      const { client } = fakeClient({ data: data({ [missing]: undefined }) });
      await expect(issueCertificate(client, TOKEN, NAMES)).rejects.toThrow(new RegExp(missing));
    }
  });
});
