import type { VaultAuthBlock, VaultClient } from './types.js';
import { VaultResponseError } from './vault-errors.js';

/** A login as an auth method builds it; the HTTP call is made here. */
export interface LoginRequest {
  /** `auth/approle`, without slashes at either end. */
  readonly mountPath: string;
  /** A secret (role_id/secret_id, JWT): never log it. */
  readonly body: Record<string, unknown>;
  readonly namespace?: string | undefined;
}

/** POST `{mountPath}/login`, unauthenticated; resolves with the auth block (the new token and its lease). */
export async function login(
  client: VaultClient,
  request: LoginRequest,
  signal?: AbortSignal,
): Promise<{ auth: VaultAuthBlock; warnings: readonly string[] }> {
  const path = `${request.mountPath.replace(/^\/+|\/+$/g, '')}/login`;
  const envelope = await client.request({
    method: 'POST',
    path,
    body: request.body,
    namespace: request.namespace,
    operation: 'auth.login',
    signal,
  });
  const auth = envelope?.auth;
  if (!auth || typeof auth.client_token !== 'string' || auth.client_token === '') {
    throw new VaultResponseError(`vault ${path} answered without a client token`);
  }
  return { auth, warnings: envelope.warnings ?? [] };
}
