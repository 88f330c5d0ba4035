import type { AuthMethodSettings, AutoAuthConfig } from './runtime-config.js';
import { DEFAULTS, METHOD_KEYS } from './defaults.js';
import type { ConfigProblem } from './problems.js';
import type { ConfigFile } from './schema.js';
import type { ConfigPath } from './yaml-source.js';

/** Resolves a path from the config against the directory of the file that named it. */
export type Resolve = (value: string, at: ConfigPath) => string;

/**
 * The auto_auth block with its defaults. Each method's `config` keys are checked here, per type, because the
 * schema cannot know which keys apply before it knows the type.
 */
export function buildAutoAuth(
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
    revokeOnShutdown: auth.revoke_on_shutdown ?? DEFAULTS.revokeOnShutdown,
  };
}
