import type { PkiIssued, PkiIssueRequest, PkiSignRequest } from '../vault/pki-types.js';

/**
 * What a certificate source needs from Vault: sign a CSR, or issue a key and certificate. The composition root
 * binds the Vault client and the current token into one; certs/ itself never speaks HTTP.
 */
export interface PkiIssuer {
  /** `{mount}/sign/{role}`. */
  sign(request: PkiSignRequest, signal: AbortSignal): Promise<PkiIssued>;
  /** `{mount}/issue/{role}`. */
  issue(request: PkiIssueRequest, signal: AbortSignal): Promise<PkiIssued>;
}
