import { readFile } from 'node:fs/promises';
import { AgentError } from '../lib/errors.js';
import type { KvSecret } from '../vault/kv-api.js';

/** Where a keystore password comes from; never the config itself. */
export type PasswordSource =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'env'; readonly name: string }
  | { readonly kind: 'secret'; readonly secret: string; readonly key: string };

/** The password could not be had. The message says where it was looked for, never what was found. */
export class KeystorePasswordError extends AgentError {
  constructor(message: string, options?: ErrorOptions) {
    super('KEYSTORE_PASSWORD', message, options);
  }
}

/** How a password source is named in messages and docs. */
export function describePasswordSource(source: PasswordSource): string {
  if (source.kind === 'file') return `the file ${source.path}`;
  if (source.kind === 'env') return `the environment variable ${source.name}`;
  return `the key ${JSON.stringify(source.key)} of secret ${JSON.stringify(source.secret)}`;
}

/**
 * Reads the password at render time, so a rotated file, variable or KV value is used for the next keystore. A
 * file's one trailing newline is dropped (`echo pw > file`). Empty is an error: a keystore with an empty password
 * is readable by anyone who can read the file, and Java refuses some operations on it.
 */
export async function resolveKeystorePassword(
  source: PasswordSource,
  secrets: ReadonlyMap<string, KvSecret>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  let value: unknown;
  if (source.kind === 'file') {
    try {
      value = (await readFile(source.path, 'utf8')).replace(/\r?\n$/, '');
    } catch (error) {
      throw new KeystorePasswordError(
        `cannot read the keystore password from ${describePasswordSource(source)}`,
        {
          cause: error,
        },
      );
    }
  } else if (source.kind === 'env') value = env[source.name];
  else {
    const secret = secrets.get(source.secret);
    if (secret === undefined)
      throw new KeystorePasswordError(`secret ${JSON.stringify(source.secret)} has not been read yet`);
    value = secret.data[source.key];
  }
  if (typeof value !== 'string' || value === '')
    throw new KeystorePasswordError(
      `no keystore password in ${describePasswordSource(source)} (missing or empty)`,
    );
  return value;
}
