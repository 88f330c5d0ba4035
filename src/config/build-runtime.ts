import { dirname, isAbsolute, resolve } from 'node:path';
import type {
  CertificateConfig,
  CommandSpec,
  ListenerConfig,
  RuntimeConfig,
  TemplateConfig,
  TemplateSource,
  VaultConfig,
} from './runtime-config.js';
import { buildAutoAuth } from './build-auto-auth.js';
import { buildSecrets, pkcs12Of } from './build-outputs.js';
import type { Resolve } from './build-auto-auth.js';
import { DEFAULTS } from './defaults.js';
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
    secrets: buildSecrets(file),
    listener: file.listener ? parseListener(file.listener.address) : undefined,
    log: { level: file.log?.level ?? DEFAULTS.logLevel, format: file.log?.format ?? DEFAULTS.logFormat },
    pidFile: file.pid_file === undefined ? undefined : path(file.pid_file, ['pid_file']),
    exitOnRetryFailure: file.exit_on_retry_failure ?? DEFAULTS.exitOnRetryFailure,
    configWatch: file.config_watch ?? DEFAULTS.configWatch,
  };
}

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
  } else if (v.address === undefined && address && !/^https?:\/\/[^/]/.test(address)) {
    problems.push({ path: [], message: 'VAULT_ADDR must be an http:// or https:// URL' });
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
  const skip = parseEnvBool(fromEnv('VAULT_SKIP_VERIFY'));
  if (skip === 'invalid') {
    problems.push({
      path: [],
      message: 'VAULT_SKIP_VERIFY must be true or false (or 1/0, t/f), as the Vault CLI reads it',
    });
  }
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
    tlsSkipVerify: v.tls_skip_verify ?? skip === true,
    namespace: v.namespace ?? fromEnv('VAULT_NAMESPACE'),
    token,
    requestTimeoutMs: v.request_timeout ?? DEFAULTS.requestTimeoutMs,
    maxConcurrentRequests: v.max_concurrent_requests ?? DEFAULTS.maxConcurrentRequests,
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
    // A group's destination is its directory; cross-checks report a template with neither.
    const destination = template.output
      ? path(template.output.directory, [...at, 'output', 'directory'])
      : path(template.destination ?? '', [...at, 'destination']);
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
      source: sourceOf(template, at, path),
      destination,
      pkcs12: pkcs12Of(template.pkcs12, [...at, 'pkcs12'], path),
      directory: template.files
        ? {
            files: template.files.map((entry, fileIndex) => ({
              name: entry.name,
              source: sourceOf(entry, [...at, 'files', fileIndex], path),
              pkcs12: pkcs12Of(entry.pkcs12, [...at, 'files', fileIndex, 'pkcs12'], path),
              perms: entry.perms,
            })),
          }
        : undefined,
      perms: template.perms,
      user: template.user === undefined ? undefined : String(template.user),
      group: template.group === undefined ? undefined : String(template.group),
      backup: template.backup ?? DEFAULTS.templateBackup,
      followSymlink: template.follow_symlink ?? DEFAULTS.templateFollowSymlink,
      exec: exec
        ? {
            check: commandSpec(exec.check),
            command: exec.signal
              ? {
                  signal: {
                    pidFile: path(exec.signal.pid_file, [...at, 'exec', 'signal', 'pid_file']),
                    signal: exec.signal.signal,
                  },
                }
              : commandSpec(exec.command),
            timeoutMs: exec.timeout ?? DEFAULTS.execTimeoutMs,
          }
        : undefined,
    };
  });
}

function sourceOf(
  entry: { source?: string | undefined; contents?: string | undefined; builtin?: string | undefined },
  at: ConfigPath,
  path: Resolve,
): TemplateSource {
  if (entry.source !== undefined) return { kind: 'file', path: path(entry.source, [...at, 'source']) };
  if (entry.contents !== undefined) return { kind: 'inline', contents: entry.contents };
  return { kind: 'builtin', name: entry.builtin ?? '' };
}

// Go's strconv.ParseBool, which the Vault CLI uses for VAULT_SKIP_VERIFY.
function parseEnvBool(value: string | undefined): boolean | 'invalid' | undefined {
  if (value === undefined) return undefined;
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(value)) return false;
  return 'invalid';
}

function commandSpec(value: string | string[] | undefined): CommandSpec | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? { shell: value } : { argv: value };
}

function parseListener(address: string): ListenerConfig {
  const index = address.lastIndexOf(':');
  return { host: address.slice(0, index).replace(/^\[|\]$/g, ''), port: Number(address.slice(index + 1)) };
}
