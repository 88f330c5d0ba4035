// The agent configurations the scenarios run, written to a temporary directory.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Names the floor uses too, so both ask Vault for the same certificates. */
export function commonNameOf(index) {
  return `svc-${index}.bench.test`;
}

/**
 * `count` certificates; `files` templates per certificate ('cold' = key, cert, ca and one command on the cert;
 * 'pair' = key and fullchain, no command). The listener is on when `listenerPort` is given (a sidecar's probes).
 */
export async function writeAgentConfig(dir, { address, count, mode = 'sign', files = 'pair', listenerPort }) {
  const lines = [`vault:`, `  address: ${address}`, `state_dir: ${join(dir, 'state')}`, `certificates:`];
  for (let i = 0; i < count; i += 1) {
    lines.push(
      `  c${i}:`,
      `    mount: pki`,
      `    role: dev`,
      `    mode: ${mode}`,
      `    common_name: ${commonNameOf(i)}`,
      `    ttl: 24h`,
    );
  }
  lines.push('templates:');
  for (let i = 0; i < count; i += 1) {
    const out = join(dir, 'out', `c${i}`);
    if (files === 'cold') {
      lines.push(
        `  - { certificate: c${i}, builtin: key.pem, destination: ${out}.key, perms: "0600" }`,
        `  - { certificate: c${i}, builtin: cert.pem, destination: ${out}.crt, exec: { command: ["true"] } }`,
        `  - { certificate: c${i}, builtin: ca.pem, destination: ${out}.ca.pem }`,
      );
    } else {
      lines.push(
        `  - { certificate: c${i}, builtin: key.pem, destination: ${out}.key, perms: "0600" }`,
        `  - { certificate: c${i}, builtin: fullchain.pem, destination: ${out}.crt }`,
      );
    }
  }
  if (listenerPort) lines.push('listener:', `  address: 127.0.0.1:${listenerPort}`);
  lines.push('log:', '  level: warn');
  const path = join(dir, 'agent.yaml');
  await writeFile(path, `${lines.join('\n')}\n`);
  return path;
}
