import type { CertificateConfig } from '../config/runtime-config.js';
import type { CertificateBundle } from './bundle.js';
import { CertificateCheckError } from './cert-errors.js';
import { checkIssued } from './check-issued.js';
import { describeKey, readPrivateKey } from './keys.js';
import { certificateRenewAt, renewPolicyOf } from './renew-schedule.js';

/** Whether a bundle kept from before may be used without asking Vault, and if not, why. */
export type AdoptionVerdict =
  { readonly adopt: true; readonly renewAt: number } | { readonly adopt: false; readonly reason: string };

/** The current request and moment a kept bundle is judged against. */
export interface AdoptionContext {
  readonly config: CertificateConfig;
  /** requestFingerprint(config). */
  readonly fingerprint: string;
  readonly now: number;
  readonly random: () => number;
}

/**
 * A kept bundle is adopted when it was issued for the same request, passes every check an issued certificate
 * must pass, and is not yet due for renewal. Pure: no Vault call, no I/O.
 */
export function judgeAdoption(bundle: CertificateBundle, context: AdoptionContext): AdoptionVerdict {
  const { config, now } = context;
  if (bundle.requestFingerprint !== context.fingerprint)
    return { adopt: false, reason: 'the request changed' };
  if (bundle.obtainedAt > now) return { adopt: false, reason: 'obtained in the future (clock moved back?)' };
  try {
    checkIssued(bundle, config, now);
  } catch (error) {
    if (error instanceof CertificateCheckError) return { adopt: false, reason: error.message };
    throw error;
  }
  if (describeKey(readPrivateKey(bundle.privateKey))?.keyType !== bundle.privateKeyType) {
    return { adopt: false, reason: 'the private key is not of the recorded type' };
  }
  const due = certificateRenewAt(bundle, renewPolicyOf(config), context.random);
  if (due <= now) return { adopt: false, reason: `due for renewal since ${new Date(due).toISOString()}` };
  return { adopt: true, renewAt: due };
}
