import type { CertificateBundle } from './bundle.js';

/** What loading a certificate's state found. */
export type StoredBundleResult =
  | { readonly status: 'found'; readonly bundle: CertificateBundle }
  | { readonly status: 'missing' }
  | { readonly status: 'invalid'; readonly reason: string };

/** Where certificate sources keep their bundles between restarts. */
export interface CertificateStore {
  /** Never throws: a file that cannot be read or trusted is reported as invalid, with why. */
  load(name: string): Promise<StoredBundleResult>;
  /** Throws StateSaveError. */
  save(bundle: CertificateBundle): Promise<void>;
}
