// The contract between the dev server's HTTP core (router, envelope, sys/) and its backends (pki, kv, token,
// approle, kubernetes, jwt). A backend sees a request already parsed, authenticated and stripped of its mount
// prefix, and answers with a DevResponse or throws a VaultApiError; the core turns either into Vault's exact
// HTTP shape (reference/vault-api.md §0).

import type { IncomingHttpHeaders } from 'node:http';

/** Vault's logical operations. POST and PUT are both `update` (Vault's create/update split is not modelled). */
export type Operation = 'read' | 'list' | 'update' | 'delete' | 'patch';

/** A mounted secrets engine or auth method, as the mount table keeps it. `config` is changed by `sys/mounts/{p}/tune`. */
export interface MountEntry {
  /** With trailing slash: `pki/`, `secret/`, `auth/approle/`, `auth/token/`. */
  readonly path: string;
  /** Backend type: `pki`, `kv`, `token`, `approle`, `kubernetes`, `jwt`. */
  readonly type: string;
  readonly accessor: string;
  readonly uuid: string;
  description: string;
  options: Record<string, string>;
  /** Lease TTLs in seconds; 0 means "the system default" (768h). */
  config: { defaultLeaseTtl: number; maxLeaseTtl: number };
}

/** A live token as the token store keeps it. Times are milliseconds since the epoch; TTLs are seconds. */
export interface TokenEntry {
  id: string;
  accessor: string;
  policies: string[];
  /** Creation path: `auth/token/create`, `auth/approle/login`, `auth/token/root`. */
  path: string;
  meta: Record<string, string> | null;
  displayName: string;
  /** Uses left; 0 = unlimited. */
  numUses: number;
  orphan: boolean;
  parent: string | undefined;
  type: 'service' | 'batch';
  creationTime: number;
  /** TTL granted at creation, seconds (0 for a non-expiring root token). */
  creationTtl: number;
  /** The TTL granted last (at creation or the latest renewal), seconds. */
  ttl: number;
  explicitMaxTtl: number;
  period: number;
  renewable: boolean;
  /** When the token stops working; null = never (root). */
  expireTime: number | null;
  issueTime: number;
  lastRenewalTime: number | undefined;
  entityId: string;
  /** Set by the auth method that minted the token; its renew handler re-applies these (seconds, 0 = unset). */
  roleLimits?: { ttl: number; maxTtl: number; period: number };
}

/** What the core knows of the token store; the token backend owns the implementation and everything else. */
export interface TokenStore {
  /** The live token with this id; undefined when it does not exist, has expired or was revoked. */
  lookup(id: string): TokenEntry | undefined;
  /** Called once per authenticated request: spends one use of a limited-use token (revoking it at zero). */
  consumeUse(entry: TokenEntry): void;
  /** Creates (or replaces) the non-expiring root token with this id, as `vault server -dev` does. */
  createRoot(id: string): TokenEntry;
}

export interface DevClock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** What a backend gets when it is mounted. */
export interface BackendContext {
  readonly clock: DevClock;
  readonly mount: MountEntry;
  readonly tokens: TokenStore;
  /** The system-wide lease TTLs in seconds (768h each unless the server was started otherwise). */
  readonly system: { readonly defaultLeaseTtl: number; readonly maxLeaseTtl: number };
  /** Looks up another backend's mount (the token backend needs `auth/token/`'s config, for example). */
  readonly findMount: (path: string) => MountEntry | undefined;
}

export interface DevRequest {
  readonly operation: Operation;
  /** Path inside the mount, without a leading slash: `issue/dev`, `roles/web`, `login`. */
  readonly path: string;
  /** Body fields (JSON or form), plus query parameters for read/list/delete. Numbers stay JS numbers. */
  readonly data: Record<string, unknown>;
  /** The caller's token, already checked by the core; undefined on unauthenticated paths without one. */
  readonly token: TokenEntry | undefined;
  readonly mount: MountEntry;
  readonly remoteAddress: string;
  readonly headers: IncomingHttpHeaders;
  /** The client certificate (PEM) presented in the TLS handshake, if any (cert auth logins). */
  readonly clientCertificate?: string | undefined;
}

export interface AuthBlock {
  client_token: string;
  accessor: string;
  policies: string[];
  token_policies: string[];
  metadata: Record<string, string> | null;
  lease_duration: number;
  renewable: boolean;
  entity_id: string;
  token_type: 'service' | 'batch';
  orphan: boolean;
  mfa_requirement: null;
  num_uses: number;
}

/** What a backend answers; the core renders it as Vault does. */
export type DevResponse =
  /** The standard envelope (§0.4). `status` defaults to 200. */
  | {
      kind: 'logical';
      data?: Record<string, unknown> | null;
      auth?: AuthBlock | null;
      warnings?: string[];
      secret?: { leaseId: string; leaseDuration: number; renewable: boolean };
      status?: number;
    }
  /** A non-JSON body (`ca/pem`, `crl`): sent as is with this content type. */
  | { kind: 'raw'; status?: number; contentType: string; body: string | Uint8Array }
  /** A JSON body outside the envelope (`sys/health`, `sys/seal-status`). */
  | { kind: 'json'; status?: number; body: unknown }
  /** 204 No Content. */
  | { kind: 'empty' };

/** An error answer: `{"errors": [...]}` with this status. */
export class VaultApiError extends Error {
  readonly code = 'VAULT_API_ERROR';
  readonly status: number;
  readonly errors: string[];

  constructor(status: number, errors: string[]) {
    super(errors.join('; ') || `status ${status}`);
    this.status = status;
    this.errors = errors;
  }
}

/** Formats messages as go-multierror does: `1 error occurred:\n\t* permission denied\n\n`. */
export function multierror(...messages: string[]): string {
  const head = messages.length === 1 ? '1 error occurred:' : `${messages.length} errors occurred:`;
  return `${head}\n${messages.map((m) => `\t* ${m}`).join('\n')}\n\n`;
}

/** 400 with the backend's message unwrapped (role rules, bad input, login failures). */
export const badRequest = (message: string): VaultApiError => new VaultApiError(400, [message]);

/** 403 for a missing, invalid, expired or revoked token on a non-login path. */
export const permissionDenied = (): VaultApiError =>
  new VaultApiError(403, [multierror('permission denied')]);

/** 404 with an empty errors array: a read or list that found nothing. */
export const notFound = (): VaultApiError => new VaultApiError(404, []);

/** 404 for a path the mount's backend does not serve. */
export const unsupportedPath = (): VaultApiError => new VaultApiError(404, [multierror('unsupported path')]);

/** 405 for a path that exists but not for this operation. */
export const unsupportedOperation = (): VaultApiError =>
  new VaultApiError(405, [multierror('unsupported operation')]);

/** A mounted engine. `isUnauthenticated` lists the paths that need no token (logins, `ca/pem`, `crl`). */
export interface Backend {
  readonly type: string;
  isUnauthenticated(path: string, operation: Operation): boolean;
  /**
   * Vault's root-protected paths of this backend (its PathsSpecial.Root), inside the mount: a trailing `*` makes
   * the pattern a prefix. The core asks for the `sudo` capability on them before the backend sees the request.
   */
  readonly rootPaths?: readonly string[];
  handle(request: DevRequest): Promise<DevResponse> | DevResponse;
}

export type BackendFactory = (context: BackendContext) => Backend;
