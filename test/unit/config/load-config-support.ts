// Shared by the load-config-*.test.ts files: a minimal valid config, the environment that completes it, and one
// text parsed as /etc/certagent/agent.yaml (cwd /work) with the problems a refused text gives.

import { parseConfigTexts } from '../../../src/config/load-config.js';
import { refusedWith } from './refused-with.js';

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
  return refusedWith(() => parse(text, env));
}
