// Certificates made by the real openssl binary in a test's temp dir: a CA, and EC P-256 certificates it signs
// (or self-signed ones), named `<name>.pem` / `<name>.key`.

import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

function openssl(dir: string, ...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

/** A self-signed certificate (a CA, or a stranger's client certificate): `<name>.pem` and `<name>.key`. */
export function selfSigned(dir: string, name: string, cn: string): void {
  openssl(
    dir,
    'req',
    '-x509',
    ...EC_KEY,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.pem`,
    '-subj',
    `/CN=${cn}`,
    '-days',
    '1',
  );
}

/** A certificate for `cn` signed by the CA `ca` (made with selfSigned), with DNS SANs when given. */
export function signedBy(
  dir: string,
  ca: string,
  name: string,
  cn: string,
  dnsNames: readonly string[] = [],
): void {
  openssl(dir, 'req', ...EC_KEY, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
  const ext: string[] = [];
  if (dnsNames.length > 0) {
    writeFileSync(
      join(dir, `${name}.ext`),
      `subjectAltName=${dnsNames.map((dns) => `DNS:${dns}`).join(',')}\n`,
    );
    ext.push('-extfile', `${name}.ext`);
  }
  openssl(
    dir,
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.pem`,
    '-CAkey',
    `${ca}.key`,
    '-CAcreateserial',
    '-out',
    `${name}.pem`,
    '-days',
    '1',
    ...ext,
  );
}
