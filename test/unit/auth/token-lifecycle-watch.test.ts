// `run --once` starts no file watcher: it ends before a changed token or certificate file could matter.
import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import type { AuthMethod } from '../../../src/auth/methods/auth-method.js';
import { TokenLifecycle } from '../../../src/auth/token-lifecycle.js';
import type { VaultClient } from '../../../src/vault/types.js';
import { withDeadline } from '../../helpers/deadline.js';
import { FakeClock } from '../../helpers/fake-clock.js';

async function watchCalls(watchFiles: boolean | undefined): Promise<number> {
  const watch = vi.fn(async () => async () => undefined);
  let asked!: () => void;
  const credentialAsked = new Promise<void>((resolve) => (asked = resolve));
  const method: AuthMethod = {
    type: 'token_file',
    replacement: 'file-change',
    // Asked for only once the lifecycle has decided whether to watch; never answers, so it waits here until stopped.
    credential: (signal) => {
      asked();
      return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    },
    watch,
  };
  const lifecycle = new TokenLifecycle({
    method,
    autoAuth: undefined,
    vault: {} as VaultClient,
    clock: new FakeClock(0),
    random: () => 0,
    logger: pino({ level: 'silent' }),
    metrics: { tokenRenewals: { inc: () => undefined }, authLogins: { inc: () => undefined } },
    registerSecret: () => undefined,
    ...(watchFiles === undefined ? {} : { watchFiles }),
  });
  const stop = new AbortController();
  const running = lifecycle.run(stop.signal).catch(() => undefined);
  await withDeadline(credentialAsked, 3000, 'the lifecycle to ask for a credential');
  stop.abort();
  await running;
  return watch.mock.calls.length;
}

describe('TokenLifecycle file watching', () => {
  it('watches the method’s files by default (the daemon)', async () => {
    expect(await watchCalls(undefined)).toBe(1);
  });

  it('does not when told not to (run --once)', async () => {
    expect(await watchCalls(false)).toBe(0);
  });
});
