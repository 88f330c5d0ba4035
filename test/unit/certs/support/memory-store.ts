import type { CertificateBundle } from '../../../../src/certs/bundle.js';
import type { CertificateStore, StoredBundleResult } from '../../../../src/certs/certificate-store.js';
import { StateSaveError } from '../../../../src/certs/cert-errors.js';

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
    if (this.failSaves) {
      // As the state store reports a full disk: its own error, with the file system's as the cause.
      const full = Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      throw new StateSaveError(`could not save certificate ${bundle.name} to the state directory`, {
        cause: full,
      });
    }
    this.saves++;
    this.bundles.set(bundle.name, bundle);
  }
}
