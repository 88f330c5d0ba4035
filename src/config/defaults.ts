// Every default of the configuration, in one place (DESIGN §1.2).

import { DEFAULT_BACKOFF } from '../lib/backoff.js';

const SECOND = 1000;

export const DEFAULTS = {
  requestTimeoutMs: 30 * SECOND,
  maxConcurrentRequests: 8,
  minBackoffMs: DEFAULT_BACKOFF.minMs,
  maxBackoffMs: DEFAULT_BACKOFF.maxMs,
  exitOnErr: false,
  revokeOnShutdown: false,
  kubernetesTokenPath: '/var/run/secrets/kubernetes.io/serviceaccount/token',
  sinkMode: 0o600,
  certificateMode: 'sign',
  keyType: 'ec',
  keyBits: { ec: 256, rsa: 2048, ed25519: 0 },
  renewThreshold: 0.67,
  reuseKey: false,
  templateBackup: false,
  // A symlink at a destination is refused unless the template opts in (issue 7: a planted link must not redirect writes).
  templateFollowSymlink: false,
  execTimeoutMs: 30 * SECOND,
  logLevel: 'info',
  /** Pretty when the log goes to a terminal, JSON otherwise (journald, a pipe, a log shipper). */
  logFormat: 'auto',
  exitOnRetryFailure: false,
  configWatch: false,
  stateDir: '/var/lib/certagent',
} as const;

/**
 * The templates shipped in the package's `templates/` folder, by the name `builtin:` uses. Kept with the config
 * defaults because the config check validates `builtin:` against it, and config must not import templates/.
 */
export const BUILTIN_TEMPLATES = [
  'cert.pem',
  'key.pem',
  'ca.pem',
  'chain.pem',
  'fullchain.pem',
  'bundle.pem',
] as const;

/** Key sizes each key type accepts. */
export const KEY_BITS: Readonly<Record<'ec' | 'rsa' | 'ed25519', readonly number[]>> = {
  ec: [256, 384],
  rsa: [2048, 3072, 4096],
  ed25519: [0],
};

/** The keys each auth method's `config` takes, and which are required. */
export const METHOD_KEYS: Readonly<
  Record<string, { required: readonly string[]; optional: readonly string[] }>
> = {
  token_file: { required: ['token_file_path'], optional: [] },
  approle: {
    required: ['role_id_file_path'],
    optional: ['secret_id_file_path', 'remove_secret_id_file_after_reading'],
  },
  kubernetes: { required: ['role'], optional: ['token_path'] },
  jwt: { required: ['role', 'path'], optional: [] },
  cert: { required: [], optional: ['name', 'client_cert', 'client_key'] },
};
