// The YAML's own shape (DESIGN §1.2): snake_case keys, Go-style durations, octal mode strings. Unknown keys are
// errors everywhere. Durations and modes are converted here so their problems carry the node's position.

import { isIP } from 'node:net';
import { z } from 'zod';
import { constants } from 'node:os';
import { parseVaultDurationMs } from '../lib/duration.js';

/** A Go/Vault duration (`90s`, `1h30m`) or a bare integer of seconds → milliseconds. */
const duration = z.unknown().transform((value, ctx) => {
  if (typeof value === 'number' || typeof value === 'string') {
    try {
      const ms = parseVaultDurationMs(value);
      if (ms >= 0) return ms;
    } catch {
      // reported below
    }
  }
  ctx.addIssue({
    code: 'custom',
    message: `must be a duration like "90s", "15m" or "1h30m" (a bare number is seconds), got ${describe(value)}`,
  });
  return z.NEVER;
});

/** A quoted octal file mode → number. */
const mode = z.unknown().transform((value, ctx) => {
  if (typeof value === 'string' && /^0?[0-7]{3,4}$/.test(value)) return parseInt(value, 8);
  ctx.addIssue({
    code: 'custom',
    message:
      typeof value === 'number'
        ? `must be a quoted octal string like "0640" (YAML read ${value} as a number)`
        : `must be an octal mode like "0640", got ${describe(value)}`,
  });
  return z.NEVER;
});

const nonEmpty = z.string().min(1, { error: 'must not be empty' });
const stringList = z.array(nonEmpty);

/** A command: an argv array (no shell) or a string (run under sh -c). */
const command = z.union([z.array(nonEmpty).min(1, { error: 'must not be an empty list' }), nonEmpty], {
  error: 'must be a non-empty list of strings (run without a shell) or a string (run with sh -c)',
});

/**
 * `HUP`, `hup`, `SIGHUP` → `SIGHUP`; undefined for a name this system does not know (`kill -l` lists them).
 * Numbers are refused: signal numbers differ between systems, names do not.
 */
export function parseSignalName(text: string): NodeJS.Signals | undefined {
  const upper = text.trim().toUpperCase();
  const name = upper.startsWith('SIG') ? upper : `SIG${upper}`;
  return Object.hasOwn(constants.signals, name) ? (name as NodeJS.Signals) : undefined;
}

/** A signal name as `kill -l` prints it, with or without SIG: `HUP`, `SIGUSR2`. */
const signalName = z.unknown().transform((value, ctx) => {
  const parsed = typeof value === 'string' ? parseSignalName(value) : undefined;
  if (parsed !== undefined) return parsed;
  ctx.addIssue({
    code: 'custom',
    message: `must be a signal name as \`kill -l\` lists them, like HUP or SIGUSR2, got ${describe(value)}`,
  });
  return z.NEVER;
});

const hostPort = z
  .string()
  .refine(
    (value) =>
      /^(\[[0-9a-fA-F:.]+\]|[^:\s]+):\d{1,5}$/.test(value) && Number(value.split(':').pop()) <= 65535,
    {
      error: (issue) => `must be host:port like 127.0.0.1:8210, got ${describe(issue.input)}`,
    },
  );

const vault = z.strictObject({
  address: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  ca_cert: nonEmpty.optional(),
  ca_path: nonEmpty.optional(),
  client_cert: nonEmpty.optional(),
  client_key: nonEmpty.optional(),
  tls_server_name: nonEmpty.optional(),
  tls_skip_verify: z.boolean().optional(),
  namespace: nonEmpty.optional(),
  request_timeout: duration.optional(),
  max_concurrent_requests: z.int().min(1).max(256).optional(),
});

const method = z.strictObject({
  type: z.enum(['token_file', 'approle', 'kubernetes', 'jwt', 'cert']),
  mount_path: nonEmpty.optional(),
  namespace: nonEmpty.optional(),
  min_backoff: duration.optional(),
  max_backoff: duration.optional(),
  exit_on_err: z.boolean().optional(),
  config: z.record(z.string(), z.unknown()).optional(),
});

const sink = z.strictObject({
  type: z.literal('file', { error: 'must be file' }),
  config: z.strictObject({ path: nonEmpty, mode: mode.optional() }),
});

const autoAuth = z.strictObject({
  method,
  sinks: z.array(sink).optional(),
  revoke_on_shutdown: z.boolean().optional(),
});

const ip = z.string().refine((value) => isIP(value) !== 0, {
  error: (issue) => `must be an IP address like 10.0.0.10 or ::1, got ${describe(issue.input)}`,
});
const uri = z.string().refine((value) => URL.canParse(value) && /^[a-z][a-z0-9+.-]*:/i.test(value), {
  error: (issue) => `must be a URI like spiffe://example.org/web, got ${describe(issue.input)}`,
});

const certificate = z.strictObject({
  mount: nonEmpty,
  role: nonEmpty,
  mode: z.enum(['sign', 'issue']).optional(),
  common_name: nonEmpty,
  alt_names: stringList.optional(),
  ip_sans: z.array(ip).optional(),
  uri_sans: z.array(uri).optional(),
  ttl: duration.optional(),
  max_ttl: duration.optional(),
  key_type: z.enum(['ec', 'rsa', 'ed25519']).optional(),
  key_bits: z.int().optional(),
  renew_threshold: z
    .number()
    .refine((value) => value > 0 && value < 1, {
      error: (issue) =>
        `must be a share of the lifetime between 0 and 1, e.g. 0.67, got ${String(issue.input)}`,
    })
    .optional(),
  renew_before: duration.optional(),
  reuse_key: z.boolean().optional(),
});

/** A keystore password's source: never the password itself (docs/outputs.md). */
const passwordSource = z.union(
  [
    z.strictObject({ file: nonEmpty }),
    z.strictObject({ env: nonEmpty }),
    z.strictObject({ secret: nonEmpty, key: nonEmpty }),
  ],
  {
    error:
      'must be { file: PATH }, { env: VARIABLE } or { secret: NAME, key: KEY }; a password is never written in the config',
  },
);

const pkcs12 = z.strictObject({
  password: passwordSource,
  alias: nonEmpty.optional(),
  encryption: z.enum(['modern', 'legacy']).optional(),
});

/** One file of an atomic directory group. */
const directoryFile = z.strictObject({
  name: nonEmpty,
  builtin: nonEmpty.optional(),
  source: nonEmpty.optional(),
  contents: z.string().optional(),
  perms: mode.optional(),
  pkcs12: pkcs12.optional(),
});

const secret = z.strictObject({
  path: nonEmpty,
  version: z.int().min(1).optional(),
  mount: nonEmpty.optional(),
  kv_version: z.union([z.literal(1), z.literal(2)], { error: 'must be 1 or 2' }).optional(),
  refresh_interval: duration.optional(),
});

const template = z.strictObject({
  certificate: nonEmpty.optional(),
  builtin: nonEmpty.optional(),
  source: nonEmpty.optional(),
  contents: z.string().optional(),
  destination: nonEmpty.optional(),
  pkcs12: pkcs12.optional(),
  output: z
    .strictObject({ directory: nonEmpty, layout: z.literal('atomic', { error: 'must be atomic' }) })
    .optional(),
  files: z.array(directoryFile).min(1, { error: 'must list at least one file' }).optional(),
  perms: mode.optional(),
  user: z.union([nonEmpty, z.int().min(0)]).optional(),
  group: z.union([nonEmpty, z.int().min(0)]).optional(),
  backup: z.boolean().optional(),
  follow_symlink: z.boolean().optional(),
  exec: z
    .strictObject({
      check: command.optional(),
      command: command.optional(),
      signal: z.strictObject({ pid_file: nonEmpty, signal: signalName }).optional(),
      timeout: duration.optional(),
    })
    .refine((exec) => exec.command === undefined || exec.signal === undefined, {
      error: 'set command or signal, not both (signal replaces the reload command)',
      path: ['signal'],
    })
    .optional(),
});

/** The whole file, as validated before defaults and cross-checks. */
export const configSchema = z.strictObject({
  vault: vault.optional(),
  auto_auth: autoAuth.optional(),
  state_dir: nonEmpty.optional(),
  certificates: z
    .record(
      z.string().regex(/^[A-Za-z0-9_.-]+$/, { error: 'certificate names may use letters, digits, _ . -' }),
      certificate,
    )
    .optional(),
  templates: z.array(template).optional(),
  secrets: z
    .record(
      z.string().regex(/^[A-Za-z0-9_]+$/, { error: 'secret names may use letters, digits and _' }),
      secret,
    )
    .optional(),
  listener: z.strictObject({ address: hostPort }).optional(),
  log: z
    .strictObject({
      level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).optional(),
      format: z.enum(['json', 'pretty', 'auto']).optional(),
    })
    .optional(),
  pid_file: nonEmpty.optional(),
  exit_on_retry_failure: z.boolean().optional(),
  config_watch: z.boolean().optional(),
});

/** The validated file. */
export type ConfigFile = z.output<typeof configSchema>;

/** How a value is named in messages: its type, and the value itself when short. */
export function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (typeof value === 'string') return value.length <= 40 ? JSON.stringify(value) : 'a long string';
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  return Array.isArray(value) ? 'a list' : 'a map';
}
