// The dev server in its own process (`node dist/main.js dev-server`), a client for its control paths, and an
// HTTP proxy in front of it that counts concurrent requests (the dev server counts requests, not concurrency).
import { URL } from 'node:url';
import { createServer, request as httpRequest, Agent } from 'node:http';
import { MAIN, startNode, stop, waitFor } from './process.mjs';

export const ROOT_TOKEN = 'bench-root-token';

/** Starts the dev server; resolves with its address and a stop function. */
export async function startVault() {
  const proc = startNode([MAIN, 'dev-server', '--listen', '127.0.0.1:0', '--root-token', ROOT_TOKEN]);
  const address = await waitFor(() => /^VAULT_ADDR=(.+)$/m.exec(proc.output.stdout)?.[1], {
    timeoutMs: 30_000,
    what: 'the dev server to print VAULT_ADDR',
    proc,
  });
  return { address, token: ROOT_TOKEN, pid: proc.child.pid, stop: () => stop(proc) };
}

/** Calls the dev server's HTTP API with the root token; resolves with the parsed JSON (or null). */
export async function callVault(vault, method, path, body) {
  const response = await globalThis.fetch(`${vault.address}/v1/${path}`, {
    method,
    headers: { 'x-vault-token': vault.token, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** Request counts the dev server has seen, by path prefix (sys/dev/requests). */
export async function requestCounts(vault, prefix = '') {
  const answer = await callVault(vault, 'GET', `sys/dev/requests?prefix=${encodeURIComponent(prefix)}`);
  return answer.data;
}

export async function clearRequestCounts(vault) {
  await callVault(vault, 'DELETE', 'sys/dev/requests');
}

/** A proxy to the dev server that records how many requests were in flight at once. */
export async function startCountingProxy(vault) {
  const target = new URL(vault.address);
  const agent = new Agent({ keepAlive: true, maxSockets: 512 });
  const counters = { inFlight: 0, maxInFlight: 0, total: 0 };
  const server = createServer((req, res) => {
    counters.inFlight += 1;
    counters.total += 1;
    counters.maxInFlight = Math.max(counters.maxInFlight, counters.inFlight);
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.on('end', () => (counters.inFlight -= 1));
      },
    );
    upstream.on('error', () => {
      counters.inFlight -= 1;
      res.destroy();
    });
    req.pipe(upstream);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    address: `http://127.0.0.1:${port}`,
    counters,
    reset() {
      counters.maxInFlight = counters.inFlight;
      counters.total = 0;
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}
