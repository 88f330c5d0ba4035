// Issue 7 point 13: the agent says once, at start, that its Vault is reached over plain http beyond loopback
// (a fake Vault client: nothing leaves the machine).

import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createAgent } from '../../../src/agent/create-agent.js';
import { parseConfigTexts } from '../../../src/config/load-config.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import type { VaultClient } from '../../../src/vault/types.js';
import { VaultUnreachableError } from '../../../src/vault/vault-errors.js';

async function runOnceWith(address: string): Promise<string[]> {
  let logs = '';
  const { logger } = createLogger(
    { level: 'info' },
    new Writable({ write: (chunk: Buffer, _encoding, done) => ((logs += chunk.toString()), done()) }),
  );
  const config = parseConfigTexts(
    [
      {
        file: '/etc/certagent/agent.yaml',
        text: `vault: { address: "${address}" }\n`,
      },
    ],
    { env: { VAULT_TOKEN: 'hvs.notUsedHere' } },
  );
  const vault: VaultClient = {
    request: async () => {
      throw new VaultUnreachableError('Vault unreachable (test)');
    },
    requestText: async () => '',
    close: async () => undefined,
  };
  const agent = createAgent({ config, logger, vault, once: true });
  await agent.runOnce(AbortSignal.timeout(5000));
  await agent.close();
  return logs
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { level: string; msg: string })
    .filter((line) => line.level === 'warn')
    .map((line) => line.msg);
}

describe('warnings at start', () => {
  it('plain http to a Vault beyond loopback: one warning', async () => {
    const warnings = await runOnceWith('http://vault.internal:8200');
    expect(warnings.filter((w) => /plain http/.test(w))).toEqual([
      expect.stringContaining('vault.address http://vault.internal:8200 is plain http to another host'),
    ]);
  });

  it('https, or http on loopback: none', async () => {
    expect((await runOnceWith('https://vault.internal:8200')).filter((w) => /plain http/.test(w))).toEqual(
      [],
    );
    expect((await runOnceWith('http://127.0.0.1:8200')).filter((w) => /plain http/.test(w))).toEqual([]);
  });
});
