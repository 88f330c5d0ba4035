import { createPrivateKey } from 'node:crypto';
import { generatePrivateKey } from '../../../../src/certs/keys.js';
import type { PkiIssuer } from '../../../../src/certs/pki-issuer.js';
import { formatSerial } from '../../../../src/certs/parse-certificate.js';
import { x509 } from '../../../../src/certs/x509.js';
import type { PkiIssued, PkiIssueRequest, PkiSignRequest } from '../../../../src/vault/pki-types.js';
import { withDeadline } from '../../../helpers/deadline.js';
import { issueLeaf, type TestCa } from '../../../helpers/test-ca.js';

/** A request the fake received, and what it did with it. */
export type Call =
  | { readonly kind: 'sign'; readonly request: PkiSignRequest }
  | { readonly kind: 'issue'; readonly request: PkiIssueRequest };

/** What the fake does with the next request instead of answering properly. */
export type Fault = Error | ((issued: PkiIssued) => PkiIssued);

/**
 * A PkiIssuer that answers like Vault's pki/sign and pki/issue from a test CA: notBefore back-dated 30 s, notAfter
 * = now + ttl, names from the request (sign: from the CSR), issue mode's key in SEC1 form as Vault sends it.
 * Queued faults make the next answers fail or come back altered.
 */
export class FakeIssuer implements PkiIssuer {
  readonly calls: Call[] = [];
  readonly faults: Fault[] = [];
  /** Requests that were still in flight when their signal aborted. */
  aborted = 0;
  /** When set, requests wait for this promise before answering (to test abort). */
  hold: Promise<void> | undefined;
  /** Woken (and dropped) on every request received. */
  #waiters: (() => void)[] = [];

  constructor(
    private readonly ca: TestCa,
    private readonly now: () => number,
    private readonly defaultTtlMs = 3_600_000,
  ) {}

  /**
   * Resolves once `count` requests have reached the fake (at once if they have), as each arrives and before it is
   * answered; fails after `timeoutMs` of real time naming what never came.
   */
  called(count = 1, timeoutMs = 5000): Promise<void> {
    const arrived = new Promise<void>((resolve) => {
      const check = (): void => {
        if (this.calls.length >= count) resolve();
        else this.#waiters.push(check);
      };
      check();
    });
    return withDeadline(arrived, timeoutMs, `${count} request(s) to the issuer`);
  }

  async sign(request: PkiSignRequest, signal: AbortSignal): Promise<PkiIssued> {
    this.#received({ kind: 'sign', request });
    await this.#wait(signal);
    const csr = new x509.Pkcs10CertificateRequest(request.csr);
    if (!(await csr.verify())) throw new Error('bad CSR signature');
    const spkiPem = csr.publicKey.toString('pem');
    return this.#answer(request, { publicKeyPem: spkiPem, privateKey: undefined });
  }

  async issue(request: PkiIssueRequest, signal: AbortSignal): Promise<PkiIssued> {
    this.#received({ kind: 'issue', request });
    await this.#wait(signal);
    const pkcs8 = await generatePrivateKey('ec', 256);
    const sec1 = createPrivateKey(pkcs8).export({ type: 'sec1', format: 'pem' }).toString().trim();
    return this.#answer(request, { publicKeyPem: pkcs8, privateKey: sec1 });
  }

  #received(call: Call): void {
    this.calls.push(call);
    for (const wake of this.#waiters.splice(0)) wake();
  }

  async #wait(signal: AbortSignal): Promise<void> {
    if (!this.hold) return;
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        this.aborted++;
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      void this.hold?.then(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }

  async #answer(
    request: PkiIssueRequest,
    key: { publicKeyPem: string; privateKey: string | undefined },
  ): Promise<PkiIssued> {
    const fault = this.faults.shift();
    if (fault instanceof Error) throw fault;
    const now = this.now();
    const ttlMs =
      request.ttl === undefined ? this.defaultTtlMs : Number(request.ttl.replace(/s$/, '')) * 1000;
    // Vault truncates notAfter to whole seconds; so does X.509's time encoding.
    const notAfter = Math.floor((now + ttlMs) / 1000) * 1000;
    const certificate = (
      await issueLeaf(this.ca, {
        privateKeyPem: key.publicKeyPem,
        commonName: request.commonName,
        dns: [request.commonName, ...request.altNames.filter((name) => !name.includes('@'))],
        emails: request.altNames.filter((name) => name.includes('@')),
        ips: request.ipSans,
        uris: request.uriSans,
        notBefore: Math.floor(now / 1000) * 1000 - 30_000,
        notAfter,
      })
    ).trim();
    const issued: PkiIssued = {
      certificate,
      issuingCa: this.ca.pem.trim(),
      caChain: [this.ca.pem.trim()],
      serialNumber: formatSerial(new x509.X509Certificate(certificate).serialNumber),
      expiration: notAfter / 1000,
      privateKey: key.privateKey,
      privateKeyType: key.privateKey ? 'ec' : undefined,
      warnings: [],
    };
    return typeof fault === 'function' ? fault(issued) : issued;
  }
}
