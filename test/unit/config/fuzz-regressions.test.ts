// What the config fuzzer (test/fuzz/) found, each pinned: every problem line is `FILE:LINE:COL: path: message`
// with a position inside the file and a path that reads back.

import { describe, expect, it } from 'vitest';
import { parseConfigTexts } from '../../../src/config/load-config.js';
import { ConfigError } from '../../../src/lib/errors.js';

const A = '/etc/certagent/a.yaml';
const B = '/etc/certagent/b.yaml';

function problems(texts: string[], env: NodeJS.ProcessEnv = {}): string[] {
  try {
    parseConfigTexts(
      texts.map((text, index) => ({ file: index === 0 ? A : B, text })),
      { env, cwd: '/work' },
    );
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return [...(error as ConfigError).problems];
  }
  throw new Error('expected a ConfigError');
}

describe('config fuzz regressions', () => {
  it('a problem about no node at all, when no file parsed, is still at FILE:1:1', () => {
    const found = problems(['a: "unclosed\n', '"x'], { VAULT_ADDR: 'https://v:8200' });
    expect(found).toContain(
      `${A}:1:1: no way to authenticate: add auto_auth (e.g. a token_file method) or set VAULT_TOKEN`,
    );
  });

  it('keys that would not read back in a path are quoted', () => {
    const found = problems(['" ": 1\n"a.b": 2\n"": 3\nvault: { "x y": 1 }\n'], { VAULT_TOKEN: 'hvs.x' });
    expect(found).toEqual(
      expect.arrayContaining([
        `${A}:1:1: [" "]: unknown key`,
        `${A}:2:1: ["a.b"]: unknown key`,
        `${A}:3:1: [""]: unknown key`,
        `${A}:4:10: vault["x y"]: unknown key`,
      ]),
    );
  });

  it('a YAML error just past the last line break is on the next line, not past the end of the last', () => {
    const text = '{:lt:> "{{certificate.length}}" }\n';
    const found = problems([text]);
    expect(found.filter((line) => line.includes('YAML:'))).toContain(
      `${A}:2:1: YAML: Flow map must end with a }`,
    );
  });

  it('lines are counted as editors count them, \\r\\n included', () => {
    expect(problems(['vault:\r\n  address: https://v:8200\r\n  nope: 1\r\n'], { VAULT_TOKEN: 'hvs.x' })).toEqual(
      expect.arrayContaining([`${A}:3:3: vault.nope: unknown key`]),
    );
  });
});
