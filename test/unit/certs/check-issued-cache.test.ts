// checkIssued parses each distinct CA once and verifies each CA-to-CA signature once, however many leaves it checks.
import { X509Certificate } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { generatePrivateKey, readPrivateKey } from '../../../src/certs/keys.js';
import type * as ParseCertificateModule from '../../../src/certs/parse-certificate.js';
import { createTestCa, issueLeaf, type TestCa } from '../../helpers/test-ca.js';

const parsed = vi.hoisted(() => [] as string[]);
vi.mock('../../../src/certs/parse-certificate.js', async (importOriginal) => {
  const original = await importOriginal<typeof ParseCertificateModule>();
  return {
    ...original,
    parseCertificate: (pem: string) => {
      parsed.push(pem.trim());
      return original.parseCertificate(pem);
    },
  };
});

const { checkIssued } = await import('../../../src/certs/check-issued.js');

const NAMES = { commonName: 'api.example.com', altNames: [], ipSans: [], uriSans: [] };

let root: TestCa;
let intermediate: TestCa;

beforeAll(async () => {
  root = await createTestCa('Cache Root');
  intermediate = await createTestCa('Cache Intermediate', root);
});

async function material() {
  const privateKey = await generatePrivateKey('ec', 256);
  const certificate = await issueLeaf(intermediate, {
    privateKeyPem: privateKey,
    commonName: NAMES.commonName,
  });
  return { certificate, privateKey, issuingCa: intermediate.pem, caChain: [intermediate.pem, root.pem] };
}

describe('checkIssued caches', () => {
  it('parses each CA once for many leaves, and each leaf once', async () => {
    const leaves = await Promise.all([1, 2, 3, 4, 5].map(() => material()));
    parsed.length = 0;
    for (const leaf of leaves) checkIssued(leaf, NAMES, Date.now());
    expect(parsed.filter((pem) => pem === intermediate.pem.trim())).toHaveLength(1);
    expect(parsed.filter((pem) => pem === root.pem.trim())).toHaveLength(1);
    expect(parsed).toHaveLength(2 + leaves.length);
  });

  it("verifies the intermediate's signature by the root once, however many leaves share the chain", async () => {
    const leaves = await Promise.all([1, 2, 3].map(() => material()));
    checkIssued(leaves[0]!, NAMES, Date.now());
    const verify = vi.spyOn(X509Certificate.prototype, 'verify');
    try {
      for (const leaf of leaves) checkIssued(leaf, NAMES, Date.now());
      // One leaf-by-intermediate check per leaf; the intermediate-by-root pair came from the cache.
      expect(verify).toHaveBeenCalledTimes(leaves.length);
    } finally {
      verify.mockRestore();
    }
  });

  it('a verified pair vouches for that pair only: the same intermediate under a look-alike root is refused', async () => {
    const good = await material();
    checkIssued(good, NAMES, Date.now());
    // Same subject as the real root, another key: names chain up, the signature does not.
    const impostor = await createTestCa('Cache Root');
    expect(() =>
      checkIssued({ ...good, caChain: [intermediate.pem, impostor.pem] }, NAMES, Date.now()),
    ).toThrow(
      expect.objectContaining({
        check: 'chain',
        message: expect.stringContaining('ca_chain[0] is not signed'),
      }),
    );
  });

  it('still refuses a leaf its CA did not sign, after that CA was cached', async () => {
    const good = await material();
    checkIssued(good, NAMES, Date.now());
    const stranger = await createTestCa('Stranger');
    const privateKey = await generatePrivateKey('ec', 256);
    const certificate = await issueLeaf(stranger, {
      privateKeyPem: privateKey,
      commonName: NAMES.commonName,
    });
    expect(() => checkIssued({ ...good, certificate, privateKey }, NAMES, Date.now())).toThrow(
      expect.objectContaining({ check: 'chain' }),
    );
  });
});

describe('readPrivateKey', () => {
  it('hands back the KeyObject a generated key was made as, instead of parsing its PEM again', async () => {
    const pem = await generatePrivateKey('ec', 256);
    expect(readPrivateKey(pem)).toBe(readPrivateKey(pem));
    expect(readPrivateKey(pem).asymmetricKeyType).toBe('ec');
  });

  describe('age', () => {
    afterEach(() => vi.restoreAllMocks());

    it('drops a key 10 minutes old once another is remembered, so superseded keys do not stay in memory', async () => {
      let now = performance.now();
      vi.spyOn(performance, 'now').mockImplementation(() => now);
      const old = await generatePrivateKey('ec', 256);
      const kept = readPrivateKey(old);
      now += 9 * 60_000;
      await generatePrivateKey('ec', 256);
      expect(readPrivateKey(old)).toBe(kept);
      now += 2 * 60_000;
      // Nothing is dropped without another key being remembered (no timer), then the old one goes.
      expect(readPrivateKey(old)).toBe(kept);
      await generatePrivateKey('ec', 256);
      const again = readPrivateKey(old);
      expect(again).not.toBe(kept);
      expect(again.equals(kept)).toBe(true);
    });
  });
});
