// What a certificate source says in the log: one line per bundle that says what changed, in words a person reads
// (`certificate web renewed: serial A → B, not after …, next renewal …`), with the same facts as fields.

import type { CertificateBundle } from './bundle.js';
import type { IssueReason } from './certificate-events.js';
import { isoTime } from '../lib/iso-time.js';

/** The structured fields of a bundle's log line (no secret: serial and dates only). */
export function bundleFields(bundle: CertificateBundle, renewAt: number | undefined): Record<string, string> {
  return {
    serial: bundle.serialNumber,
    not_after: isoTime(bundle.notAfter),
    renew_at: isoTime(renewAt ?? 0),
  };
}

/** `certificate web issued: serial B, …`, `… renewed: serial A → B, …`, `… rotated: serial A → B, …`. */
export function issuedMessage(
  bundle: CertificateBundle,
  previous: CertificateBundle | undefined,
  reason: IssueReason,
  renewAt: number | undefined,
): string {
  const change =
    previous === undefined
      ? `issued: serial ${bundle.serialNumber}`
      : `${reason === 'forced' ? 'rotated' : 'renewed'}: serial ${previous.serialNumber} → ${bundle.serialNumber}`;
  return `certificate ${bundle.name} ${change}, ${dates(bundle, renewAt)}`;
}

/** `certificate web adopted from state_dir: serial B, not after …, next renewal …`. */
export function adoptedMessage(bundle: CertificateBundle, renewAt: number | undefined): string {
  return `certificate ${bundle.name} adopted from state_dir: serial ${bundle.serialNumber}, ${dates(bundle, renewAt)}`;
}

function dates(bundle: CertificateBundle, renewAt: number | undefined): string {
  return `not after ${isoTime(bundle.notAfter)}, next renewal ${isoTime(renewAt ?? bundle.notAfter)}`;
}
