/**
 * Why a certificate was requested from Vault: `initial` (none usable yet: first start, nothing to adopt, or the
 * request changed), `renewal` (on schedule) or `forced` (SIGUSR1, `certagent rotate`). The `reason` label of
 * `certagent_certificate_issues_total`.
 */
export type IssueReason = 'initial' | 'renewal' | 'forced';

/** A certificate source's report of what it just did; metrics, health and status hang on these. */
export type CertificateEvent =
  | {
      readonly type: 'adopted';
      readonly certificate: string;
      readonly serialNumber: string;
      readonly notAfter: number;
      readonly renewAt: number;
    }
  | {
      readonly type: 'issued';
      readonly certificate: string;
      readonly serialNumber: string;
      readonly notAfter: number;
      readonly renewAt: number;
      /** Why it was asked for; sources always say (observers count a missing one as `renewal`). */
      readonly reason?: IssueReason;
      /** The serial it replaces, when there was one. */
      readonly previousSerial?: string;
    }
  | {
      /** An attempt to obtain failed (in run); the previous bundle, if any, stays published. */
      readonly type: 'failed';
      readonly certificate: string;
      readonly reason?: IssueReason;
      readonly error: unknown;
      readonly retryInMs: number;
    }
  | {
      /** The source is now waiting until `renewAt` to renew. */
      readonly type: 'scheduled';
      readonly certificate: string;
      readonly renewAt: number;
    };

/** Receives a source's events; must not throw (a throw is logged and ignored). */
export type CertificateEventListener = (event: CertificateEvent) => void;
