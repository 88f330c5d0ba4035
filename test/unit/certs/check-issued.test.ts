import { createPrivateKey } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { CertificateCheckError } from '../../../src/certs/cert-errors.js';
import { checkIssued, type IssuedMaterial } from '../../../src/certs/check-issued.js';
import { generatePrivateKey } from '../../../src/certs/keys.js';
import { createTestCa, issueLeaf, type TestCa } from '../../helpers/test-ca.js';

const NAMES = {
  commonName: 'api.example.com',
  altNames: ['api.example.com', 'API-v2.example.com', 'ops@example.com'],
  ipSans: ['10.0.0.10', '2001:DB8:0:0::1'],
  uriSans: ['spiffe://example.com/web'],
};
const NOW = Date.now();

let root: TestCa;
let intermediate: TestCa;
let otherRoot: TestCa;
let key: string;

beforeAll(async () => {
  root = await createTestCa('Test Root');
  intermediate = await createTestCa('Test Intermediate', root);
  otherRoot = await createTestCa('Other Root');
  key = await generatePrivateKey('ec', 256);
});

async function leaf(
  overrides: Partial<Parameters<typeof issueLeaf>[1]> = {},
  ca = intermediate,
): Promise<string> {
  return issueLeaf(ca, {
    privateKeyPem: key,
    commonName: 'api.example.com',
    dns: ['api.example.com', 'api-v2.example.com'],
    emails: ['ops@example.com'],
    ips: ['10.0.0.10', '2001:db8::1'],
    uris: ['spiffe://example.com/web'],
    ...overrides,
  });
}

async function material(overrides: Partial<IssuedMaterial> = {}): Promise<IssuedMaterial> {
  return {
    certificate: await leaf(),
    privateKey: key,
    issuingCa: intermediate.pem,
    caChain: [intermediate.pem, root.pem],
    ...overrides,
  };
}

/** Runs checkIssued and returns the CertificateCheckError it must throw. */
function refusal(input: IssuedMaterial, names = NAMES, now = NOW): CertificateCheckError {
  try {
    checkIssued(input, names, now);
  } catch (error) {
    expect(error).toBeInstanceOf(CertificateCheckError);
    expect((error as CertificateCheckError).code).toBe('CERT_CHECK_FAILED');
    return error as CertificateCheckError;
  }
  throw new Error('checkIssued accepted what it should refuse');
}

describe('checkIssued accepts', () => {
  it('a leaf with its key and a leaf-first chain, names compared without regard to case or IP spelling', async () => {
    const parsed = checkIssued(await material(), NAMES, NOW);
    expect(parsed.commonName).toBe('api.example.com');
    expect(parsed.ipSans).toEqual(['10.0.0.10', '2001:db8::1']);
  });

  it('a leaf from a root with only issuing_ca', async () => {
    const cert = await leaf({}, root);
    const parsed = checkIssued(
      { certificate: cert, privateKey: key, issuingCa: root.pem, caChain: [] },
      NAMES,
      NOW,
    );
    expect(parsed.pem).toBe(cert.trim());
  });

  it("Vault's own key forms (SEC1 EC, PKCS#1 RSA) in issue mode", async () => {
    const sec1 = createPrivateKey(key).export({ type: 'sec1', format: 'pem' }).toString();
    expect(checkIssued(await material({ privateKey: sec1 }), NAMES, NOW).serialNumber).toMatch(/:/);
    const rsa = await generatePrivateKey('rsa', 2048);
    const pkcs1 = createPrivateKey(rsa).export({ type: 'pkcs1', format: 'pem' }).toString();
    const cert = await leaf({ privateKeyPem: rsa });
    const input = await material({ certificate: cert, privateKey: pkcs1 });
    expect(checkIssued(input, NAMES, NOW).pem).toBe(cert.trim());
  });

  it('a certificate with more names than asked for', async () => {
    const cert = await leaf({ dns: ['api.example.com', 'api-v2.example.com', 'extra.example.com'] });
    const input = await material({ certificate: cert });
    expect(checkIssued(input, NAMES, NOW).altNames).toContain('extra.example.com');
  });
});

describe('checkIssued refuses', () => {
  it('a certificate for another key, without quoting either key', async () => {
    const other = await generatePrivateKey('ec', 256);
    const error = refusal(await material({ privateKey: other }));
    expect(error.check).toBe('key');
    expect(error.message).not.toMatch(/PRIVATE KEY|MII/);
  });

  it('a private key that does not parse, without quoting it', async () => {
    const error = refusal(
      await material({ privateKey: '-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----' }),
    );
    expect(error.check).toBe('key');
    expect(error.message).not.toContain('c2VjcmV0');
    expect(error.cause).toBeUndefined();
  });

  it('a chain that is not leaf-first (root before intermediate)', async () => {
    const error = refusal(await material({ caChain: [root.pem, intermediate.pem], issuingCa: '' }));
    expect(error.check).toBe('chain');
    expect(error.message).toContain('not signed by ca_chain[0]');
  });

  it('a chain whose second entry did not sign the first', async () => {
    const error = refusal(await material({ caChain: [intermediate.pem, otherRoot.pem] }));
    expect(error.check).toBe('chain');
    expect(error.message).toContain('ca_chain[0] is not signed by ca_chain[1]');
  });

  it('a leaf from another CA than the chain says', async () => {
    const error = refusal(await material({ certificate: await leaf({}, otherRoot) }));
    expect(error.check).toBe('chain');
  });

  it('an issuing_ca that is not the first of ca_chain', async () => {
    const error = refusal(await material({ issuingCa: root.pem }));
    expect(error.check).toBe('chain');
    expect(error.message).toContain('issuing_ca');
  });

  it('an answer without any CA', async () => {
    expect(refusal(await material({ issuingCa: '', caChain: [] })).check).toBe('chain');
  });

  it('a chain entry that does not parse', async () => {
    const error = refusal(await material({ caChain: [intermediate.pem, 'junk'] }));
    expect(error.check).toBe('chain');
    expect(error.message).toContain('ca_chain[1]');
  });

  it('a leaf that does not parse', async () => {
    expect(refusal(await material({ certificate: 'junk' })).check).toBe('parse');
  });

  it.each([
    ['common name', { commonName: 'other.example.com' }, 'common name other.example.com'],
    ['DNS name', { altNames: ['missing.example.com'] }, 'missing.example.com'],
    ['email', { altNames: ['nobody@example.com'] }, 'nobody@example.com'],
    ['IP', { ipSans: ['10.0.0.11'] }, '10.0.0.11'],
    ['IPv6', { ipSans: ['2001:db8::2'] }, '2001:db8::2'],
    ['URI', { uriSans: ['spiffe://example.com/other'] }, 'spiffe://example.com/other'],
  ])('a certificate missing a requested %s', async (_label, change, named) => {
    const error = refusal(await material(), { ...NAMES, ...change });
    expect(error.check).toBe('names');
    expect(error.message).toContain(named);
  });

  it('an expired certificate', async () => {
    const cert = await leaf({ notBefore: NOW - 7_200_000, notAfter: NOW - 1_000 });
    const error = refusal(await material({ certificate: cert }));
    expect(error.check).toBe('expired');
  });

  it('a certificate whose notAfter is exactly now', async () => {
    const notAfter = Math.floor(NOW / 1000) * 1000 + 60_000;
    const cert = await leaf({ notAfter });
    expect(refusal(await material({ certificate: cert }), NAMES, notAfter).check).toBe('expired');
    expect(checkIssued(prepared(cert), NAMES, notAfter - 1).notAfter).toBe(notAfter);
  });
});

function prepared(certificate: string): IssuedMaterial {
  return { certificate, privateKey: key, issuingCa: intermediate.pem, caChain: [intermediate.pem, root.pem] };
}
