import { describe, expect, it } from 'vitest';
import {
  boolField,
  commaListField,
  durationField,
  goValue,
  ignoredFieldsWarning,
  intField,
} from '../../../../src/dev-server/token/framework-fields.js';
import { sanitizePolicies } from '../../../../src/dev-server/token/policies.js';
import { formatRfc3339Nano } from '../../../../src/dev-server/token/time-format.js';
import { VaultApiError } from '../../../../src/dev-server/types.js';

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof VaultApiError) return `${error.status} ${error.errors.join('|')}`;
    throw error;
  }
  throw new Error('expected a VaultApiError');
}

describe('formatRfc3339Nano', () => {
  it('drops trailing zeros of the fraction as Go does', () => {
    expect(formatRfc3339Nano(Date.UTC(2025, 0, 1, 1, 0, 0, 0))).toBe('2025-01-01T01:00:00Z');
    expect(formatRfc3339Nano(Date.UTC(2025, 0, 1, 1, 0, 0, 120))).toBe('2025-01-01T01:00:00.12Z');
    expect(formatRfc3339Nano(Date.UTC(2025, 0, 1, 1, 0, 0, 7))).toBe('2025-01-01T01:00:00.007Z');
  });
});

describe('sanitizePolicies', () => {
  it('lower-cases, trims, de-duplicates, sorts and adds default unless root is present', () => {
    expect(sanitizePolicies([' Web', 'web', '', 'admin'], true)).toEqual(['admin', 'default', 'web']);
    expect(sanitizePolicies(['web', 'root'], true)).toEqual(['root']);
    expect(sanitizePolicies([], false)).toEqual([]);
  });
});

describe('framework fields', () => {
  it("converts durations to whole seconds and reports bad ones in Vault's words", () => {
    expect(durationField({ ttl: 3600 }, 'ttl')).toBe(3600);
    expect(durationField({ ttl: '1h30m' }, 'ttl')).toBe(5400);
    expect(durationField({ ttl: '500ms' }, 'ttl')).toBe(0);
    expect(durationField({ ttl: '30d' }, 'ttl')).toBe(2_592_000);
    expect(durationField({}, 'ttl')).toBeUndefined();
    expect(errorOf(() => durationField({ ttl: '1.5d' }, 'ttl'))).toBe(
      '400 Field validation failed: error converting input 1.5d for field "ttl": strconv.ParseInt: parsing "1.5": invalid syntax',
    );
    expect(errorOf(() => durationField({ ttl: '-5m' }, 'ttl'))).toBe(
      '400 Field validation failed: error converting input -5m for field "ttl": cannot provide negative value \'-300\'',
    );
  });

  it('weakly converts ints, bools and comma lists', () => {
    expect(intField({ n: '5' }, 'n')).toBe(5);
    expect(boolField({ b: 'true' }, 'b')).toBe(true);
    expect(boolField({ b: 0 }, 'b')).toBe(false);
    expect(commaListField({ l: 'a, b,c' }, 'l')).toEqual(['a', 'b', 'c']);
    expect(commaListField({ l: ['x'] }, 'l')).toEqual(['x']);
    expect(errorOf(() => intField({ n: 1.5 }, 'n'))).toBe(
      '400 Field validation failed: error converting input 1.5 for field "n": strconv.ParseInt: parsing "1.5": invalid syntax',
    );
  });

  it('names unknown fields sorted, in Go slice form', () => {
    expect(ignoredFieldsWarning({ b: 1, a: 2, ttl: 3 }, ['ttl'])).toEqual([
      'Endpoint ignored these unrecognized parameters: [a b]',
    ]);
    expect(ignoredFieldsWarning({ ttl: 3 }, ['ttl'])).toEqual([]);
    expect(goValue({ b: [1, 'x'], a: true })).toBe('map[a:true b:[1 x]]');
  });
});
