import { AgentError } from '../lib/errors.js';

/** Which check an issued (or stored) certificate failed. */
export type CertificateCheck = 'parse' | 'key' | 'chain' | 'names' | 'expired';

/**
 * What Vault returned (or what state_dir holds) cannot be used: it does not parse, the key does not match, the chain
 * is out of order, a requested name is missing, or it has expired. Permanent: asking again the same way is not
 * expected to help, so the source backs off as long as it can instead of retrying at once.
 */
export class CertificateCheckError extends AgentError {
  /** The check that failed. */
  readonly check: CertificateCheck;

  constructor(check: CertificateCheck, message: string, options?: ErrorOptions) {
    super('CERT_CHECK_FAILED', `certificate check failed (${check}): ${message}`, options);
    this.check = check;
  }
}

/** A key or CSR could not be made (an unsupported type or size, or the crypto library refused). */
export class KeyGenerationError extends AgentError {
  constructor(message: string, options?: ErrorOptions) {
    super('KEY_GENERATION_FAILED', message, options);
  }
}

/** A bundle could not be written to state_dir; the certificate itself is still good. */
export class StateSaveError extends AgentError {
  constructor(message: string, options?: ErrorOptions) {
    super('STATE_SAVE_FAILED', message, options);
  }
}
