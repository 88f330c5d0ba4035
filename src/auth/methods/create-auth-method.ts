import { unlink } from 'node:fs/promises';
import type { AuthMethodConfig, VaultConfig } from '../../config/runtime-config.js';
import type { AuthMethod } from './auth-method.js';
import { CredentialError, readCredentialFile } from './auth-method.js';
import { watchFiles } from './watch-files.js';

/** The method for the config; without auto_auth, a literal VAULT_TOKEN. */
export function createAuthMethod(method: AuthMethodConfig | undefined, vault: VaultConfig): AuthMethod {
  if (!method) return literalToken(vault.token ?? '');
  const { settings, mountPath, namespace } = method;
  const login = (body: Record<string, unknown>, secrets: Record<string, string> = {}) => ({
    kind: 'login' as const,
    request: { mountPath, body, namespace },
    secrets,
  });
  switch (settings.type) {
    case 'token_file':
      return {
        type: 'token_file',
        // The agent only reads the file: whoever writes it logs in, so a new token means the file changed.
        replacement: 'file-change',
        credential: async () => ({
          kind: 'token',
          token: await readCredentialFile(settings.tokenFilePath, 'token'),
        }),
        watch: (onChange) => watchFiles([settings.tokenFilePath], onChange),
      };
    case 'approle': {
      // Vault Agent's behaviour: with remove_secret_id_file_after_reading the secret_id is read once, the file
      // removed, and the value kept in memory for later logins.
      let secretId: string | undefined;
      return {
        type: 'approle',
        replacement: 'login',
        credential: async () => {
          const roleId = await readCredentialFile(settings.roleIdFilePath, 'role_id');
          if (settings.secretIdFilePath) {
            try {
              secretId = await readCredentialFile(settings.secretIdFilePath, 'secret_id');
              if (settings.removeSecretIdFileAfterReading) await unlink(settings.secretIdFilePath);
            } catch (error) {
              if (!(error instanceof CredentialError) || secretId === undefined) throw error;
            }
          }
          return secretId === undefined
            ? login({ role_id: roleId })
            : login({ role_id: roleId, secret_id: secretId }, { secret_id: secretId });
        },
      };
    }
    case 'kubernetes':
      return {
        type: 'kubernetes',
        replacement: 'login',
        // Re-read at every login: the kubelet rotates the projected service-account token.
        credential: async () => {
          const jwt = await readCredentialFile(settings.tokenPath, 'service account token');
          return login({ role: settings.role, jwt }, { jwt });
        },
      };
    case 'jwt':
      return {
        type: 'jwt',
        replacement: 'login',
        credential: async () => {
          const jwt = await readCredentialFile(settings.path, 'JWT');
          return login({ role: settings.role, jwt }, { jwt });
        },
      };
    case 'cert': {
      const certFile = settings.clientCert ?? vault.clientCert;
      const keyFile = settings.clientKey ?? vault.clientKey;
      return {
        type: 'cert',
        replacement: 'login',
        credential: async () => {
          if (!certFile || !keyFile) {
            throw new CredentialError(
              'the cert method needs client_cert and client_key (or vault.client_cert/client_key)',
            );
          }
          return {
            ...login(settings.name === undefined ? {} : { name: settings.name }),
            clientCertificate: { certFile, keyFile },
          };
        },
        watch: certFile && keyFile ? (onChange) => watchFiles([certFile, keyFile], onChange) : undefined,
      };
    }
  }
}

function literalToken(token: string): AuthMethod {
  return {
    type: 'token',
    // Nothing can produce a new token: it is used until it expires.
    replacement: 'never',
    credential: async () => {
      if (token === '') throw new CredentialError('no Vault token: set VAULT_TOKEN or configure auto_auth');
      return { kind: 'token', token };
    },
  };
}
