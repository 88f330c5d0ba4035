// Issue 4's acceptance, against the in-process dev server on a shared fake clock.
// Where tokens go: every new one to the sinks (and revoked on shutdown when asked), none of them into the logs.

import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './lifecycle-harness.js';
import { appRole, approleSettings, dir, h, useLifecycleSuite } from './lifecycle-suite.js';

useLifecycleSuite();

describe('token lifecycle', () => {
  it('writes every new token to the sinks (0600, atomically) and revokes the last one on shutdown when asked', async () => {
    const files = await appRole({ token_ttl: '4s', token_max_ttl: '6s' });
    const sink = join(dir, 'sink', 'token');
    h.run(approleSettings(files), undefined, {
      sinks: [{ type: 'file', path: sink, mode: 0o600 }],
      revokeOnShutdown: true,
    });
    const start = h.clock.now();
    await h.advanceTo(start + 1000);
    const first = h.lifecycle.token.value!;
    expect(await readFile(sink, 'utf8')).toBe(first);
    expect((await stat(sink)).mode & 0o777).toBe(0o600);
    await h.advanceTo(start + 6000);
    const second = h.lifecycle.token.value!;
    expect(second).not.toBe(first);
    expect(await readFile(sink, 'utf8')).toBe(second);
    await h.stopLifecycle();
    expect((await h.call('GET', 'auth/token/lookup-self', undefined, second)).status).toBe(403);
  });

  it('never prints the root token, even at debug level', async () => {
    h.run(undefined, ROOT);
    await h.lifecycle.current(AbortSignal.timeout(5000));
    expect(h.logs).toMatch(/token loaded/);
    expect(h.logs).not.toContain(ROOT);
  });
});
