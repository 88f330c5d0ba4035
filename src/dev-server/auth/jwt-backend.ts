// A JWT auth mount (`auth/<path>/`): config, roles and the unauthenticated login. Dev semantics: the JWT's
// signature is not verified; its time claims, issuer, subject, audiences and bound claims are checked with the
// plugin's error texts (reference/vault-api.md §3).

import { ignoredFieldsWarning, stringField } from '../token/framework-fields.js';
import type { MemoryTokenStore } from '../token/token-store.js';
import type { BackendContext, BackendFactory, DevRequest, DevResponse } from '../types.js';
import { badRequest } from '../types.js';
import type { DecodedJwt } from './decode-jwt.js';
import { JwtError, audienceClaim, decodeJwt, validateJwtClaims } from './decode-jwt.js';
import { boundClaimsError, mappedMetadata } from './jwt-claims.js';
import type { JwtConfig, JwtRole } from './jwt-roles.js';
import { jwtConfigCodec, jwtRoleCodec } from './jwt-roles.js';
import { loginResponse } from './login-token.js';
import { RoleLoginBackend, renewalLimits } from './role-login-backend.js';

/** The JWT backend's factory; tokens it mints go into `store`. */
export function createJwtBackendFactory(store: MemoryTokenStore): BackendFactory {
  return (context) => new JwtBackend(store, context);
}

class JwtBackend extends RoleLoginBackend<JwtRole, JwtConfig> {
  readonly type = 'jwt';

  constructor(store: MemoryTokenStore, context: BackendContext) {
    super(store, context, { role: jwtRoleCodec, config: jwtConfigCodec });
  }

  protected login(request: DevRequest): DevResponse {
    const config = this.config;
    if (config === undefined) throw badRequest('could not load configuration');
    const roleName = (
      (stringField(request.data, 'role') ?? '') ||
      String(config.default_role ?? '')
    ).toLowerCase();
    if (roleName === '') throw badRequest('missing role');
    const role = this.roles.get(roleName);
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

    return loginResponse(this.store, request, {
      params: role.token,
      metadata: { ...mapped.metadata, role: roleName },
      displayName: user,
      aliasName: user,
      currentLimits: renewalLimits(this.roles, roleName),
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
        nowMs: this.context.clock.now(),
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
