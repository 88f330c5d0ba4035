// A JWT auth mount (`auth/<path>/`): config, roles and the unauthenticated login. Dev semantics: the JWT's
// signature is not verified; its time claims, issuer, subject, audiences and bound claims are checked with the
// plugin's error texts (reference/vault-api.md §3).

import { ignoredFieldsWarning, stringField } from '../token/framework-fields.js';
import type { MemoryTokenStore } from '../token/token-store.js';
import { effectiveTtls } from '../token/ttl-math.js';
import type { Backend, BackendContext, BackendFactory, DevRequest, DevResponse } from '../types.js';
import { VaultApiError, badRequest, multierror, unsupportedOperation, unsupportedPath } from '../types.js';
import { ConfigSlot } from './auth-config.js';
import type { DecodedJwt } from './decode-jwt.js';
import { JwtError, audienceClaim, decodeJwt, validateJwtClaims } from './decode-jwt.js';
import { boundClaimsError, mappedMetadata } from './jwt-claims.js';
import type { JwtConfig, JwtRole } from './jwt-roles.js';
import { jwtConfigCodec, jwtRoleCodec } from './jwt-roles.js';
import { loginResponse } from './login-token.js';
import { RoleTable, parseRolePath } from './role-table.js';
import { roleLimitsOf } from './token-fields.js';

/** The JWT backend's factory; tokens it mints go into `store`. */
export function createJwtBackendFactory(store: MemoryTokenStore): BackendFactory {
  return (context) => new JwtBackend(store, context);
}

class JwtBackend implements Backend {
  readonly type = 'jwt';
  readonly #store: MemoryTokenStore;
  readonly #context: BackendContext;
  readonly #config = new ConfigSlot(jwtConfigCodec);
  readonly #roles: RoleTable<JwtRole>;

  constructor(store: MemoryTokenStore, context: BackendContext) {
    this.#store = store;
    this.#context = context;
    this.#roles = new RoleTable(
      jwtRoleCodec(() => effectiveTtls(context.mount.config, context.system).maxLeaseTtl),
    );
  }

  isUnauthenticated(path: string): boolean {
    return path === 'login';
  }

  handle(request: DevRequest): DevResponse {
    if (request.path === 'login') {
      if (request.operation !== 'update') throw unsupportedOperation();
      return this.#login(request);
    }
    if (request.path === 'config') return this.#config.handle(request);
    const path = parseRolePath(request.path);
    if (path === undefined || path.rest !== '') throw unsupportedPath();
    return this.#roles.handle(request, path);
  }

  #login(request: DevRequest): DevResponse {
    const config = this.#config.value;
    if (config === undefined) throw badRequest('could not load configuration');
    const roleName = (
      (stringField(request.data, 'role') ?? '') ||
      String(config.default_role ?? '')
    ).toLowerCase();
    if (roleName === '') throw badRequest('missing role');
    const role = this.#roles.get(roleName);
    if (role === undefined) throw badRequest(`role ${JSON.stringify(roleName)} could not be found`);
    if (role.roleType === 'oidc') throw badRequest('role with oidc role_type is not allowed');
    const jwt = stringField(request.data, 'jwt') ?? '';
    if (jwt === '') throw badRequest('missing token');
    const claims = this.#validatedClaims(jwt, role, config);

    if (audienceClaim(claims).length > 0 && role.boundAudiences.length === 0) {
      throw badRequest('audience claim found in JWT but no audiences bound to the role');
    }
    const claimsError = boundClaimsError(role.boundClaims, claims, role.boundClaimsType === 'glob');
    if (claimsError !== undefined) throw badRequest(`error validating claims: ${claimsError}`);
    const user = claims[role.userClaim];
    if (user === undefined) throw badRequest(`claim ${JSON.stringify(role.userClaim)} not found in token`);
    if (typeof user !== 'string') {
      throw badRequest(`claim ${JSON.stringify(role.userClaim)} could not be converted to string`);
    }
    const mapped = mappedMetadata(role.claimMappings, claims);
    if ('error' in mapped) throw badRequest(mapped.error);

    return loginResponse(this.#store, request, {
      params: role.token,
      metadata: { ...mapped.metadata, role: roleName },
      displayName: user,
      aliasName: user,
      currentLimits: () => {
        const current = this.#roles.get(roleName);
        if (current === undefined) {
          throw new VaultApiError(500, [multierror(`role ${roleName} does not exist during renewal`)]);
        }
        return roleLimitsOf(current.token);
      },
      warnings: ignoredFieldsWarning(request.data, ['role', 'jwt']),
    });
  }

  // Decodes the JWT (no signature check) and applies cap's validation with the role's expectations.
  #validatedClaims(jwt: string, role: JwtRole, config: JwtConfig): Record<string, unknown> {
    const algorithms = Array.isArray(config.jwt_supported_algs) ? config.jwt_supported_algs.map(String) : [];
    let decoded: DecodedJwt;
    try {
      decoded = decodeJwtForLogin(jwt);
      validateJwtClaims(decoded, {
        issuer: typeof config.bound_issuer === 'string' ? config.bound_issuer : '',
        subject: role.boundSubject,
        audiences: role.boundAudiences,
        algorithms,
        nowMs: this.#context.clock.now(),
        clockSkewLeeway: role.clockSkewLeeway,
        expirationLeeway: role.expirationLeeway,
        notBeforeLeeway: role.notBeforeLeeway,
      });
    } catch (error) {
      if (error instanceof JwtError) throw badRequest(`error validating token: ${error.message}`);
      throw error;
    }
    return decoded.claims;
  }
}

// A token that does not even decode fails where Vault would verify its signature.
function decodeJwtForLogin(jwt: string): DecodedJwt {
  try {
    return decodeJwt(jwt);
  } catch (error) {
    if (error instanceof JwtError)
      throw new JwtError(`error verifying token signature: ${error.message}`, { cause: error });
    throw error;
  }
}
