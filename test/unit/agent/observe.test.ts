// observe.ts turns a failed login into the /status auth entry: reworded on one line, its code kept.

import { describe, expect, it } from 'vitest';
import { observeAuth } from '../../../src/agent/observe.js';
import type { Clock } from '../../../src/lib/clock.js';
import { HealthState } from '../../../src/telemetry/health.js';
import { AgentMetrics } from '../../../src/telemetry/metrics.js';
import { VaultHttpError } from '../../../src/vault/vault-errors.js';

const NOW = Date.UTC(2030, 0, 1);
/** Only read: observing never waits. */
const clock: Clock = { now: () => NOW, sleep: () => Promise.reject(new Error('observe does not sleep')) };

describe('observeAuth', () => {
  it('records a failed login in words and with the code of what failed', () => {
    const health = new HealthState([], []);
    const observed = observeAuth(new AgentMetrics(), health, clock);
    const refused = new VaultHttpError({
      status: 400,
      method: 'POST',
      path: 'auth/approle/login',
      errors: ['invalid role or secret ID\n(check both files)'],
    });
    observed.loginFailed?.('approle', refused);
    expect(health.auth).toMatchObject({
      authenticated: false,
      lastError:
        'approle login failed: vault POST auth/approle/login answered 400: invalid role or secret ID (check both files)',
      lastErrorCode: 'VAULT_HTTP',
      lastErrorAt: NOW,
    });
  });
});
