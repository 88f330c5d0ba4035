// The configuration as the code uses it: camelCase, durations in milliseconds, modes as numbers, paths absolute,
// defaults applied, deep-frozen. The YAML's own shape (snake_case, strings) lives only in the loader; nothing
// else in the agent reads YAML.

/**
 * A command to run: an argv array runs without a shell; a string the user wrote runs under `sh -c`; `signal`
 * (`exec.signal`, in place of a command) sends a signal to the process named by a pid file.
 */
export type CommandSpec =
  | { readonly argv: readonly string[] }
  | { readonly shell: string }
  | { readonly signal: { readonly pidFile: string; readonly signal: NodeJS.Signals } };

export interface VaultConfig {
  /** Base URL without a trailing slash, e.g. `https://vault.internal:8200`. */
  readonly address: string;
  readonly caCert: string | undefined;
  readonly caPath: string | undefined;
  readonly clientCert: string | undefined;
  readonly clientKey: string | undefined;
  readonly tlsServerName: string | undefined;
  readonly tlsSkipVerify: boolean;
  readonly namespace: string | undefined;
  /** From `VAULT_TOKEN` when no auto_auth is configured. A secret: never log it. */
  readonly token: string | undefined;
  readonly requestTimeoutMs: number;
  readonly maxConcurrentRequests: number;
}

export type AuthMethodSettings =
  | { readonly type: 'token_file'; readonly tokenFilePath: string }
  | {
      readonly type: 'approle';
      readonly roleIdFilePath: string;
      readonly secretIdFilePath: string | undefined;
      readonly removeSecretIdFileAfterReading: boolean;
    }
  | { readonly type: 'kubernetes'; readonly role: string; readonly tokenPath: string }
  | { readonly type: 'jwt'; readonly role: string; readonly path: string }
  | {
      readonly type: 'cert';
      /** The cert auth role to log in against; optional as in Vault. */
      readonly name: string | undefined;
      /** Client certificate and key for the login; default to vault.client_cert / client_key. */
      readonly clientCert: string | undefined;
      readonly clientKey: string | undefined;
    };

export type AuthMethodType = AuthMethodSettings['type'];

export interface AuthMethodConfig {
  readonly settings: AuthMethodSettings;
  /** Without leading or trailing slash; default `auth/<type>` (`auth/cert` for cert). */
  readonly mountPath: string;
  readonly namespace: string | undefined;
  readonly minBackoffMs: number;
  readonly maxBackoffMs: number;
  /** true: a failed login ends the agent (exit 1) instead of being retried. */
  readonly exitOnErr: boolean;
}

export interface FileSinkConfig {
  readonly type: 'file';
  readonly path: string;
  readonly mode: number;
}

export interface AutoAuthConfig {
  readonly method: AuthMethodConfig;
  readonly sinks: readonly FileSinkConfig[];
  readonly revokeOnShutdown: boolean;
}

export type KeyType = 'ec' | 'rsa' | 'ed25519';

export interface CertificateConfig {
  /** The key under `certificates:`; templates refer to it. */
  readonly name: string;
  readonly mount: string;
  readonly role: string;
  readonly mode: 'sign' | 'issue';
  readonly commonName: string;
  readonly altNames: readonly string[];
  readonly ipSans: readonly string[];
  readonly uriSans: readonly string[];
  /** The TTL asked of Vault: min(ttl, maxTtl) when both are set; undefined lets the role decide. */
  readonly ttlMs: number | undefined;
  readonly keyType: KeyType;
  /** ec: 256 | 384; rsa: 2048 | 3072 | 4096; ed25519: 0. */
  readonly keyBits: number;
  /** Exactly one of the two is set (renewThreshold 0.67 when the file sets neither). */
  readonly renewThreshold: number | undefined;
  readonly renewBeforeMs: number | undefined;
  readonly reuseKey: boolean;
}

export type TemplateSource =
  | { readonly kind: 'builtin'; readonly name: string }
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'inline'; readonly contents: string };

export interface TemplateExecConfig {
  readonly check: CommandSpec | undefined;
  readonly command: CommandSpec | undefined;
  readonly timeoutMs: number;
}

/** Where a keystore password comes from (docs/outputs.md); never the config itself. */
export type PasswordSource =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'env'; readonly name: string }
  | { readonly kind: 'secret'; readonly secret: string; readonly key: string };

/** `builtin: keystore.p12` with its `pkcs12:` block. */
export interface Pkcs12Settings {
  readonly password: PasswordSource;
  /** The keystore alias (friendlyName); the certificate's name when undefined. */
  readonly alias: string | undefined;
  /** modern: AES-256-CBC + PBKDF2/SHA-256; legacy: 3DES + SHA-1 for old Java. */
  readonly encryption: 'modern' | 'legacy';
}

/** One file of an `output: { layout: atomic }` group, by its stable name. */
export interface DirectoryFileConfig {
  readonly name: string;
  readonly source: TemplateSource;
  readonly pkcs12: Pkcs12Settings | undefined;
  readonly perms: number | undefined;
}

/** An entry of `secrets:`: a KV secret templates read as `secret.<name>`. */
export interface KvSecretConfig {
  readonly name: string;
  /** As in Vault Agent templates (`secret/data/app/db`) or `vault kv get` (`secret/app/db`). */
  readonly path: string;
  /** KV v2: a fixed version instead of the latest. */
  readonly version: number | undefined;
  /** Declared mount and KV version skip the detection request. */
  readonly mount: string | undefined;
  readonly kvVersion: 1 | 2 | undefined;
  readonly refreshMs: number;
}

export interface TemplateConfig {
  /** Position in the `templates:` list; commands run in this order. */
  readonly index: number;
  /** undefined: a template that reads only KV secrets. */
  readonly certificate: string | undefined;
  readonly source: TemplateSource;
  /** The file written; for an atomic directory group, the directory. */
  readonly destination: string;
  /** `builtin: keystore.p12`: a PKCS#12 keystore instead of a Handlebars template. */
  readonly pkcs12?: Pkcs12Settings | undefined;
  /** `output: { directory, layout: atomic }`: the files of the group, swapped together through `..data`. */
  readonly directory?: { readonly files: readonly DirectoryFileConfig[] } | undefined;
  /** undefined: 0600 when the rendered file holds a private key, 0644 otherwise. */
  readonly perms: number | undefined;
  /** A user name or numeric id; undefined keeps the process's own. */
  readonly user: string | undefined;
  readonly group: string | undefined;
  readonly backup: boolean;
  /** `follow_symlink`: write through a symlink at the destination instead of refusing it. */
  readonly followSymlink: boolean;
  readonly exec: TemplateExecConfig | undefined;
}

export interface ListenerConfig {
  readonly host: string;
  readonly port: number;
}

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

export interface LogConfig {
  readonly level: LogLevel;
  /** `auto` (the default): pretty on a terminal, JSON otherwise. */
  readonly format: 'json' | 'pretty' | 'auto';
}

export interface RuntimeConfig {
  /** The files this config was read from, in order. */
  readonly sources: readonly string[];
  readonly vault: VaultConfig;
  readonly autoAuth: AutoAuthConfig | undefined;
  readonly stateDir: string;
  readonly certificates: ReadonlyMap<string, CertificateConfig>;
  readonly templates: readonly TemplateConfig[];
  /** `secrets:`: KV secrets for templates, by name. */
  readonly secrets: ReadonlyMap<string, KvSecretConfig>;
  readonly listener: ListenerConfig | undefined;
  readonly log: LogConfig;
  readonly pidFile: string | undefined;
  readonly exitOnRetryFailure: boolean;
  /** Reload (as on SIGHUP) when one of `sources` changes. */
  readonly configWatch: boolean;
}
