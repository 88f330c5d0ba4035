// Shared by the values-*.test.ts files: one config text parsed as /etc/certagent/agent.yaml (cwd /cwd), with a
// certificate block to append, and the problems a refused text gives.

import { parseConfigTexts } from '../../../src/config/load-config.js';
import { refusedWith } from './refused-with.js';

export const FILE = '/etc/certagent/agent.yaml';
export const CERT = `certificates:
  web:
    mount: pki
    role: web
    common_name: web.example.com
`;

export function parse(
  text: string,
  env: NodeJS.ProcessEnv = { VAULT_ADDR: 'https://v:8200', VAULT_TOKEN: 't' },
) {
  return parseConfigTexts([{ file: FILE, text }], { env, cwd: '/cwd' });
}

export function problems(text: string, env?: NodeJS.ProcessEnv): string[] {
  return refusedWith(() => parse(text, env));
}
