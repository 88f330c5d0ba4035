// The floor: what obtaining certificates costs with Node's built-ins and nothing else. For each certificate it
// makes the same Vault request as the agent (sign: EC P-256 key + CSR to pki/sign/dev; issue: pki/issue/dev), at
// most CONCURRENCY at once over keep-alive connections, writes the same files (mode 0600 for keys), and finally
// runs the command once. Usage: node issue-certs.mjs '{"address","token","count","concurrency","mode","dir","files","command"}'
import { Buffer } from 'node:buffer';
import { URL } from 'node:url';
import { execFile } from 'node:child_process';
import { generateKeyPair } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createCsr } from './csr.mjs';

const job = JSON.parse(process.argv[2]);
const agent = new Agent({ keepAlive: true, maxSockets: job.concurrency });
const target = new URL(job.address);

function post(path, body) {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        method: 'POST',
        path: `/v1/${path}`,
        agent,
        headers: {
          'x-vault-token': job.token,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () =>
          res.statusCode === 200
            ? resolve(JSON.parse(text).data)
            : reject(new Error(`${res.statusCode} ${text}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function obtain(index) {
  const commonName = `svc-${index}.bench.test`;
  let key;
  let data;
  if (job.mode === 'sign') {
    const pair = await promisify(generateKeyPair)('ec', { namedCurve: 'P-256' });
    data = await post('pki/sign/dev', {
      csr: createCsr(pair, commonName),
      common_name: commonName,
      ttl: '24h',
    });
    key = pair.privateKey.export({ type: 'pkcs8', format: 'pem' });
  } else {
    data = await post('pki/issue/dev', { common_name: commonName, ttl: '24h' });
    key = data.private_key;
  }
  const out = join(job.dir, 'out', `c${index}`);
  const chain = (data.ca_chain ?? [data.issuing_ca]).join('\n');
  await writeFile(`${out}.key`, `${key.trim()}\n`, { mode: 0o600 });
  if (job.files === 'cold') {
    await writeFile(`${out}.crt`, `${data.certificate}\n`, { mode: 0o644 });
    await writeFile(`${out}.ca.pem`, `${data.issuing_ca}\n`, { mode: 0o644 });
  } else {
    await writeFile(`${out}.crt`, `${data.certificate}\n${chain}\n`, { mode: 0o644 });
  }
}

await mkdir(join(job.dir, 'out'), { recursive: true });
let next = 0;
await Promise.all(
  Array.from({ length: Math.min(job.concurrency, job.count) }, async () => {
    while (next < job.count) await obtain(next++);
  }),
);
if (job.command) await promisify(execFile)(job.command[0], job.command.slice(1));
agent.destroy();
