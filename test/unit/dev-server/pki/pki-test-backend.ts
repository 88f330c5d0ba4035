// A PKI backend on a fake clock and a fake mount, called directly, for the backend's unit tests.

import { webcrypto } from 'node:crypto';
import { x509 } from '../../../../src/dev-server/x509/x509.js';
import { createPkiBackend } from '../../../../src/dev-server/pki/pki-backend.js';
import type {
  BackendContext,
  DevRequest,
  DevResponse,
  MountEntry,
  Operation,
  TokenStore,
} from '../../../../src/dev-server/types.js';
import { VaultApiError } from '../../../../src/dev-server/types.js';
import { FakeClock } from '../../../helpers/fake-clock.js';

/** The fake clock's start. */
export const START = Date.UTC(2030, 0, 1, 0, 0, 0);

/** A fresh backend on a mount with these tuned TTLs, its call helper and the clock's advance. */
export function setup(config = { defaultLeaseTtl: 0, maxLeaseTtl: 0 }) {
  const clock = new FakeClock(START);
  const mount: MountEntry = {
    path: 'pki/',
    type: 'pki',
    accessor: 'pki_1234',
    uuid: 'uuid',
    description: '',
    options: {},
    config,
  };
  const context: BackendContext = {
    clock,
    mount,
    tokens: {} as TokenStore,
    system: { defaultLeaseTtl: 768 * 3600, maxLeaseTtl: 768 * 3600 },
    findMount: () => undefined,
  };
  const backend = createPkiBackend(context);
  const call = async (
    operation: Operation,
    path: string,
    data: Record<string, unknown> = {},
  ): Promise<DevResponse> => backend.handle(request(mount, operation, path, data));
  return { backend, call, advance: (ms: number) => clock.advance(ms) };
}

function request(
  mount: MountEntry,
  operation: Operation,
  path: string,
  data: Record<string, unknown>,
): DevRequest {
  return { operation, path, data, mount, token: undefined, remoteAddress: '127.0.0.1', headers: {} };
}

/** The Vault error a call fails with (status and messages). */
export async function failure(promise: Promise<unknown>): Promise<{ status: number; errors: string[] }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof VaultApiError) return { status: error.status, errors: [...error.errors] };
    throw error;
  }
  throw new Error('expected a Vault error');
}

/** The data and warnings of a logical answer. */
export function logical(response: DevResponse): { data: Record<string, unknown>; warnings: string[] } {
  if (response.kind !== 'logical') throw new Error(`expected a logical response, got ${response.kind}`);
  return { data: response.data ?? {}, warnings: response.warnings ?? [] };
}

/** A backend with an EC root and an EC role `web` for subdomains of example.test (max_ttl 72h). */
export async function withRootAndRole(role: Record<string, unknown> = {}) {
  const env = setup();
  await env.call('update', 'root/generate/internal', {
    common_name: 'Dev Root',
    key_type: 'ec',
    ttl: '87600h',
  });
  await env.call('update', 'roles/web', {
    allowed_domains: 'example.test',
    allow_subdomains: true,
    key_type: 'ec',
    max_ttl: '72h',
    ...role,
  });
  return env;
}

/** Vault's serial form: lowercase colon-separated hex. */
export const COLON_HEX = /^[0-9a-f]{2}(:[0-9a-f]{2})*$/;

/** A certificate's serial in Vault's colon form, without leading zero bytes. */
export function serialOf(
  source: InstanceType<typeof x509.X509Certificate> | Record<string, unknown>,
): string {
  const cert =
    source instanceof x509.X509Certificate ? source : new x509.X509Certificate(String(source.certificate));
  const hex = cert.serialNumber.toLowerCase().replace(/^(00)+(?=.)/, '');
  return (hex.length % 2 === 1 ? `0${hex}` : hex).match(/../g)!.join(':');
}

/** A PEM CSR for an EC P-256 key with this subject and DNS SANs. */
export async function makeCsr(name: string, dnsNames: string[]): Promise<string> {
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name,
    keys,
    signingAlgorithm: algorithm,
    extensions:
      dnsNames.length > 0
        ? [
            new x509.SubjectAlternativeNameExtension(
              dnsNames.map((value) => ({ type: 'dns' as const, value })),
            ),
          ]
        : [],
  });
  return csr.toString('pem');
}
