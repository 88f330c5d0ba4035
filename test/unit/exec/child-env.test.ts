import { describe, expect, it } from 'vitest';
import { childEnvironment } from '../../../src/exec/child-env.js';

describe('childEnvironment', () => {
  it('keeps the agent environment minus VAULT_* (any case) and stale CERTAGENT_*, and adds the pass variables', () => {
    const env = childEnvironment(
      {
        PATH: '/usr/bin',
        HOME: '/root',
        VAULT_TOKEN: 'hvs.x',
        vault_addr: 'y',
        CERTAGENT_KIND: 'old',
        LANG: undefined,
      },
      {
        kind: 'command',
        certificates: [
          { name: 'web', serial: '0a:01' },
          { name: 'api', serial: '0b:02' },
        ],
        files: ['/tls/web key.pem', '/tls/web.crt'],
      },
    );
    expect(env).toEqual({
      PATH: '/usr/bin',
      HOME: '/root',
      CERTAGENT_KIND: 'command',
      CERTAGENT_CERTIFICATE: 'web api',
      CERTAGENT_SERIAL: '0a:01 0b:02',
      CERTAGENT_CHANGED_FILES: '/tls/web key.pem\n/tls/web.crt',
    });
  });
});
