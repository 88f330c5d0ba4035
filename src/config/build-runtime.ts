import { dirname, isAbsolute, resolve } from 'node:path';
import type {
  AuthMethodSettings,
  AutoAuthConfig,
  CertificateConfig,
  CommandSpec,
  ListenerConfig,
  RuntimeConfig,
  TemplateConfig,
  VaultConfig,
} from './runtime-config.js';
import { DEFAULTS, METHOD_KEYS } from './defaults.js';
import type { ConfigProblem, Position } from './problems.js';
import type { ConfigFile } from './schema.js';
import type { ConfigPath } from './yaml-source.js';
import { pathKey } from './yaml-source.js';

/** What the conversion needs besides the validated file. */
export interface BuildContext {
  readonly sources: readonly string[];
  readonly positions: ReadonlyMap<string, Position>;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** `run --dev`: the dev server supplies the address and (without auto_auth) the token. */
  readonly dev: boolean;
}

/**
 * Applies defaults and environment fallbacks, resolves relative paths against the file that named them, and
 * runs every cross-check. Problems are collected, never thrown, so the user sees all of them at once.
 */
export function buildRuntimeConfig(
  file: ConfigFile,
  context: BuildContext,
  problems: ConfigProblem[],
): RuntimeConfig {
  const path = (value: string, at: ConfigPath): string => {
    if (isAbsolute(value)) return value;
    const origin = context.positions.get(pathKey(at))?.file;
    return resolve(origin ? dirname(origin) : context.cwd, value);
  };
  const certificates = buildCertificates(file);
  return {
    sources: context.sources,
    vault: buildVault(file, context, problems, path),
    autoAuth: buildAutoAuth(file, problems, path),
    stateDir: path(file.state_dir ?? DEFAULTS.stateDir, ['state_dir']),
    certificates,
    templates: buildTemplates(file, problems, path),
    listener: file.listener ? parseListener(file.listener.address) : undefined,
    log: { level: file.log?.level ?? DEFAULTS.logLevel, format: file.log?.format ?? DEFAULTS.logFormat },
    pidFile: file.pid_file === undefined ? undefined : path(file.pid_file, ['pid_file']),
    exitOnRetryFailure: file.exit_on_retry_failure ?? DEFAULTS.exitOnRetryFailure,
  };
}

type Resolve = (value: string, at: ConfigPath) => string;

function buildVault(
  file: ConfigFile,
  context: BuildContext,
  problems: ConfigProblem[],
  path: Resolve,
): VaultConfig {
  const { env } = context;
  const v = file.vault ?? {};
  const fromEnv = (name: string): string | undefined => (env[name] === '' ? undefined : env[name]);
  const address = v.address ?? fromEnv('VAULT_ADDR');
  if (!address && !context.dev) {
    problems.push({
      path: ['vault', 'address'],
      message: 'no Vault address: set vault.address or VAULT_ADDR',
    });
  }
  const token = file.auto_auth ? undefined : fromEnv('VAULT_TOKEN');
  if (!file.auto_auth && !token && !context.dev) {
    problems.push({
      path: [],
      message: 'no way to authenticate: add auto_auth (e.g. a token_file method) or set VAULT_TOKEN',
    });
  }
  const envPath = (name: string): string | undefined => {
    const value = fromEnv(name);
    return value === undefined ? undefined : resolve(context.cwd, value);
  };
  const skip = fromEnv('VAULT_SKIP_VERIFY');
  return {
    address: (address ?? '').replace(/\/+$/, ''),
    caCert: v.ca_cert !== undefined ? path(v.ca_cert, ['vault', 'ca_cert']) : envPath('VAULT_CACERT'),
    caPath: v.ca_path !== undefined ? path(v.ca_path, ['vault', 'ca_path']) : envPath('VAULT_CAPATH'),
    clientCert:
      v.client_cert !== undefined
        ? path(v.client_cert, ['vault', 'client_cert'])
        : envPath('VAULT_CLIENT_CERT'),
    clientKey:
      v.client_key !== undefined ? path(v.client_key, ['vault', 'client_key']) : envPath('VAULT_CLIENT_KEY'),
    tlsServerName: v.tls_server_name ?? fromEnv('VAULT_TLS_SERVER_NAME'),
    tlsSkipVerify: v.tls_skip_verify ?? (skip !== undefined && /^(1|t|true)$/i.test(skip)),
    namespace: v.namespace ?? fromEnv('VAULT_NAMESPACE'),
    token,
    requestTimeoutMs: v.request_timeout ?? DEFAULTS.requestTimeoutMs,
    maxConcurrentRequests: v.max_concurrent_requests ?? DEFAULTS.maxConcurrentRequests,
  };
}

function buildAutoAuth(
  file: ConfigFile,
  problems: ConfigProblem[],
  path: Resolve,
): AutoAuthConfig | undefined {
  const auth = file.auto_auth;
  if (!auth) return undefined;
  const { method } = auth;
  const at: ConfigPath = ['auto_auth', 'method', 'config'];
  const config = method.config ?? {};
  const keys = METHOD_KEYS[method.type]!;
  for (const key of Object.keys(config)) {
    if (!keys.required.includes(key) && !keys.optional.includes(key)) {
      problems.push({
        path: [...at, key],
        atKey: true,
        message: `unknown key for the ${method.type} method`,
      });
    }
  }
  const text = (key: string, required: boolean): string | undefined => {
    const value = config[key];
    if (value === undefined || value === null) {
      if (required) problems.push({ path: at, message: `${key} is required for the ${method.type} method` });
      return undefined;
    }
    if (typeof value !== 'string' || value === '') {
      problems.push({ path: [...at, key], message: 'must be a non-empty string' });
      return undefined;
    }
    return value;
  };
  const file_ = (key: string, required: boolean): string | undefined => {
    const value = text(key, required);
    return value === undefined ? undefined : path(value, [...at, key]);
  };
  let settings: AuthMethodSettings;
  switch (method.type) {
    case 'token_file':
      settings = { type: 'token_file', tokenFilePath: file_('token_file_path', true) ?? '' };
      break;
    case 'approle': {
      const remove = config.remove_secret_id_file_after_reading;
      if (remove !== undefined && typeof remove !== 'boolean') {
        problems.push({
          path: [...at, 'remove_secret_id_file_after_reading'],
          message: 'must be true or false',
        });
      }
      settings = {
        type: 'approle',
        roleIdFilePath: file_('role_id_file_path', true) ?? '',
        secretIdFilePath: file_('secret_id_file_path', false),
        removeSecretIdFileAfterReading: remove === true,
      };
      break;
    }
    case 'kubernetes':
      settings = {
        type: 'kubernetes',
        role: text('role', true) ?? '',
        tokenPath: file_('token_path', false) ?? DEFAULTS.kubernetesTokenPath,
      };
      break;
    case 'jwt':
      settings = { type: 'jwt', role: text('role', true) ?? '', path: file_('path', true) ?? '' };
      break;
    case 'cert':
      settings = {
        type: 'cert',
        name: text('name', false),
        clientCert: file_('client_cert', false),
        clientKey: file_('client_key', false),
      };
      break;
  }
  const minBackoffMs = method.min_backoff ?? DEFAULTS.minBackoffMs;
  const maxBackoffMs = method.max_backoff ?? DEFAULTS.maxBackoffMs;
  if (minBackoffMs > maxBackoffMs) {
    problems.push({
      path: ['auto_auth', 'method', 'min_backoff'],
      message: 'must not be longer than max_backoff',
    });
  }
  return {
    method: {
      settings,
      mountPath: (method.mount_path ?? `auth/${method.type}`).replace(/^\/+|\/+$/g, ''),
      namespace: method.namespace,
      minBackoffMs,
      maxBackoffMs,
      exitOnErr: method.exit_on_err ?? DEFAULTS.exitOnErr,
    },
    sinks: (auth.sinks ?? []).map((sink, index) => ({
      type: 'file' as const,
      path: path(sink.config.path, ['auto_auth', 'sinks', index, 'config', 'path']),
      mode: sink.config.mode ?? DEFAULTS.sinkMode,
    })),
    revokeOnShutdown: auth.revoke_on_shutdown ?? false,
  };
}

function buildCertificates(file: ConfigFile): Map<string, CertificateConfig> {
  const out = new Map<string, CertificateConfig>();
  for (const [name, cert] of Object.entries(file.certificates ?? {})) {
    const keyType = cert.key_type ?? DEFAULTS.keyType;
    const keyBits = cert.key_bits ?? DEFAULTS.keyBits[keyType];
    const ttl =
      cert.ttl !== undefined && cert.max_ttl !== undefined
        ? Math.min(cert.ttl, cert.max_ttl)
        : (cert.ttl ?? cert.max_ttl);
    out.set(name, {
      name,
      mount: cert.mount.replace(/^\/+|\/+$/g, ''),
      role: cert.role,
      mode: cert.mode ?? DEFAULTS.certificateMode,
      commonName: cert.common_name,
      altNames: cert.alt_names ?? [],
      ipSans: cert.ip_sans ?? [],
      uriSans: cert.uri_sans ?? [],
      ttlMs: ttl,
      keyType,
      keyBits,
      renewThreshold:
        cert.renew_before === undefined ? (cert.renew_threshold ?? DEFAULTS.renewThreshold) : undefined,
      renewBeforeMs: cert.renew_before,
      reuseKey: cert.reuse_key ?? DEFAULTS.reuseKey,
    });
  }
  return out;
}

function buildTemplates(file: ConfigFile, problems: ConfigProblem[], path: Resolve): TemplateConfig[] {
  const seen = new Map<string, number>();
  return (file.templates ?? []).map((template, index) => {
    const at: ConfigPath = ['templates', index];
    const destination = path(template.destination, [...at, 'destination']);
    // The same file named two ways (relative and absolute) is only visible once resolved.
    const first = seen.get(destination);
    if (first !== undefined && file.templates?.[first]?.destination !== template.destination) {
      problems.push({
        path: [...at, 'destination'],
        message: `the same file as templates[${first}].destination`,
      });
    } else if (first === undefined) seen.set(destination, index);
    const exec = template.exec;
    return {
      index,
      certificate: template.certificate,
      source:
        template.source !== undefined
          ? { kind: 'file', path: path(template.source, [...at, 'source']) }
          : template.contents !== undefined
            ? { kind: 'inline', contents: template.contents }
            : { kind: 'builtin', name: template.builtin ?? '' },
      destination,
      perms: template.perms,
      user: template.user === undefined ? undefined : String(template.user),
      group: template.group === undefined ? undefined : String(template.group),
      backup: template.backup ?? DEFAULTS.templateBackup,
      exec: exec
        ? {
            check: commandSpec(exec.check),
            command: commandSpec(exec.command),
            timeoutMs: exec.timeout ?? DEFAULTS.execTimeoutMs,
          }
        : undefined,
    };
  });
}

function commandSpec(value: string | string[] | undefined): CommandSpec | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? { shell: value } : { argv: value };
}

function parseListener(address: string): ListenerConfig {
  const index = address.lastIndexOf(':');
  return { host: address.slice(0, index).replace(/^\[|\]$/g, ''), port: Number(address.slice(index + 1)) };
}
