import { timingSafeEqual } from 'node:crypto';
import type { Pkcs12Input } from './pkcs12.js';
import { preparePkcs12 } from './pkcs12.js';

/**
 * The last keystore built for each destination, by the digest of its inputs. Every pass re-renders every
 * template (on each new bundle, secret value, reload, template edit, destination changed on disk, and each retry
 * of a failed pass), and a keystore's key derivations (PBKDF2, the PKCS#12 KDF: 10,000 iterations each, several
 * per keystore) cost tens of milliseconds, hundreds for `legacy`. Its bytes are a function of that digest (the
 * salts and IVs derive from it, see buildPkcs12), so an unchanged keystore is taken from here for the price of
 * parsing its inputs and one SHA-256.
 *
 * Bounded to the live destinations: one entry per destination, replaced when its inputs change, and `endPass`
 * drops the destinations a pass did not build (removed by a reload, or now failing). What is kept is the
 * keystore as written to disk (the key encrypted with the password) and a digest, never the key or password.
 * One per agent; passes run one at a time.
 */
export class KeystoreCache {
  readonly #entries = new Map<string, { readonly digest: Buffer; readonly keystore: Buffer }>();
  /** Destinations built since the last endPass. */
  readonly #built = new Set<string>();

  /** buildPkcs12's bytes for this destination; the key derivations run only when the inputs changed. */
  build(destination: string, input: Pkcs12Input): Buffer {
    const prepared = preparePkcs12(input);
    this.#built.add(destination);
    const entry = this.#entries.get(destination);
    // A copy: the caller's buffer may be changed or zeroed without touching what is kept.
    if (prepared.digest && entry && timingSafeEqual(entry.digest, prepared.digest))
      return Buffer.from(entry.keystore);
    // The superseded keystore goes first, so it is not kept even when the new one fails to build.
    this.#entries.delete(destination);
    const keystore = prepared.build();
    if (prepared.digest)
      this.#entries.set(destination, { digest: prepared.digest, keystore: Buffer.from(keystore) });
    return keystore;
  }

  /** A pass has rendered everything: forgets the destinations it did not build. */
  endPass(): void {
    for (const destination of this.#entries.keys())
      if (!this.#built.has(destination)) this.#entries.delete(destination);
    this.#built.clear();
  }

  /** How many keystores are kept (for tests). */
  get size(): number {
    return this.#entries.size;
  }
}
