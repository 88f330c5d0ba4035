import { AgentError } from '../lib/errors.js';
import { login } from '../vault/auth-api.js';
import { lookupSelf } from '../vault/token-api.js';
import { VaultHttpError } from '../vault/vault-errors.js';
import type { Credential, TokenReplacement } from './methods/auth-method.js';
import type { TokenLifecycleOptions } from './token-lifecycle-options.js';
import type { TokenState } from './token-renewal.js';
import { isPastExpiry } from './token-schedule.js';

/** What getting a token needs from the lifecycle's options. */
export type AcquireDeps = Pick<
  TokenLifecycleOptions,
  'vault' | 'clientWithCertificate' | 'clock' | 'registerSecret' | 'method'
>;

/** A token the method's credential gave, and the line that announces it. */
export interface AcquiredToken {
  readonly state: TokenState;
  readonly message: 'token loaded' | 'logged in to Vault';
  /** The held token, reported refused, still passed lookup-self: a request was denied by policy, not the token. */
  readonly revalidated?: true;
}

/**
 * The token the lifecycle holds: the same token read again needs no lookup, unless it was reported refused (a
 * lookup tells a dead token from a policy denying one request); one past its expiry is dead without asking.
 */
export interface HeldToken {
  readonly token: string;
  readonly refused: boolean;
  readonly expiresAt: number | null;
}

/**
 * Turns a credential into a token: looks up a token the method already has (its TTL and renewability), or logs in.
 * Every secret is registered for scrubbing before it is sent. Resolves with undefined when the credential is the
 * token already held, and throws TokenRefusedError when that token expired or lookup-self refuses it.
 */
export async function acquireToken(
  credential: Credential,
  held: HeldToken | undefined,
  deps: AcquireDeps,
  signal: AbortSignal,
): Promise<AcquiredToken | undefined> {
  const { clock, registerSecret } = deps;
  if (credential.kind === 'login') {
    for (const [name, value] of Object.entries(credential.secrets ?? {}))
      registerSecret(value, { slot: `auth.${name}` });
    const { auth } = await logIn(credential, deps, signal);
    const expiresAt = auth.lease_duration > 0 ? clock.now() + auth.lease_duration * 1000 : null;
    registerSecret(auth.client_token, { slot: 'auth.token', expiresAt });
    const state = {
      token: auth.client_token,
      expiresAt,
      leaseMs: auth.lease_duration * 1000,
      incrementSeconds: auth.lease_duration,
      atMax: !auth.renewable,
      loggedIn: true,
    };
    return { state, message: 'logged in to Vault' };
  }
  registerSecret(credential.token, { slot: 'auth.token_source' });
  const same = held?.token === credential.token;
  if (same) {
    // A spurious file event: only a different token is worth a lookup, unless the held one was reported refused.
    if (!held.refused) return undefined;
    if (isPastExpiry(held.expiresAt, clock.now())) throw new TokenRefusedError(deps.method.replacement);
  }
  const info = await lookUp(credential.token, same, deps, signal);
  const now = clock.now();
  const state = {
    token: credential.token,
    expiresAt: info.expireTime ?? (info.ttl > 0 ? now + info.ttl * 1000 : null),
    leaseMs: Math.max(info.ttl, info.creationTtl) * 1000,
    incrementSeconds: info.creationTtl || info.ttl,
    atMax: !info.renewable,
    loggedIn: false,
  };
  // The token in use: the one it replaces is still scrubbed until it expires (or for the grace period).
  registerSecret(state.token, { slot: 'auth.token', expiresAt: state.expiresAt });
  return same ? { state, message: 'token loaded', revalidated: true } : { state, message: 'token loaded' };
}

/**
 * lookup-self of a token. For the held token reported refused, a 403 is the proof that it is dead: Vault answers a
 * policy denying one request (no pki/issue for a role) with 403 as well, so a consumer's report alone is none.
 */
async function lookUp(token: string, refusedBefore: boolean, deps: AcquireDeps, signal: AbortSignal) {
  try {
    return await lookupSelf(deps.vault, token, signal);
  } catch (error) {
    if (refusedBefore && error instanceof VaultHttpError && error.status === 403)
      throw new TokenRefusedError(deps.method.replacement, { cause: error });
    throw error;
  }
}

/** A login, over a client made for the method's TLS client certificate when it has one (the cert method). */
async function logIn(
  credential: Extract<Credential, { kind: 'login' }>,
  { clientWithCertificate, vault }: AcquireDeps,
  signal: AbortSignal,
) {
  if (!credential.clientCertificate || !clientWithCertificate)
    return login(vault, credential.request, signal);
  const client = clientWithCertificate(credential.clientCertificate);
  try {
    return await login(client, credential.request, signal);
  } finally {
    await client.close();
  }
}

/** The token source still holds the token Vault refused (or that expired). */
export class TokenRefusedError extends AgentError {
  /** `never`: the token came from VAULT_TOKEN, read once at start; nothing but a restart can replace it. */
  constructor(replacement: TokenReplacement, options?: ErrorOptions) {
    super(
      'TOKEN_REFUSED',
      replacement === 'never'
        ? 'Vault refused the token from VAULT_TOKEN, or it expired, and nothing replaces it while the agent runs; restart certagent with a new token, or configure auto_auth to log in'
        : 'the token source still holds the token Vault refused or that expired; waiting for a new one',
      options,
    );
  }
}
