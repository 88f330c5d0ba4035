// What the config fuzzer (test/fuzz/) found, each pinned: every problem line is `FILE:LINE:COL: path: message`
// with a position inside the file and a path that reads back.

import { describe, expect, it } from 'vitest';
import { parseConfigTexts } from '../../../src/config/load-config.js';
import { refusedWith } from './refused-with.js';

const A = '/etc/certagent/a.yaml';
const B = '/etc/certagent/b.yaml';

function problems(texts: string[], env: NodeJS.ProcessEnv = {}): string[] {
  return refusedWith(() =>
    parseConfigTexts(
      texts.map((text, index) => ({ file: index === 0 ? A : B, text })),
      { env, cwd: '/work' },
    ),
  );
}

describe('config fuzz regressions', () => {
  it('a file that does not parse stops the check: only its syntax problems, no follow-on ones', () => {
    const found = problems(['a: "unclosed\n', '"x'], { VAULT_ADDR: 'https://v:8200' });
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((line) => line.includes(': YAML: '))).toBe(true);
  });

  it('a problem about no node at all is at FILE:1:1', () => {
    const found = problems(['{}\n'], { VAULT_ADDR: 'https://v:8200' });
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
    expect(
      problems(['vault:\r\n  address: https://v:8200\r\n  nope: 1\r\n'], { VAULT_TOKEN: 'hvs.x' }),
    ).toEqual(expect.arrayContaining([`${A}:3:3: vault.nope: unknown key`]));
  });
});

describe('inline template contents', () => {
  const config = (contents: string) => `vault: { address: "https://v:8200" }
certificates: { web: { mount: pki, role: web, common_name: web.example.test } }
templates:
  - certificate: web
    destination: /etc/tls/web.pem
    contents: ${JSON.stringify(contents)}
`;

  it('that does not parse as Handlebars is a config error at its position', () => {
    expect(problems([config('{{#each ca_chain}}{{this}}')], { VAULT_TOKEN: 'hvs.x' })).toEqual([
      `${A}:6:15: templates[0].contents: Handlebars parse error on line 1 of the template: the template ends inside {{…}} or an open block`,
    ]);
    expect(problems([config('{{#if issuing_ca}}x{{/each}}')], { VAULT_TOKEN: 'hvs.x' })).toEqual([
      `${A}:6:15: templates[0].contents: Handlebars: {{#if}} at line 1, column 4 of the template is closed by {{/each}}`,
    ]);
  });

  it('that parses is accepted (fields are checked at render, against the certificate)', () => {
    expect(() =>
      parseConfigTexts([{ file: A, text: config('{{#each ca_chain}}{{this}}\n{{/each}}') }], {
        env: { VAULT_TOKEN: 'hvs.x' },
        cwd: '/work',
      }),
    ).not.toThrow();
  });
});
