import { readFile } from 'node:fs/promises';
import { AgentError } from '../lib/errors.js';
import { Latest } from '../lib/latest.js';
import type { TokenProvider } from './token-provider.js';

/** No token could be had: VAULT_TOKEN is unset and the token file is missing or empty. */
export class TokenUnavailableError extends AgentError {
  constructor(message: string, options?: ErrorOptions) {
    super('TOKEN_UNAVAILABLE', message, options);
  }
}

/**
 * A token given from outside: VAULT_TOKEN, or a `token_file` (read at start and again whenever Vault refuses the
 * token, which picks up a rotated file). It cannot log in, so it neither renews nor re-logs in; the full lifecycle
 * (renewal, re-login, file watching) lives in the auto_auth token lifecycle.
 */
export class StaticTokenProvider implements TokenProvider {
  readonly token = new Latest<string>();
  readonly #source: { literal: string } | { file: string };

  constructor(source: { literal: string } | { file: string }) {
    this.#source = source;
  }

  async current(signal: AbortSignal): Promise<string> {
    signal.throwIfAborted();
    if (this.token.value === undefined) await this.#load();
    return this.token.value as string;
  }

  reportInvalid(token: string): void {
    // Only a file can hold a newer token; re-read it on the next request.
    if ('file' in this.#source && token === this.token.value) void this.#load().catch(() => undefined);
  }

  async run(signal: AbortSignal): Promise<void> {
    await this.current(signal);
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  }

  async #load(): Promise<void> {
    if ('literal' in this.#source) {
      this.token.set(this.#source.literal);
      return;
    }
    let text: string;
    try {
      text = await readFile(this.#source.file, 'utf8');
    } catch (error) {
      throw new TokenUnavailableError(`cannot read token file ${this.#source.file}`, { cause: error });
    }
    const token = text.trim();
    if (!token) throw new TokenUnavailableError(`token file ${this.#source.file} is empty`);
    this.token.set(token);
  }
}
