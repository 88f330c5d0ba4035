// JWT decoding for the dev server's Kubernetes and JWT auth methods. The signature is NOT verified: that is the
// dev server's documented semantics (its startup banner says so). Everything else Vault checks through
// hashicorp/cap is checked here with cap's wording, so agents see the same errors.

import { AgentError } from '../../lib/errors.js';

/** A JWT split into its decoded parts. Only the signature's presence matters to the dev server. */
export interface DecodedJwt {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  signatureLength: number;
}

/** A JWT that could not be decoded or did not satisfy the expected claims. The message never contains the JWT. */
export class JwtError extends AgentError {
  constructor(message: string, options?: ErrorOptions) {
    super('JWT_INVALID', message, options);
  }
}

/** Splits and decodes a compact JWS; throws JwtError with go-jose's wording for malformed input. */
export function decodeJwt(token: string): DecodedJwt {
  const parts = token.trim().split('.');
  if (parts.length !== 3) throw new JwtError('go-jose/go-jose: compact JWS format must have three parts');
  const [header = '', payload = '', signature = ''] = parts;
  return {
    header: decodeJsonPart(header),
    claims: decodeJsonPart(payload),
    signatureLength: base64UrlDecode(signature).length,
  };
}

function decodeJsonPart(part: string): Record<string, unknown> {
  const text = base64UrlDecode(part).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new JwtError(`invalid character in JWT part: ${(error as Error).message}`, { cause: error });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new JwtError('json: cannot unmarshal JWT part into an object');
  }
  return value as Record<string, unknown>;
}

// Go's base64.RawURLEncoding; reports the first bad byte as Go does.
function base64UrlDecode(part: string): Buffer {
  const bad = part.search(/[^A-Za-z0-9_-]/);
  if (bad >= 0) throw new JwtError(`illegal base64 data at input byte ${bad}`);
  if (part.length % 4 === 1) throw new JwtError(`illegal base64 data at input byte ${part.length - 1}`);
  return Buffer.from(part, 'base64url');
}

/** What the caller expects of the claims (cap's jwt.Expected); empty values skip that check. */
export interface ExpectedClaims {
  issuer?: string;
  subject?: string;
  audiences?: readonly string[];
  /** Allowed `alg` header values; empty allows any. */
  algorithms?: readonly string[];
  nowMs: number;
  /** Seconds; 0 means cap's default (60 s for clock skew, 150 s for the other two), negative means none. */
  clockSkewLeeway?: number;
  expirationLeeway?: number;
  notBeforeLeeway?: number;
  /** Kubernetes tokens may omit every time claim (ValidateAllowMissingIatNbfExp). */
  allowMissingTimes?: boolean;
}

/** cap's jwt Validator.validateAll after signature verification: alg, iss, sub, aud, then the time claims. */
export function validateJwtClaims(jwt: DecodedJwt, expected: ExpectedClaims): void {
  const alg = typeof jwt.header.alg === 'string' ? jwt.header.alg : '';
  const algorithms = expected.algorithms ?? [];
  if (algorithms.length > 0 && !algorithms.includes(alg)) {
    throw new JwtError(
      `error verifying token signature: go-jose/go-jose: unexpected signature algorithm ${JSON.stringify(alg)}; expected [${algorithms.join(' ')}]`,
    );
  }
  if (jwt.signatureLength === 0)
    throw new JwtError('invalid algorithm (alg) header parameter: token must be signed');
  const { claims } = jwt;
  if (expected.issuer && claims.iss !== expected.issuer) throw new JwtError('invalid issuer (iss) claim');
  if (expected.subject && claims.sub !== expected.subject) throw new JwtError('invalid subject (sub) claim');
  const audiences = expected.audiences ?? [];
  if (audiences.length > 0 && !audiences.some((a) => audienceClaim(claims).includes(a))) {
    throw new JwtError('invalid audience (aud) claim: audience claim does not match any expected audience');
  }
  validateTimes(claims, expected);
}

/** The `aud` claim as a list: JWT allows a single string or an array. */
export function audienceClaim(claims: Record<string, unknown>): string[] {
  const aud = claims.aud;
  if (typeof aud === 'string') return [aud];
  return Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string') : [];
}

function validateTimes(claims: Record<string, unknown>, expected: ExpectedClaims): void {
  const iat = numericDate(claims, 'iat');
  let exp = numericDate(claims, 'exp');
  let nbf = numericDate(claims, 'nbf');
  if (iat === 0 && exp === 0 && nbf === 0) {
    if (expected.allowMissingTimes) return;
    throw new JwtError('no issued at (iat), not before (nbf), or expiration time (exp) claims in token');
  }
  if (exp === 0) exp = Math.max(iat, nbf) + leeway(expected.expirationLeeway, 150);
  if (nbf === 0) nbf = iat !== 0 ? iat : exp - leeway(expected.notBeforeLeeway, 150);
  const skewMs = leeway(expected.clockSkewLeeway, 60) * 1000;
  const now = expected.nowMs;
  if (now + skewMs < nbf * 1000) throw new JwtError('invalid not before (nbf) claim: token not yet valid');
  if (now - skewMs > exp * 1000) throw new JwtError('invalid expiration time (exp) claim: token is expired');
  if (iat !== 0 && now + skewMs < iat * 1000) {
    throw new JwtError('invalid issued at (iat) claim: token issued in the future');
  }
}

// go-jose's NumericDate: a JSON number, truncated to whole seconds; absent is 0.
function numericDate(claims: Record<string, unknown>, name: string): number {
  const value = claims[name];
  if (value === undefined || value === null) return 0;
  if (typeof value !== 'number')
    throw new JwtError(`go-jose/go-jose/jwt: expected number value to unmarshal NumericDate (${name})`);
  return Math.trunc(value);
}

function leeway(seconds: number | undefined, fallback: number): number {
  if (seconds === undefined || seconds === 0) return fallback;
  return seconds < 0 ? 0 : seconds;
}
