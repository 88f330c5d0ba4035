// Shapes of what Vault answers, and the client interface the rest of the agent programs against.

/** Vault's response envelope (reference/vault-api.md §0.4). */
export interface VaultEnvelope<D = Record<string, unknown>> {
  request_id: string;
  lease_id: string;
  renewable: boolean;
  lease_duration: number;
  data: D | null;
  wrap_info: unknown;
  warnings: string[] | null;
  auth: VaultAuthBlock | null;
}

export interface VaultAuthBlock {
  client_token: string;
  accessor: string;
  policies: string[] | null;
  token_policies?: string[];
  metadata: Record<string, string> | null;
  lease_duration: number;
  renewable: boolean;
  entity_id: string;
  token_type: string;
  orphan: boolean;
  num_uses: number;
}

export interface VaultRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'LIST' | 'HEAD';
  /** Without `/v1/`: `pki/sign/web`, `auth/token/lookup-self`. */
  path: string;
  /** Sent as `X-Vault-Token`; omitted for unauthenticated calls (logins). A secret: never logged. */
  token?: string | undefined;
  body?: unknown;
  /** A short, fixed name for metrics and logs: `pki.sign`, `token.renew_self`, `auth.login`. */
  operation: string;
  /** Overrides `vault.namespace` for this request (auth methods may log in elsewhere). */
  namespace?: string | undefined;
  signal?: AbortSignal | undefined;
}

/** What one finished request reports to observers (metrics, debug logs). */
export interface VaultRequestEvent {
  operation: string;
  method: string;
  path: string;
  /** HTTP status, or `error` when no response arrived. */
  status: string;
  durationMs: number;
}

/** A connection to one Vault: bounded concurrency, TLS, namespace and timeouts are its business. */
export interface VaultClient {
  /** Sends the request; resolves with the parsed envelope (or undefined for 204); rejects with a typed error. */
  request<D = Record<string, unknown>>(request: VaultRequest): Promise<VaultEnvelope<D> | undefined>;
  /** Fetches a raw (non-JSON) body, e.g. `pki/ca/pem`. */
  requestText(request: VaultRequest): Promise<string>;
  /** Releases connections. */
  close(): Promise<void>;
}
