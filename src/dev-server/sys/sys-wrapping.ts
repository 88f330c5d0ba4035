// `sys/wrapping/wrap`, `unwrap` and `lookup` (reference/vault-api.md §6).

import type { TokenStore } from '../types.js';
import type { DevResponse } from '../types.js';
import { badRequest, permissionDenied } from '../types.js';
import type { WrappingStore } from '../wrapping/wrapping-store.js';

/** Vault's consts.ErrInvalidWrappingToken, a 400. */
export const invalidWrappingToken = () => badRequest('wrapping token is not valid or does not exist');

/** `sys/wrapping/wrap`: echoes the posted data, which the core then wraps. */
export function wrapData(data: Record<string, unknown>, wrapTtl: number): DevResponse {
  if (wrapTtl <= 0) throw badRequest('endpoint requires response wrapping to be used');
  return { kind: 'logical', data };
}

/**
 * `sys/wrapping/unwrap`: the wrapping token in X-Vault-Token with no body, or in the body's `token` with any valid
 * token in the header. Answers the original reply exactly as it would have been sent.
 */
export function unwrap(
  wrapping: WrappingStore,
  tokens: TokenStore,
  requestToken: string | undefined,
  data: Record<string, unknown>,
): DevResponse {
  const bodyToken = typeof data.token === 'string' && data.token !== '' ? data.token : undefined;
  if (bodyToken !== undefined) {
    const callerOk =
      requestToken !== undefined && (tokens.lookup(requestToken) !== undefined || wrapping.has(requestToken));
    if (!callerOk) throw permissionDenied();
  }
  const wrappingToken = bodyToken ?? requestToken;
  const unwrapped = wrappingToken === undefined ? undefined : wrapping.unwrap(wrappingToken);
  if (unwrapped === undefined) throw invalidWrappingToken();
  return { kind: 'json', status: unwrapped.status, body: unwrapped.body };
}

/** `sys/wrapping/lookup` (unauthenticated): creation path, time and TTL of a live wrapping token. */
export function lookupWrapping(
  wrapping: WrappingStore,
  requestToken: string | undefined,
  data: Record<string, unknown>,
): DevResponse {
  const token = typeof data.token === 'string' && data.token !== '' ? data.token : requestToken;
  const info = token === undefined ? undefined : wrapping.lookup(token);
  if (info === undefined) throw invalidWrappingToken();
  return { kind: 'logical', data: info };
}
