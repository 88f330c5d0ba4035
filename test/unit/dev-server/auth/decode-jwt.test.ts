import { describe, expect, it } from 'vitest';
import { JwtError, decodeJwt, validateJwtClaims } from '../../../../src/dev-server/auth/decode-jwt.js';
import { globAnywhere, globMatch } from '../../../../src/dev-server/auth/glob.js';
import { fakeJwt } from './jwt-fixtures.js';

const NOW = Date.UTC(2025, 0, 1);
const now = NOW / 1000;

function failure(token: string, expected: Parameters<typeof validateJwtClaims>[1]): string {
  try {
    validateJwtClaims(decodeJwt(token), expected);
  } catch (error) {
    if (error instanceof JwtError) return error.message;
    throw error;
  }
  return 'ok';
}

describe('decodeJwt', () => {
  it('decodes header and claims without verifying the signature', () => {
    const decoded = decodeJwt(fakeJwt({ sub: 'a', n: 1 }));
    expect(decoded.header).toEqual({ alg: 'RS256', typ: 'JWT' });
    expect(decoded.claims).toEqual({ sub: 'a', n: 1 });
    expect(decoded.signatureLength).toBeGreaterThan(0);
  });

  it('rejects malformed tokens with go-jose wording and never echoes the token', () => {
    expect(() => decodeJwt('a.b')).toThrow('go-jose/go-jose: compact JWS format must have three parts');
    expect(() => decodeJwt('ey$.e30.c2ln')).toThrow('illegal base64 data at input byte 2');
    try {
      decodeJwt('secret-material.e30');
    } catch (error) {
      expect((error as Error).message).not.toContain('secret-material');
    }
  });
});

describe('validateJwtClaims', () => {
  it("applies cap's leeways: 60 s clock skew, 150 s implied expiry", () => {
    expect(failure(fakeJwt({ exp: now - 59 }), { nowMs: NOW })).toBe('ok');
    expect(failure(fakeJwt({ exp: now - 61 }), { nowMs: NOW })).toBe(
      'invalid expiration time (exp) claim: token is expired',
    );
    expect(failure(fakeJwt({ iat: now - 250 }), { nowMs: NOW })).toBe(
      'invalid expiration time (exp) claim: token is expired',
    );
    expect(failure(fakeJwt({ iat: now - 250 }), { nowMs: NOW, expirationLeeway: 3600 })).toBe('ok');
    expect(failure(fakeJwt({ iat: now + 120, exp: now + 600 }), { nowMs: NOW })).toBe(
      'invalid not before (nbf) claim: token not yet valid',
    );
    expect(failure(fakeJwt({ sub: 'x' }), { nowMs: NOW, allowMissingTimes: true })).toBe('ok');
  });

  it('checks algorithm, signature presence, issuer, subject and audience', () => {
    const claims = { iss: 'i', sub: 's', aud: ['a', 'b'], exp: now + 60 };
    expect(failure(fakeJwt(claims, { alg: 'none' }), { nowMs: NOW, algorithms: ['RS256'] })).toBe(
      'error verifying token signature: go-jose/go-jose: unexpected signature algorithm "none"; expected [RS256]',
    );
    expect(failure(fakeJwt(claims).replace(/\.[^.]*$/, '.'), { nowMs: NOW })).toBe(
      'invalid algorithm (alg) header parameter: token must be signed',
    );
    expect(failure(fakeJwt(claims), { nowMs: NOW, issuer: 'j' })).toBe('invalid issuer (iss) claim');
    expect(failure(fakeJwt(claims), { nowMs: NOW, subject: 't' })).toBe('invalid subject (sub) claim');
    expect(failure(fakeJwt(claims), { nowMs: NOW, audiences: ['b'] })).toBe('ok');
    expect(failure(fakeJwt(claims), { nowMs: NOW, audiences: ['c'] })).toBe(
      'invalid audience (aud) claim: audience claim does not match any expected audience',
    );
  });
});

describe('glob matching', () => {
  it('follows strutil (edges only) and go-glob (anywhere)', () => {
    expect(globMatch('web-*', 'web-1')).toBe(true);
    expect(globMatch('*-agent', 'cert-agent')).toBe(true);
    expect(globMatch('*', 'anything')).toBe(false);
    expect(globMatch('a*b', 'axb')).toBe(false);
    expect(globAnywhere('refs/*/main', 'refs/heads/main')).toBe(true);
    expect(globAnywhere('a.c', 'abc')).toBe(false);
  });
});
