// Issue 4's acceptance, against the in-process dev server on a shared fake clock.
// A token reaching its max TTL: a method that can log in again does so in time (approle; kubernetes with the rotated
// service account token), a static token file warns and waits for a new token.

import { mkdir, rename, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { createVaultPkiIssuer } from '../../../src/agent/vault-pki-issuer.js';
import { CertificateSource } from '../../../src/certs/certificate-source.js';
import { StateStore } from '../../../src/certs/state-store.js';
import {
  appRole,
  approleSettings,
  dir,
  h,
  stopCertificates,
  useLifecycleSuite,
  waitForToken,
} from './lifecycle-suite.js';

useLifecycleSuite();

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
