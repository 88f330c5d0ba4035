// What the token lifecycle tests share: a fresh harness (dev server + lifecycle on one fake clock) and temp dir for
// every test, and the helpers that set up auth methods in it. `h`, `dir` and `stopCertificates` are live bindings
// that useLifecycleSuite() replaces before each test, so the tests read them as they read their own variables.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect } from 'vitest';
import { withDeadline } from '../../helpers/deadline.js';
import { LifecycleHarness } from './lifecycle-harness.js';

export let h: LifecycleHarness;
export let dir: string;
export let stopCertificates: AbortController;

/**
 * Registers the hooks that start a harness and a temp dir before each test and stop them after. Call it at the top
 * level.
 */
export function useLifecycleSuite(): void {
  beforeEach(async () => {
    h = new LifecycleHarness();
    await h.start();
    dir = await mkdtemp(join(tmpdir(), 'certagent-lifecycle-'));
    stopCertificates = new AbortController();
  });
  afterEach(async () => {
    stopCertificates.abort();
    await h.stop();
    await rm(dir, { recursive: true, force: true });
  });
}

export async function appRole(
  fields: Record<string, unknown>,
): Promise<{ roleIdFile: string; secretIdFile: string; secretId: string }> {
  expect((await h.call('POST', 'sys/auth/approle', { type: 'approle' })).status).toBe(204);
  // The dev server enforces ACL policies: the role's tokens may sign, as a real deployment's would.
  const policy = 'path "pki/sign/*" { capabilities = ["update"] }';
  expect((await h.call('PUT', 'sys/policies/acl/agent', { policy })).status).toBe(204);
  expect(
    (await h.call('POST', 'auth/approle/role/agent', { token_policies: ['agent'], ...fields })).status,
  ).toBe(204);
  const roleId = (await h.call('GET', 'auth/approle/role/agent/role-id')).json.data.role_id as string;
  const secretId = (await h.call('POST', 'auth/approle/role/agent/secret-id', {})).json.data
    .secret_id as string;
  await writeFile(join(dir, 'role-id'), roleId);
  await writeFile(join(dir, 'secret-id'), secretId);
  return { roleIdFile: join(dir, 'role-id'), secretIdFile: join(dir, 'secret-id'), secretId };
}

export function approleSettings(files: { roleIdFile: string; secretIdFile: string }) {
  return {
    type: 'approle' as const,
    roleIdFilePath: files.roleIdFile,
    secretIdFilePath: files.secretIdFile,
    removeSecretIdFileAfterReading: false,
  };
}

/**
 * Resolves once the lifecycle publishes `expected`: the token is a `Latest`, so this waits on its change events
 * (starting from the current value); the deadline only names what never happened.
 */
export async function waitForToken(expected: string, timeoutMs = 2000): Promise<void> {
  const stop = new AbortController();
  const published = (async () => {
    for await (const token of h.lifecycle.token.changes(stop.signal)) if (token === expected) return;
  })();
  try {
    await withDeadline(published, timeoutMs, 'the lifecycle to publish the new token');
  } finally {
    stop.abort();
  }
}
