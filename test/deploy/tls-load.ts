// The TLS load client of the real-server rotation tests (test/deploy/rotation-harness.ts): verified handshakes
// opened at a steady rate, recording the serial each one served.

import { connect } from 'node:tls';

/** What the client saw. */
export interface LoadReport {
  readonly attempts: number;
  readonly handshakes: number;
  readonly failures: readonly string[];
  /** Distinct serials, in the order they were first served. */
  readonly serials: readonly string[];
  readonly seconds: number;
}

/** One verified TLS handshake (the dev CA, the name `localhost`); resolves with the served serial. */
export function handshake(port: number, ca: string, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca, timeout: timeoutMs });
    socket.once('secureConnect', () => {
      const serial = socket.getPeerCertificate().serialNumber;
      socket.destroy();
      resolve(serial);
    });
    socket.once('timeout', () => {
      socket.destroy();
      reject(new Error(`no handshake within ${timeoutMs} ms`));
    });
    socket.once('error', reject);
  });
}

/**
 * Starts a handshake every 1/rate s for `durationMs` (without waiting for the previous one, as independent clients
 * would), and resolves once every one has finished.
 */
export async function loadTls(options: {
  readonly port: number;
  readonly ca: string;
  readonly durationMs: number;
  readonly ratePerSecond: number;
}): Promise<LoadReport> {
  const started = performance.now();
  const failures: string[] = [];
  const serials: string[] = [];
  const pending: Promise<void>[] = [];
  let handshakes = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      if (performance.now() - started >= options.durationMs) {
        clearInterval(timer);
        resolve();
        return;
      }
      const at = ((performance.now() - started) / 1000).toFixed(2);
      pending.push(
        handshake(options.port, options.ca).then(
          (serial) => {
            handshakes += 1;
            if (!serials.includes(serial)) serials.push(serial);
          },
          (error: Error) => {
            failures.push(`${at}s: ${error.message}`);
          },
        ),
      );
    }, 1000 / options.ratePerSecond);
  });
  await Promise.all(pending);
  return {
    attempts: pending.length,
    handshakes,
    failures,
    serials,
    seconds: (performance.now() - started) / 1000,
  };
}

/** The dev server's CA, which the client trusts. */
export async function fetchDevCa(vaultAddress: string): Promise<string> {
  const response = await fetch(`${vaultAddress}/v1/pki/ca/pem`);
  if (!response.ok) throw new Error(`pki/ca/pem answered ${response.status}`);
  return response.text();
}
