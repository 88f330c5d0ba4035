import { describe, expect, it } from 'vitest';
import { envelopeFrom, httpErrorFrom, parseRetryAfter } from '../../../src/vault/vault-response.js';

const LABEL = { method: 'POST', path: 'pki/sign/web' };
const NOW = Date.parse('2026-01-01T00:00:00Z');

describe('parseRetryAfter', () => {
  it('reads integer seconds and HTTP dates relative to now, never negative', () => {
    expect(parseRetryAfter('7', NOW)).toBe(7);
    expect(parseRetryAfter(' 0 ', NOW)).toBe(0);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', NOW)).toBe(30);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', NOW)).toBe(0);
    expect(parseRetryAfter('soon', NOW)).toBeUndefined();
    expect(parseRetryAfter(undefined, NOW)).toBeUndefined();
  });
});

describe('envelopeFrom', () => {
  it('normalises missing data and empty or mistyped warnings to null', () => {
    const exchange = { status: 200, headers: {}, text: '{"data":{"a":1},"warnings":[]}' };
    expect(envelopeFrom(exchange, LABEL)).toMatchObject({ data: { a: 1 }, warnings: null });
    const odd = { status: 200, headers: {}, text: '{"warnings":["w",3]}' };
    expect(envelopeFrom(odd, LABEL)).toMatchObject({ data: null, warnings: ['w'] });
    expect(envelopeFrom({ status: 204, headers: {}, text: '' }, LABEL)).toBeUndefined();
  });
});

describe('httpErrorFrom', () => {
  it("keeps Vault's errors, redacted, and the first Retry-After value", () => {
    const error = httpErrorFrom(
      { status: 429, headers: { 'retry-after': ['3', '9'] }, text: '{"errors":["quota for SECRET"]}' },
      LABEL,
      (text) => text.replace('SECRET', '[redacted]'),
      NOW,
    );
    expect(error).toMatchObject({ status: 429, errors: ['quota for [redacted]'], retryAfterSeconds: 3 });
    expect(error.message).toBe('vault POST pki/sign/web answered 429: quota for [redacted]');
  });
});
