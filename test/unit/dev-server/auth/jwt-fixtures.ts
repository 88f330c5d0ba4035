// Unsigned-but-well-formed JWTs for the auth backend tests: the dev server never checks signatures.

/** A compact JWS with the given claims, a typical RS256 header and a dummy signature. */
export function fakeJwt(
  claims: Record<string, unknown>,
  header: Record<string, unknown> = { alg: 'RS256', typ: 'JWT' },
): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part(header)}.${part(claims)}.${Buffer.from('not-a-real-signature').toString('base64url')}`;
}

/** Seconds since the epoch for a millisecond clock reading. */
export function epoch(ms: number): number {
  return Math.floor(ms / 1000);
}
