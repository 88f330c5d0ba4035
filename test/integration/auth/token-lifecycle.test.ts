// Issue 4's acceptance, against the in-process dev server on a shared fake clock.

import { mkdir, mkdtemp, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { createVaultPkiIssuer } from '../../../src/agent/vault-pki-issuer.js';
import { CertificateSource } from '../../../src/certs/certificate-source.js';
import { StateStore } from '../../../src/certs/state-store.js';
import { withDeadline } from '../../helpers/deadline.js';
import { LifecycleHarness, ROOT } from './lifecycle-harness.js';

let h: LifecycleHarness;
let dir: string;
let stopCertificates: AbortController;
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

async function appRole(
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

function approleSettings(files: { roleIdFile: string; secretIdFile: string }) {
  return {
    type: 'approle' as const,
    roleIdFilePath: files.roleIdFile,
    secretIdFilePath: files.secretIdFile,
    removeSecretIdFileAfterReading: false,
  };
}

describe('token lifecycle', () => {
  it('approle, ttl 4s / max 10s: renews, hits the max, logs in again before expiry, and never holds a dead token for 30 s', async () => {
    const files = await appRole({ token_ttl: '4s', token_max_ttl: '10s' });
    h.run(approleSettings(files));
    const start = h.clock.now();
    // A certificate kept by the same token, to show that new tokens never cause a new certificate.
    const source = await certificateSource();
    const running = source.run(stopCertificates.signal);
    await source.bundle.next(0, AbortSignal.timeout(5000));
    const signsBefore = await signCount();
    const tokens = new Set<string>();
    const refused: string[] = [];
    await h.advanceTo(
      start + 30_000,
      async () => {
        const token = await h.lifecycle.current(AbortSignal.timeout(5000));
        tokens.add(token);
        const looked = await h.call('GET', 'auth/token/lookup-self', undefined, token);
        if (looked.status !== 200) refused.push(`${looked.status} at +${h.clock.now() - start} ms`);
      },
      2,
    );
    stopCertificates.abort();
    await running;
    expect(refused).toEqual([]);
    expect(await signCount()).toBe(signsBefore);
    expect(source.bundle.version).toBe(1);
    expect(h.metrics.count('success')).toBeGreaterThanOrEqual(3);
    expect(h.metrics.count('not_renewable')).toBeGreaterThanOrEqual(2);
    expect(h.metrics.count('failure')).toBe(0);
    const logins = h.metrics.logins.filter((login) => login.result === 'success');
    // A new token about every 10 s (the max), each obtained before the previous one expired.
    expect(logins.length).toBeGreaterThanOrEqual(3);
    expect(logins.length).toBeLessThanOrEqual(5);
    expect(tokens.size).toBe(logins.length);
    expect(h.metrics.logins.filter((login) => login.result === 'failure')).toEqual([]);
    expect(h.logs).toMatch(/token reached its max TTL; a new login will replace it before it expires/);
    for (const token of tokens) expect(h.logs).not.toContain(token);
    expect(h.logs).not.toContain(files.secretId);
  });

  it('a static token reaching its max warns, counts not_renewable, and a new token file (write, then symlink swap) is used within a second', async () => {
    const create = async () =>
      (
        await h.call('POST', 'auth/token/create', {
          ttl: '4s',
          explicit_max_ttl: '10s',
          policies: ['default'],
        })
      ).json.auth.client_token as string;
    // Kubernetes projected-volume layout: token → ..data/token, ..data → ..<timestamp>/
    const first = await create();
    await mkdir(join(dir, '..1'));
    await writeFile(join(dir, '..1', 'token'), first);
    await symlink('..1', join(dir, '..data'));
    await symlink(join('..data', 'token'), join(dir, 'token'));
    h.run({ type: 'token_file', tokenFilePath: join(dir, 'token') });
    const start = h.clock.now();
    await h.advanceTo(start + 9000);
    expect(h.metrics.count('not_renewable')).toBe(1);
    expect(h.logs).toMatch(/token reached its max TTL and cannot be replaced by this method/);
    expect(h.lifecycle.token.value).toBe(first);

    const second = await create();
    let since = Date.now();
    await writeFile(join(dir, '..1', 'token'), second);
    await waitForToken(second);
    expect(Date.now() - since).toBeLessThan(1000);

    const third = await create();
    since = Date.now();
    await mkdir(join(dir, '..2'));
    await writeFile(join(dir, '..2', 'token'), third);
    await symlink('..2', join(dir, '..data_tmp'));
    await rename(join(dir, '..data_tmp'), join(dir, '..data'));
    await waitForToken(third);
    expect(Date.now() - since).toBeLessThan(1000);
    for (const token of [first, second, third]) expect(h.logs).not.toContain(token);
  });

  it('Vault unreachable for 20 s (connections reset): failures counted, attempts spaced by growing backoff, recovery without restart', async () => {
    const token = (await h.call('POST', 'auth/token/create', { ttl: '60s', policies: ['default'] })).json.auth
      .client_token as string;
    h.run(undefined, token);
    const start = h.clock.now();
    await h.advanceTo(start + 29_000); // first renewal at +30 s
    // Every connection to auth/ is reset, as when Vault is down behind a load balancer.
    const fault = await h.call('POST', 'sys/dev/faults', { path_prefix: 'auth/', reset: true, count: 1000 });
    expect(fault.status).toBe(200);
    const attempts: number[] = [];
    const failuresBefore = h.metrics.count('failure');
    await h.advanceTo(start + 49_000, async () => {
      if (h.metrics.count('failure') > failuresBefore + attempts.length) attempts.push(h.clock.now() - start);
    });
    const failures = h.metrics.count('failure') - failuresBefore;
    expect(failures).toBeGreaterThanOrEqual(3);
    expect(failures).toBeLessThanOrEqual(10);
    const gaps = attempts.slice(1).map((at, index) => at - attempts[index]!);
    expect(gaps[1]).toBeGreaterThan(gaps[0]!);
    expect((await h.call('DELETE', 'sys/dev/faults')).status).toBe(204);
    await h.advanceTo(start + 58_000);
    expect(h.metrics.count('success')).toBeGreaterThanOrEqual(1);
    expect(h.lifecycle.token.value).toBe(token);
    expect((await h.call('GET', 'auth/token/lookup-self', undefined, token)).status).toBe(200);
  });

  it('a 403 on renewal leads to exactly one login per backoff step, not a loop', async () => {
    const files = await appRole({ token_ttl: '4s', token_max_ttl: '1h', secret_id_num_uses: 0 });
    await h.call('POST', 'sys/dev/faults', {
      path_prefix: 'auth/token/renew-self',
      status: 403,
      count: 1000,
    });
    h.run(approleSettings(files));
    const start = h.clock.now();
    await h.advanceTo(start + 40_000);
    const logins = h.metrics.logins
      .filter((login) => login.result === 'success')
      .map((login) => login.at - start);
    const gaps = logins.slice(1).map((at, index) => at - logins[index]!);
    // Backoff 1 s, 2 s, 4 s, 8 s, 16 s (+ the 2 s until each renewal): a handful of logins, spaced ever wider.
    expect(logins.length).toBeGreaterThanOrEqual(3);
    expect(logins.length).toBeLessThanOrEqual(7);
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]).toBeGreaterThanOrEqual(gaps[i - 1]!);
    expect(h.metrics.count('failure')).toBe(logins.length);
  });

  it('a token file whose token Vault refuses on renewal waits for a new token instead of renewing the dead one again', async () => {
    const create = async () =>
      (await h.call('POST', 'auth/token/create', { ttl: '1h', policies: ['default'] })).json.auth
        .client_token as string;
    const first = await create();
    await writeFile(join(dir, 'token'), first);
    h.run({ type: 'token_file', tokenFilePath: join(dir, 'token') });
    const start = h.clock.now();
    await h.advanceTo(start + 1000);
    expect(h.lifecycle.token.value).toBe(first);
    // Revoked behind the agent's back: every renewal of it is now a 403, and only a new file can help.
    expect((await h.call('POST', 'auth/token/revoke', { token: first })).status).toBe(204);
    // The first renewal is due at half the TTL (+ up to 10 % jitter); the next hour would hold several backoff steps.
    await h.advanceTo(start + 3_600_000 - 1000);
    expect(h.metrics.renewals).toEqual(['failure']);
    expect(h.logs).toMatch(/TOKEN_REFUSED/);

    const second = await create();
    await writeFile(join(dir, 'token'), second);
    await waitForToken(second);
    expect(h.lifecycle.token.value).toBe(second);
  });

  it('kubernetes: the rotated service account token is the one used at the next login', async () => {
    await h.call('POST', 'sys/auth/kubernetes', { type: 'kubernetes' });
    await h.call('POST', 'auth/kubernetes/config', { kubernetes_host: 'https://kubernetes.default.svc' });
    await h.call('POST', 'auth/kubernetes/role/agent', {
      bound_service_account_names: 'agent',
      bound_service_account_namespaces: 'certs',
      token_ttl: '4s',
      token_max_ttl: '6s',
    });
    const tokenPath = join(dir, 'sa-token');
    const jwt = (uid: string) => serviceAccountJwt(h.clock.now(), uid);
    const firstJwt = jwt('uid-1');
    await writeFile(tokenPath, firstJwt);
    h.run({ type: 'kubernetes', role: 'agent', tokenPath });
    const start = h.clock.now();
    await h.advanceTo(start + 1000);
    const firstToken = h.lifecycle.token.value!;
    const secondJwt = jwt('uid-2');
    await writeFile(tokenPath, secondJwt); // the kubelet rotates the projected token
    await h.advanceTo(start + 6000);
    const secondToken = h.lifecycle.token.value!;
    expect(secondToken).not.toBe(firstToken);
    const looked = await h.call('GET', 'auth/token/lookup-self', undefined, secondToken);
    expect(looked.json.data.meta.service_account_uid).toBe('uid-2');
    for (const value of [firstJwt, secondJwt, firstToken, secondToken]) expect(h.logs).not.toContain(value);
  });

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

/** A 1-hour certificate on a PKI mount of the harness's dev server, using the lifecycle's tokens. */
async function certificateSource(): Promise<CertificateSource> {
  await h.call('POST', 'sys/mounts/pki', { type: 'pki', config: { max_lease_ttl: '87600h' } });
  await h.call('POST', 'pki/root/generate/internal', { common_name: 'root', key_type: 'ec', ttl: '87600h' });
  await h.call('POST', 'pki/roles/web', { allow_any_name: true, key_type: 'ec', max_ttl: '24h' });
  return new CertificateSource({
    config: {
      name: 'web',
      mount: 'pki',
      role: 'web',
      mode: 'sign',
      commonName: 'web.example.test',
      altNames: [],
      ipSans: [],
      uriSans: [],
      ttlMs: 3_600_000,
      keyType: 'ec',
      keyBits: 256,
      renewThreshold: 0.67,
      renewBeforeMs: undefined,
      reuseKey: false,
    },
    issuer: createVaultPkiIssuer(h.vault, h.lifecycle),
    store: new StateStore(join(dir, 'state')),
    clock: h.clock,
    random: () => 0,
    backoff: { minMs: 1000, maxMs: 60_000 },
    logger: pino({ level: 'silent' }),
  });
}

async function signCount(): Promise<number> {
  const reply = await h.call('GET', 'sys/dev/requests?prefix=pki/sign/');
  return reply.json.data.total as number;
}

/**
 * Resolves once the lifecycle publishes `expected`: the token is a `Latest`, so this waits on its change events
 * (starting from the current value); the deadline only names what never happened.
 */
async function waitForToken(expected: string, timeoutMs = 2000): Promise<void> {
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

function serviceAccountJwt(nowMs: number, uid: string): string {
  const iat = Math.floor(nowMs / 1000);
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const claims = {
    aud: ['https://kubernetes.default.svc'],
    exp: iat + 3600,
    iat,
    iss: 'https://kubernetes.default.svc.cluster.local',
    'kubernetes.io': { namespace: 'certs', serviceaccount: { name: 'agent', uid } },
    sub: 'system:serviceaccount:certs:agent',
  };
  return `${part({ alg: 'RS256' })}.${part(claims)}.${Buffer.from('unsigned').toString('base64url')}`;
}
