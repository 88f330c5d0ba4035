// A Kubernetes auth mount (`auth/<path>/`): config, roles bound to service accounts, and the unauthenticated
// login. Dev semantics: the service-account JWT is decoded but its signature is not verified and no TokenReview
// is made; the claims, expiry and the role's bindings are checked (reference/vault-api.md §3).

import { ignoredFieldsWarning, stringField } from '../token/framework-fields.js';
import type { MemoryTokenStore } from '../token/token-store.js';
import type { BackendContext, BackendFactory, DevRequest, DevResponse } from '../types.js';
import { VaultApiError, badRequest } from '../types.js';
import type { DecodedJwt } from './decode-jwt.js';
import { JwtError, decodeJwt, validateJwtClaims } from './decode-jwt.js';
import { globListMatches } from './glob.js';
import type { KubernetesConfig, KubernetesRole } from './kubernetes-roles.js';
import { kubernetesConfigCodec, kubernetesRoleCodec } from './kubernetes-roles.js';
import { loginResponse } from './login-token.js';
import { RoleLoginBackend, renewalLimits } from './role-login-backend.js';

// The algorithms Kubernetes signs service-account tokens with; others are refused before anything else.
const K8S_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512'];

/** The service account a JWT speaks for. */
interface ServiceAccount {
  name: string;
  namespace: string;
  uid: string;
  secretName: string;
}

/** The Kubernetes backend's factory; tokens it mints go into `store`. */
export function createKubernetesBackendFactory(store: MemoryTokenStore): BackendFactory {
  return (context) => new KubernetesBackend(store, context);
}

class KubernetesBackend extends RoleLoginBackend<KubernetesRole, KubernetesConfig> {
  readonly type = 'kubernetes';

  constructor(store: MemoryTokenStore, context: BackendContext) {
    super(store, context, { role: kubernetesRoleCodec, config: kubernetesConfigCodec });
  }

  protected login(request: DevRequest): DevResponse {
    const roleName = stringField(request.data, 'role') ?? '';
    if (roleName === '') throw badRequest('missing role');
    const jwt = stringField(request.data, 'jwt') ?? '';
    if (jwt === '') throw badRequest('missing jwt');
    const role = this.roles.get(roleName);
    if (role === undefined) throw badRequest(`invalid role name ${JSON.stringify(roleName)}`);
    const config = this.config;
    // Vault returns this as a Go error: a 500, unwrapped because login errors are not multierror-formatted.
    if (config === undefined) throw new VaultApiError(500, ['could not load backend configuration']);
    const sa = this.#authorize(jwt, role, config);
    if (sa.uid === '') throw new VaultApiError(500, ['could not parse UID from claims']);
    const name = roleName.toLowerCase();
    return loginResponse(this.store, request, {
      params: role.token,
      metadata: {
        service_account_uid: sa.uid,
        service_account_name: sa.name,
        service_account_namespace: sa.namespace,
        service_account_secret_name: sa.secretName,
        role: roleName,
      },
      displayName: `${sa.namespace}-${sa.name}`,
      aliasName: role.aliasNameSource === 'serviceaccount_name' ? `${sa.namespace}/${sa.name}` : sa.uid,
      currentLimits: renewalLimits(this.roles, name),
      warnings: ignoredFieldsWarning(request.data, ['role', 'jwt']),
    });
  }

  // Decodes the JWT and checks it against the role; every failure is Vault's bare 403 for a login.
  #authorize(jwt: string, role: KubernetesRole, config: KubernetesConfig): ServiceAccount {
    let decoded: DecodedJwt;
    try {
      decoded = decodeJwt(jwt);
      validateJwtClaims(decoded, {
        algorithms: K8S_ALGORITHMS,
        ...(config.issuer !== '' && !config.disableIssValidation ? { issuer: config.issuer } : {}),
        ...(role.audience !== '' ? { audiences: [role.audience] } : {}),
        nowMs: this.context.clock.now(),
        allowMissingTimes: true,
      });
    } catch (error) {
      if (error instanceof JwtError) throw loginDenied();
      throw error;
    }
    const sa = serviceAccountOf(decoded.claims);
    const namesOk =
      (role.names.length === 1 && role.names[0] === '*') || globListMatches(role.names, sa.name);
    const namespacesOk = role.namespaces[0] === '*' || globListMatches(role.namespaces, sa.namespace);
    if (!namesOk || !namespacesOk) throw loginDenied();
    return sa;
  }
}

// Login errors are not multierror-wrapped: the body is exactly {"errors":["permission denied"]}.
function loginDenied(): VaultApiError {
  return new VaultApiError(403, ['permission denied']);
}

/**
 * The service account from either token format: legacy secret-based tokens carry flat
 * `kubernetes.io/serviceaccount/*` claims, projected tokens a `kubernetes.io` object; `sub`
 * (`system:serviceaccount:<ns>:<name>`) fills what neither gives.
 */
export function serviceAccountOf(claims: Record<string, unknown>): ServiceAccount {
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  const projected = isObject(claims['kubernetes.io']) ? claims['kubernetes.io'] : undefined;
  const projectedSa = projected && isObject(projected.serviceaccount) ? projected.serviceaccount : undefined;
  const sub = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(text(claims.sub));
  const name = projectedSa
    ? text(projectedSa.name)
    : text(claims['kubernetes.io/serviceaccount/service-account.name']);
  const namespace = projected
    ? text(projected.namespace)
    : text(claims['kubernetes.io/serviceaccount/namespace']);
  return {
    name: name || (sub?.[2] ?? ''),
    namespace: namespace || (sub?.[1] ?? ''),
    uid: projectedSa
      ? text(projectedSa.uid)
      : text(claims['kubernetes.io/serviceaccount/service-account.uid']),
    secretName: text(claims['kubernetes.io/serviceaccount/secret.name']),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
