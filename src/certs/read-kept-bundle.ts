// What state_dir offers a source that starts: the bundle kept from a previous run, adopted when it still fits
// (no Vault request at start), and its key for reuse_key even when the certificate itself is not adopted. Why a
// kept bundle is not used is logged here, once, so a person sees why the agent asked Vault at start.

import type { Logger } from 'pino';
import type { CertificateConfig } from '../config/runtime-config.js';
import type { Clock } from '../lib/clock.js';
import { judgeAdoption } from './adoption.js';
import type { CertificateBundle } from './bundle.js';
import type { CertificateStore } from './certificate-store.js';
import { keyMatches } from './keys.js';

/** What reading state_dir needs. */
export interface KeptBundleContext {
  readonly config: CertificateConfig;
  readonly store: CertificateStore;
  /** requestFingerprint(config, vaultAddress): another request's (or another Vault's) bundle is not adopted. */
  readonly fingerprint: string;
  readonly clock: Clock;
  readonly random: () => number;
  readonly log: Logger;
}

/** What state_dir held for the certificate. */
export interface KeptBundle {
  /** The kept bundle, fit to use until `renewAt`. */
  readonly adopted?: { readonly bundle: CertificateBundle; readonly renewAt: number };
  /** The kept private key when it is of the configured type and size (reused under reuse_key). */
  readonly key?: string;
}

/** Loads the kept bundle and judges it; never throws for a missing or unreadable one (both mean: ask Vault). */
export async function readKeptBundle(context: KeptBundleContext): Promise<KeptBundle> {
  const { config, log } = context;
  const stored = await context.store.load(config.name);
  if (stored.status === 'missing') return {};
  if (stored.status === 'invalid') {
    log.warn({ reason: stored.reason }, 'stored certificate unreadable');
    return {};
  }
  const { bundle } = stored;
  const key = keyMatches(bundle.privateKey, config.keyType, config.keyBits) ? bundle.privateKey : undefined;
  const kept = key === undefined ? {} : { key };
  const verdict = judgeAdoption(bundle, { ...context, now: context.clock.now() });
  if (!verdict.adopt) {
    log.info({ serial: bundle.serialNumber, reason: verdict.reason }, 'stored certificate not adopted');
    return kept;
  }
  return { ...kept, adopted: { bundle, renewAt: verdict.renewAt } };
}
