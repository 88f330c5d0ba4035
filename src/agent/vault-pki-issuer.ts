import type { TokenProvider } from '../auth/token-provider.js';
import type { PkiIssuer } from '../certs/certificate-source.js';
import { issueCertificate, signCertificate } from '../vault/pki-api.js';
import type { VaultClient } from '../vault/types.js';
import { VaultHttpError } from '../vault/vault-errors.js';

/**
 * Binds the Vault client and the current token into the PkiIssuer the certificate sources use. The token is read
 * at each request, so a new token is simply used for the next issuance and never causes one; a 403 is reported to
 * the token provider, which logs in again on its own schedule.
 */
export function createVaultPkiIssuer(vault: VaultClient, tokens: TokenProvider): PkiIssuer {
  const withToken = async <T>(signal: AbortSignal, call: (token: string) => Promise<T>): Promise<T> => {
    const token = await tokens.current(signal);
    try {
      return await call(token);
    } catch (error) {
      if (error instanceof VaultHttpError && error.status === 403) tokens.reportInvalid(token);
      throw error;
    }
  };
  return {
    sign: (request, signal) => withToken(signal, (token) => signCertificate(vault, token, request, signal)),
    issue: (request, signal) => withToken(signal, (token) => issueCertificate(vault, token, request, signal)),
  };
}
