import { describe, expect, it } from 'vitest';
import { calculateTtl, effectiveTtls } from '../../../../src/dev-server/token/ttl-math.js';
import { VaultApiError } from '../../../../src/dev-server/types.js';

const MOUNT = { defaultLeaseTtl: 2_764_800, maxLeaseTtl: 2_764_800 };
const T0 = Date.UTC(2025, 0, 1, 0, 0, 0, 900);
const base = {
  nowMs: T0,
  startMs: T0,
  increment: 0,
  backendTtl: 0,
  period: 0,
  backendMaxTtl: 0,
  explicitMaxTtl: 0,
  mount: MOUNT,
};

describe('calculateTtl (framework.CalculateTTL)', () => {
  it('prefers the increment, then the backend TTL, then the mount default', () => {
    expect(calculateTtl({ ...base, increment: 60, backendTtl: 120 }).ttl).toBe(60);
    expect(calculateTtl({ ...base, backendTtl: 120 }).ttl).toBe(120);
    expect(calculateTtl(base)).toEqual({ ttl: 2_764_800, warnings: [] });
  });

  it('caps at start + the smallest max, counting whole seconds, with the human-form warning', () => {
    const grant = calculateTtl({
      ...base,
      nowMs: T0 + 3_600_300,
      increment: 7200,
      backendMaxTtl: 10_000,
      explicitMaxTtl: 6000,
    });
    // Seconds are truncated before subtracting, so 0.9 s + 3600.3 s counts as 3601 s elapsed.
    expect(grant).toEqual({
      ttl: 2399,
      warnings: ['TTL of "2h" exceeded the effective max_ttl of "39m59s"; TTL value is capped accordingly'],
    });
  });

  it('gives periodic leases their period, capped at the max, bounded in time only by an explicit max', () => {
    expect(calculateTtl({ ...base, nowMs: T0 + 10_000_000, period: 3600, backendMaxTtl: 60 })).toEqual({
      ttl: 60,
      warnings: ['period of "1h" exceeded the effective max_ttl of "1m"; period value is capped accordingly'],
    });
    expect(calculateTtl({ ...base, nowMs: T0 + 99_000_000, period: 3600 }).ttl).toBe(3600);
    expect(calculateTtl({ ...base, nowMs: T0 + 1_800_000, period: 3600, explicitMaxTtl: 5400 }).ttl).toBe(
      3600,
    );
  });

  it('refuses to renew past the max with a 500', () => {
    expect(() => calculateTtl({ ...base, nowMs: T0 + 61_000, backendMaxTtl: 60 })).toThrow(VaultApiError);
    try {
      calculateTtl({ ...base, nowMs: T0 + 61_000, backendMaxTtl: 60 });
    } catch (error) {
      expect((error as VaultApiError).status).toBe(500);
      expect((error as VaultApiError).errors).toEqual([
        '1 error occurred:\n\t* past the max TTL, cannot renew\n\n',
      ]);
    }
  });

  it('falls back to the system TTLs for mount fields left at 0', () => {
    expect(effectiveTtls({ defaultLeaseTtl: 0, maxLeaseTtl: 3600 }, MOUNT)).toEqual({
      defaultLeaseTtl: 2_764_800,
      maxLeaseTtl: 3600,
    });
    expect(effectiveTtls(undefined, MOUNT)).toEqual(MOUNT);
  });
});
