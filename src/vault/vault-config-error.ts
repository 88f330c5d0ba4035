import { AgentError } from '../lib/errors.js';

/** The Vault connection cannot be set up as configured (a CA or client certificate file cannot be read). */
export class VaultConfigError extends AgentError {
  constructor(message: string, options?: ErrorOptions) {
    super('VAULT_CONFIG', message, options);
  }
}
