// The real dev server driven with plain fetch, as any HTTP client would: Vault's verbs, headers and shapes, the
// dev-mode PKI, and HTTPS with the server's throwaway CA.

import { Agent, fetch as undiciFetch } from 'undici';
import { describe, expect, it } from 'vitest';
import { useDevServer, withDevServer } from '../../helpers/dev-server.js';

const server = useDevServer();

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Vault's JSON, indexed freely in assertions
const json = (response: Response): Promise<any> => response.json();

async function vaultFetch(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${server().address}/v1/${path}`, {
    ...init,
    headers: { 'X-Vault-Token': server().rootToken, ...init.headers },
  });
}

describe('raw HTTP against the dev server', () => {
  it('answers health with Vault’s headers and a newline-terminated JSON body', async () => {
    const response = await fetch(`${server().address}/v1/sys/health`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect((await response.text()).endsWith('}\n')).toBe(true);
  });

  it('accepts the LIST verb on a keep-alive connection after a request with a body', async () => {
    const write = await vaultFetch('secret/data/team/app', {
      method: 'POST',
      body: JSON.stringify({ data: { k: 'v' } }),
    });
    expect(write.status).toBe(200);
    const list = await vaultFetch('secret/metadata/team', { method: 'LIST' });
    expect(list.status).toBe(200);
    expect((await json(list)).data.keys).toEqual(['app']);
  });

  it('serves the dev-mode PKI: a root CA without a token, and the dev role', async () => {
    const ca = await fetch(`${server().address}/v1/pki/ca/pem`);
    expect(ca.status).toBe(200);
    expect(await ca.text()).toMatch(/^-----BEGIN CERTIFICATE-----/);
    const role = await vaultFetch('pki/roles/dev');
    const body = await json(role);
    expect(body.data).toMatchObject({ allow_any_name: true, max_ttl: 86_400 });
    const issued = await vaultFetch('pki/issue/dev', {
      method: 'POST',
      body: JSON.stringify({ common_name: 'app.example.test', ttl: '1h' }),
    });
    expect(issued.status).toBe(200);
    expect((await json(issued)).data.certificate).toMatch(/^-----BEGIN CERTIFICATE-----/);
  });

  it('counts requests per path for tests that check how often Vault was called', async () => {
    server().requests.clear();
    await vaultFetch('auth/token/lookup-self');
    await vaultFetch('auth/token/lookup-self');
    const counts = await vaultFetch('sys/dev/requests?prefix=auth/');
    expect((await json(counts)).data).toEqual({
      prefix: 'auth/',
      total: 2,
      counts: { 'auth/token/lookup-self': 2 },
    });
  });
});

describe('HTTPS', () => {
  it('serves TLS with a certificate its CA PEM verifies, and refuses clients that do not trust it', async () => {
    await withDevServer(
      async (tls) => {
        expect(tls.address).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
        expect(tls.caPem).toMatch(/^-----BEGIN CERTIFICATE-----/);
        const trusting = new Agent({ connect: { ca: tls.caPem } });
        try {
          const response = await undiciFetch(`${tls.address}/v1/sys/health`, { dispatcher: trusting });
          expect(response.status).toBe(200);
          const list = await undiciFetch(`${tls.address}/v1/secret/metadata`, {
            method: 'LIST',
            headers: { 'X-Vault-Token': tls.rootToken },
            dispatcher: trusting,
          });
          expect(list.status).toBe(404);
        } finally {
          await trusting.close();
        }
        await expect(fetch(`${tls.address}/v1/sys/health`)).rejects.toThrow();
      },
      { tls: true, defaultPki: false },
    );
  });
});
