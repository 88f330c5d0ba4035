// Which backend serves which mount type, and in which table (`sys/mounts` or `sys/auth`) it may be enabled.

import { createAppRoleBackendFactory } from '../auth/approle-backend.js';
import { createCertBackendFactory } from '../auth/cert-backend.js';
import { createJwtBackendFactory } from '../auth/jwt-backend.js';
import { createKubernetesBackendFactory } from '../auth/kubernetes-backend.js';
import { createKvBackend } from '../kv/kv-backend.js';
import { createPkiBackend } from '../pki/pki-backend.js';
import { createTokenBackendFactory } from '../token/token-backend.js';
import type { PolicyStore } from '../policy/policy-store.js';
import type { MemoryTokenStore } from '../token/token-store.js';
import type { RegisteredBackend } from './mount-table.js';

/** Every backend type of the dev server; the token-minting ones share `store` (token create checks `policies`). */
export function createBackendRegistry(
  store: MemoryTokenStore,
  policies: PolicyStore,
): Map<string, RegisteredBackend> {
  return new Map<string, RegisteredBackend>([
    ['kv', { class: 'secret', factory: createKvBackend }],
    ['pki', { class: 'secret', factory: createPkiBackend }],
    ['token', { class: 'auth', factory: createTokenBackendFactory(store, policies) }],
    ['approle', { class: 'auth', factory: createAppRoleBackendFactory(store) }],
    ['kubernetes', { class: 'auth', factory: createKubernetesBackendFactory(store) }],
    ['jwt', { class: 'auth', factory: createJwtBackendFactory(store) }],
    ['cert', { class: 'auth', factory: createCertBackendFactory(store) }],
  ]);
}
