import { AgentError } from '../lib/errors.js';

/** The dev server could not start or set itself up (port in use, dev-mode PKI setup failed). */
export class DevServerError extends AgentError {
  constructor(message: string, options?: ErrorOptions) {
    super('DEV_SERVER', message, options);
  }
}
