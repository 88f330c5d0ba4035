import type { CertificateBundle } from '../../../../src/certs/bundle.js';
import type { CertificateStore, StoredBundleResult } from '../../../../src/certs/certificate-store.js';

/** A CertificateStore in memory, counting saves; `failSaves` makes save throw like a full disk. */
export class MemoryStore implements CertificateStore {
  readonly bundles = new Map<string, CertificateBundle>();
  readonly invalid = new Map<string, string>();
  saves = 0;
  failSaves = false;

  async load(name: string): Promise<StoredBundleResult> {
    const reason = this.invalid.get(name);
    if (reason !== undefined) return { status: 'invalid', reason };
    const bundle = this.bundles.get(name);
    return bundle ? { status: 'found', bundle } : { status: 'missing' };
  }

  async save(bundle: CertificateBundle): Promise<void> {
    if (this.failSaves) throw new Error('ENOSPC');
    this.saves++;
    this.bundles.set(bundle.name, bundle);
  }
}
