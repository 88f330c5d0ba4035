// Shared by the load-config-*.test.ts files: a minimal valid config, the environment that completes it, and one
// text parsed as /etc/certagent/agent.yaml (cwd /work) with the problems a refused text gives.

import { expect } from 'vitest';
import { parseConfigTexts } from '../../../src/config/load-config.js';
import { ConfigError } from '../../../src/lib/errors.js';

export const FILE = '/etc/certagent/agent.yaml';
export const ENV = { VAULT_ADDR: 'https://vault.test:8200', VAULT_TOKEN: 'hvs.x' };

export const MINIMAL = `certificates:
  web:
    mount: pki
    role: web
    common_name: web.example.com
templates:
  - certificate: web
    builtin: fullchain.pem
    destination: tls/web.crt
`;

export function parse(text: string, env: NodeJS.ProcessEnv = ENV, dev = false) {
  return parseConfigTexts([{ file: FILE, text }], { env, cwd: '/work', dev });
}

export function problems(text: string, env: NodeJS.ProcessEnv = ENV): string[] {
  try {
    parse(text, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return [...(error as ConfigError).problems];
  }
  throw new Error('expected a ConfigError');
}
