// A throwaway node:http "Vault" on 127.0.0.1:0 per test, and a VaultConfig pointing at it.

import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';
import type { VaultConfig } from '../../../src/config/runtime-config.js';
import { testVaultConfig } from '../../helpers/vault-config.js';

/** What the fake server does with each request. */
export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** Registers cleanup and returns a starter for fake servers closed after each test. */
export function useFakeVaults(): (handler: Handler) => Promise<string> {
  let servers: Server[] = [];
  afterEach(async () => {
    for (const server of servers) server.closeAllConnections();
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    servers = [];
  });
  return async (handler) => {
    const server = createServer(handler);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
}

/** A VaultConfig for `address` with a short request timeout, for servers that may never answer. */
export function vaultConfig(address: string, overrides: Partial<VaultConfig> = {}): VaultConfig {
  return testVaultConfig(address, { requestTimeoutMs: 2000, ...overrides });
}

/** Answers with a JSON body. */
export function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** Every message, stack and cause of an error (and its own fields), so a leak anywhere in the chain is found. */
export function everythingIn(error: unknown): string {
  const out: string[] = [];
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    out.push(e.message, String(e.stack), safeJson(e));
  }
  if (!(error instanceof Error)) out.push(String(error));
  return out.join('\n');
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}
