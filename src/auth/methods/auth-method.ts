import { readFile } from 'node:fs/promises';
import { AgentError } from '../../lib/errors.js';
import type { LoginRequest } from '../../vault/auth-api.js';

/** How a method proves who we are: a token it already has, or a login request for Vault. */
export type Credential =
  | { readonly kind: 'token'; readonly token: string }
  | {
      readonly kind: 'login';
      readonly request: LoginRequest;
      /** The secret values the request carries (secret_id, a JWT), by name, to be scrubbed from every log line. */
      readonly secrets?: Readonly<Record<string, string>>;
      /** A client certificate the login must present over TLS (the cert method). */
      readonly clientCertificate?: { readonly certFile: string; readonly keyFile: string } | undefined;
    };

/**
 * Where a new token comes from once the current one can no longer be renewed or was refused: a new login, the
 * token file changing (someone else logs in and writes it), or nowhere (a literal token).
 */
export type TokenReplacement = 'login' | 'file-change' | 'never';

/** One auth method: builds credentials, does no HTTP. */
export interface AuthMethod {
  /** The method's type, as metrics label it. Behaviour follows the capabilities below, never this name. */
  readonly type: string;
  /** How the token is replaced: decides between logging in again and waiting for a new token. */
  readonly replacement: TokenReplacement;
  /** Reads what the method needs (files are re-read every time) and returns the credential. */
  credential(signal: AbortSignal): Promise<Credential>;
  /** Calls `onChange` whenever the method's inputs change on disk; resolves with a function that stops watching. */
  watch?(onChange: () => void): Promise<() => Promise<void>>;
}

/** A credential file is missing, unreadable or empty. The message names the file, never its content. */
export class CredentialError extends AgentError {
  constructor(message: string, options?: ErrorOptions) {
    super('AUTH_CREDENTIALS', message, options);
  }
}

/** Reads a credential file, trimmed; a missing or empty file is a CredentialError. */
export async function readCredentialFile(path: string, what: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CredentialError(
      `cannot read the ${what} file ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
      { cause: error },
    );
  }
  const value = text.trim();
  if (value === '') throw new CredentialError(`the ${what} file ${path} is empty`);
  return value;
}
