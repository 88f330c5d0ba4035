// The seal of the dev server: one Shamir share (t=1, n=1) as `vault server -dev` has. Sealing keeps everything in
// memory (tokens, mounts, certificates) but makes the API refuse work until the key is given back.

import { randomBytes, timingSafeEqual } from 'node:crypto';
import { badRequest } from '../types.js';

/** The seal and its single unseal key. */
export class SealState {
  readonly #key: Buffer;
  #sealed = false;

  constructor(key: Buffer = randomBytes(32)) {
    this.#key = key;
  }

  /** The unseal key as `vault server -dev` prints it (base64). */
  get unsealKey(): string {
    return this.#key.toString('base64');
  }

  get sealed(): boolean {
    return this.#sealed;
  }

  seal(): void {
    this.#sealed = true;
  }

  /** Unseals without a key (the in-process API of the dev server). */
  forceUnseal(): void {
    this.#sealed = false;
  }

  /**
   * `sys/unseal` with a key: hex or base64 as Vault decodes it. A well-formed wrong key is a 400 with Vault's
   * barrier message; an already unsealed server accepts anything, as Vault's Unseal returns early.
   */
  unseal(keyText: string): void {
    const key = decodeKey(keyText, this.#key.length);
    if (!this.#sealed) return;
    if (key.length !== this.#key.length || !timingSafeEqual(key, this.#key)) {
      throw badRequest('Unseal failed, invalid key');
    }
    this.#sealed = false;
  }
}

// Vault tries hex first, but only when the decoded length fits a barrier key, so a base64 key that happens to be
// valid hex is still read as base64.
function decodeKey(text: string, keyLength: number): Buffer {
  if (/^(?:[0-9a-fA-F]{2})+$/.test(text)) {
    const hex = Buffer.from(text, 'hex');
    if (hex.length >= 16 && hex.length <= keyLength) return hex;
  }
  if (/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)) {
    return Buffer.from(text, 'base64');
  }
  throw badRequest("'key' must be a valid hex or base64 string");
}
