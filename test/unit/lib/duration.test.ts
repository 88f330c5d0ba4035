import { describe, expect, it } from 'vitest';
import {
  formatGoDuration,
  formatHumanDuration,
  parseGoDurationNs,
  parseVaultDurationMs,
} from '../../../src/lib/duration.js';

describe('parseVaultDurationMs (Vault parseutil.ParseDurationSecond)', () => {
  it.each([
    [3600, 3_600_000],
    ['3600', 3_600_000],
    ['24h', 86_400_000],
    ['1h30m', 5_400_000],
    ['90m', 5_400_000],
    ['45s', 45_000],
    ['1.5h', 5_400_000],
    ['300ms', 300],
    ['2h45m30s', 9_930_000],
    ['30d', 30 * 86_400_000],
    ['', 0],
    [undefined, 0],
    ['-5m', -300_000],
  ])('%j → %d ms', (input, expected) => {
    expect(parseVaultDurationMs(input)).toBe(expected);
  });

  it.each([
    ['1d12h', 'time: unknown unit "d" in duration "1d12h"'],
    ['1.5d', 'strconv.ParseInt: parsing "1.5": invalid syntax'],
    ['1w', 'time: unknown unit "w" in duration "1w"'],
    [1.5, 'time: missing unit in duration "1.5"'],
    ['abc', 'time: invalid duration "abc"'],
  ])('%j is refused with Go’s message', (input, message) => {
    expect(() => parseVaultDurationMs(input)).toThrow(message);
  });
});

describe('parseGoDurationNs', () => {
  it('accepts 0 without a unit and both micro signs', () => {
    expect(parseGoDurationNs('0')).toBe(0);
    expect(parseGoDurationNs('5µs')).toBe(5000);
    expect(parseGoDurationNs('5μs')).toBe(5000);
  });
});

describe('formatGoDuration / formatHumanDuration', () => {
  it.each([
    [259200, '72h0m0s', '72h'],
    [5400, '1h30m0s', '1h30m'],
    [3590, '59m50s', '59m50s'],
    [45, '45s', '45s'],
    [0, '0s', '0s'],
    [3605, '1h0m5s', '1h5s'],
  ])('%d s → %s / %s', (seconds, go, human) => {
    expect(formatGoDuration(seconds)).toBe(go);
    expect(formatHumanDuration(seconds)).toBe(human);
  });
});
