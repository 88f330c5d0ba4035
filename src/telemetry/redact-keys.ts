/** What a secret's value is replaced with, in every log line and message. */
export const REDACTED = '[REDACTED]';

/**
 * Keys a secret lives under, compared without case, `-` or `_`, so `client_token`, `clientToken` and
 * `X-Vault-Token` all match. Exact names only: `token_ttl` or `key_type` are not secrets.
 */
const SECRET_KEYS = new Set([
  'token',
  'clienttoken',
  'accesstoken',
  'refreshtoken',
  'xvaulttoken',
  'secretid',
  'secret',
  'jwt',
  'privatekey',
  'password',
  'passphrase',
  'authorization',
  'cookie',
  'setcookie',
]);

/** Deeper than this the object is cut rather than walked (our log objects are shallow; cycles end here too). */
const MAX_DEPTH = 12;

/** Whether a property name is one a secret lives under. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEYS.has(key.toLowerCase().replace(/[-_]/g, ''));
}

/**
 * A copy of a log object with the value of every secret key replaced, at any depth. pino's own `redact` needs
 * each path spelled out; this pass catches the ones nobody listed. Errors and other class instances are left
 * to their serializers (which keep only safe fields); plain objects and arrays are walked.
 */
export function redactSecretKeys(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[TOO DEEP]';
  if (Array.isArray(value)) return value.map((item) => redactSecretKeys(item, depth + 1));
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] = isSecretKey(key) && inner !== undefined ? REDACTED : redactSecretKeys(inner, depth + 1);
  }
  return out;
}
