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
    }
  | {
      /** An attempt to obtain failed (in run); the previous bundle, if any, stays published. */
      readonly type: 'failed';
      readonly certificate: string;
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
