// The dev server's PKI engine over HTTP, through node-vault and raw calls, with the real openssl binary making
// CSRs and verifying what comes back: what certagent relies on, checked as a Vault client would see it.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import vault from 'node-vault';
import { afterAll, describe, expect, it } from 'vitest';
import { callVault, useDevServer } from '../../helpers/dev-server.js';

const server = useDevServer({}, 'all');
const dir = mkdtempSync(join(tmpdir(), 'certagent-pki-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function client() {
  return vault({ apiVersion: 'v1', endpoint: server().address, token: server().rootToken });
}

function openssl(...args: string[]): string {
  return execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function file(name: string, contents: string): string {
  const path = join(dir, name);
  writeFileSync(path, `${contents}\n`);
  return path;
}

describe('PKI on a second mount, through node-vault', () => {
  it('mounts and tunes pki2, generates a root, and reads role TTLs back as integers', async () => {
    const v = client();
    await v.mount({ mount_point: 'pki2', type: 'pki' });
    await v.write('sys/mounts/pki2/tune', { max_lease_ttl: '87600h' });
    expect((await v.read('sys/mounts/pki2/tune')).data.max_lease_ttl).toBe(315_360_000);
    const root = await v.write('pki2/root/generate/internal', {
      common_name: 'Test Root',
      key_type: 'ec',
      ttl: '8760h',
    });
    expect(root.data.certificate).toMatch(/^-----BEGIN CERTIFICATE-----\n[\s\S]+-----END CERTIFICATE-----$/);
    expect(root.data.issuing_ca).toBe(root.data.certificate);
    expect(root.data.private_key).toBeUndefined();
    expect(Number.isInteger(root.data.expiration)).toBe(true);
    expect(root.data.serial_number).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2})*$/);
    expect(root.warnings).toEqual([expect.stringContaining('authority information access (AIA)')]);

    const written = await v.write('pki2/roles/web', {
      allowed_domains: 'example.com',
      allow_subdomains: true,
      ttl: '1h',
      max_ttl: '72h',
      key_type: 'ec',
    });
    expect(written.data).toMatchObject({ ttl: 3600, max_ttl: 259_200, key_bits: 256 });
    const role = await v.read('pki2/roles/web');
    expect(role.data).toMatchObject({
      ttl: 3600,
      max_ttl: 259_200,
      not_before_duration: 30,
      allowed_domains: ['example.com'],
      allow_localhost: true,
      enforce_hostnames: true,
      server_flag: true,
      client_flag: true,
      use_csr_common_name: true,
      key_type: 'ec',
      key_bits: 256,
    });
    expect((await v.list('pki2/roles')).data.keys).toEqual(['web']);
  });

  it('issues a certificate openssl verifies against the mount CA, with the key matching', async () => {
    const v = client();
    const issued = await v.write('pki2/issue/web', {
      common_name: 'www.example.com',
      alt_names: 'api.example.com',
      ip_sans: '127.0.0.1',
    });
    const data = issued.data;
    expect(data.ca_chain).toEqual([data.issuing_ca]);
    expect(data.private_key).toMatch(/^-----BEGIN EC PRIVATE KEY-----/);
    expect(data.private_key_type).toBe('ec');
    expect(data.certificate.endsWith('\n')).toBe(false);
    const ca = file(
      'ca2.pem',
      (await fetch(`${server().address}/v1/pki2/ca/pem`).then((r) => r.text())).trim(),
    );
    const leaf = file('leaf.pem', data.certificate);
    const key = file('leaf.key', data.private_key);
    expect(openssl('verify', '-CAfile', ca, leaf).trim()).toBe(`${leaf}: OK`);
    expect(openssl('x509', '-in', leaf, '-noout', '-pubkey')).toBe(openssl('pkey', '-in', key, '-pubout'));
    const text = openssl('x509', '-in', leaf, '-noout', '-text');
    expect(text).toMatch(/DNS:www\.example\.com, DNS:api\.example\.com, IP Address:127\.0\.0\.1/);
    expect(text).toMatch(/TLS Web Server Authentication, TLS Web Client Authentication/);
    // Back-dated by the role's not_before_duration (30 s): notBefore is before the response arrived.
    const notBefore = Date.parse(openssl('x509', '-in', leaf, '-noout', '-startdate').split('=')[1]!);
    expect(Date.now() - notBefore).toBeGreaterThanOrEqual(29_000);
    expect(Math.abs(data.expiration * 1000 - (Date.now() + 3_600_000))).toBeLessThan(5_000);
  });

  it('signs a CSR made by openssl; the CSR names win and the key never left the client', async () => {
    const key = join(dir, 'csr.key');
    const csr = join(dir, 'req.csr');
    openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', key);
    openssl(
      'req',
      '-new',
      '-key',
      key,
      '-subj',
      '/CN=csr.example.com',
      '-addext',
      'subjectAltName=DNS:csr.example.com,DNS:alt.example.com',
      '-out',
      csr,
    );
    const signed = await client().write('pki2/sign/web', {
      csr: readFileSync(csr, 'utf8'),
      common_name: 'ignored.example.com',
    });
    expect(signed.data.private_key).toBeUndefined();
    expect(signed.warnings).toContain(
      'the common_name field was provided but the role is set with "use_csr_common_name" set to true',
    );
    const leaf = file('signed.pem', signed.data.certificate);
    const ca = file('ca2b.pem', signed.data.issuing_ca);
    expect(openssl('verify', '-CAfile', ca, leaf).trim()).toBe(`${leaf}: OK`);
    expect(openssl('x509', '-in', leaf, '-noout', '-subject')).toMatch(/CN\s*=\s*csr\.example\.com/);
    expect(openssl('x509', '-in', leaf, '-noout', '-pubkey')).toBe(openssl('pkey', '-in', key, '-pubout'));
  });

  it("answers Vault's exact 400 for a name the role forbids, and for an unknown role", async () => {
    const denied = await callVault(server(), 'POST', 'pki2/issue/web', {
      body: { common_name: 'www.evil.org' },
    });
    expect(denied.status).toBe(400);
    expect(denied.json).toEqual({ errors: ['common name www.evil.org not allowed by this role'] });
    const san = await callVault(server(), 'POST', 'pki2/issue/web', {
      body: { common_name: 'a.example.com', alt_names: 'b.evil.org' },
    });
    expect(san.json).toEqual({ errors: ['subject alternate name b.evil.org not allowed by this role'] });
    const unknown = await callVault(server(), 'POST', 'pki2/issue/nope', {
      body: { common_name: 'a.example.com' },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.json).toEqual({ errors: ['unknown role: nope'] });
  });

  it("clamps a TTL above the role's max with Vault's warning", async () => {
    const reply = await callVault(server(), 'POST', 'pki2/issue/web', {
      body: { common_name: 'ttl.example.com', ttl: '720h' },
    });
    expect(reply.status).toBe(200);
    expect(reply.json.warnings).toEqual([
      'TTL "720h0m0s" is longer than permitted maxTTL "72h0m0s", so maxTTL is being used',
    ]);
    expect(Math.abs(reply.json.data.expiration * 1000 - (Date.now() + 72 * 3_600_000))).toBeLessThan(5_000);
  });

  it('refuses a TTL past the CA expiry with the exact error', async () => {
    await client().write('pki2/roles/long', { allow_any_name: true, max_ttl: '87600h', key_type: 'ec' });
    const reply = await callVault(server(), 'POST', 'pki2/issue/long', {
      body: { common_name: 'long.example.com', ttl: '9000h' },
    });
    expect(reply.status).toBe(400);
    expect(reply.json.errors[0]).toMatch(
      /^cannot satisfy request, as TTL would result in notAfter of \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z that is beyond the expiration of the CA certificate at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
    );
  });
});

describe('PKI revocation and read endpoints', () => {
  it('revokes by serial, lists the serial in a CRL openssl accepts, and reads cert/:serial', async () => {
    const issued = await callVault(server(), 'POST', 'pki/issue/dev', { body: { common_name: 'revoke.me' } });
    const serial: string = issued.json.data.serial_number;
    const revoked = await callVault(server(), 'POST', 'pki/revoke', {
      body: { serial_number: serial.replace(/:/g, '-') },
    });
    expect(revoked.status).toBe(200);
    expect(revoked.json.data.state).toBe('revoked');
    const again = await callVault(server(), 'POST', 'pki/revoke', { body: { serial_number: serial } });
    expect(again.json.data.revocation_time).toBe(revoked.json.data.revocation_time);

    const crl = await callVault(server(), 'GET', 'pki/crl/pem', { token: null });
    expect(crl.headers['content-type']).toBe('application/x-pem-file');
    const crlFile = file('crl.pem', crl.text);
    const ca = file('ca-dev.pem', (await callVault(server(), 'GET', 'pki/ca/pem', { token: null })).text);
    const crlText = openssl('crl', '-in', crlFile, '-CAfile', ca, '-noout', '-text');
    expect(crlText).toContain(serial.replace(/:/g, '').toUpperCase());

    const read = await callVault(server(), 'GET', `pki/cert/${serial}`, { token: null });
    expect(read.json.data).toMatchObject({
      certificate: issued.json.data.certificate,
      revocation_time: revoked.json.data.revocation_time,
    });
    const missing = await callVault(server(), 'GET', 'pki/cert/01:02', { token: null });
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ errors: [] });
    const list = await callVault(server(), 'LIST', 'pki/certs');
    expect(list.json.data.keys).toContain(serial.replace(/:/g, '-'));
  });

  it('serves ca/pem without a trailing newline and as the issuer of the dev role', async () => {
    const pem = await callVault(server(), 'GET', 'pki/ca/pem', { token: null });
    expect(pem.status).toBe(200);
    expect(pem.headers['content-type']).toBe('application/pem-certificate-chain');
    expect(pem.text.endsWith('-----END CERTIFICATE-----')).toBe(true);
    const role = await callVault(server(), 'GET', 'pki/roles/dev');
    expect(role.json.data).toMatchObject({ allow_any_name: true, max_ttl: 86_400 });
  });
});
