import { describe, expect, it } from 'vitest';
import { parseConfigTexts } from '../../../src/config/load-config.js';
import type { ConfigError } from '../../../src/lib/errors.js';
import { refusedWith } from './refused-with.js';

const FILE = '/etc/certagent/agent.yaml';
const HEAD = `certificates:
  web: { mount: pki, role: web, common_name: web.example.com }
secrets:
  app: { path: secret/data/app/db }
`;

function parse(text: string) {
  return parseConfigTexts([{ file: FILE, text: HEAD + text }], {
    env: { VAULT_ADDR: 'https://v:8200', VAULT_TOKEN: 't' },
    cwd: '/cwd',
  });
}

function problems(text: string): string[] {
  return refusedWith(() => parse(text));
}

describe('outputs config (keystores, atomic directories, KV secrets)', () => {
  it('reads secrets with their defaults (refresh 5m) and a declared mount', () => {
    const config = parseConfigTexts(
      [
        {
          file: FILE,
          text: `${HEAD.replace('app: { path: secret/data/app/db }', 'app: { path: /secret/data/app/db/ }\n  v1: { path: kv/app, mount: kv, kv_version: 1, refresh_interval: 30s }')}templates: []\n`,
        },
      ],
      { env: { VAULT_ADDR: 'https://v:8200', VAULT_TOKEN: 't' }, cwd: '/cwd' },
    );
    expect(config.secrets.get('app')).toEqual({
      name: 'app',
      path: 'secret/data/app/db',
      version: undefined,
      mount: undefined,
      kvVersion: undefined,
      refreshMs: 300_000,
    });
    expect(config.secrets.get('v1')).toMatchObject({ mount: 'kv', kvVersion: 1, refreshMs: 30_000 });
  });

  it('reads a keystore, an atomic group and a secrets-only template', () => {
    const config = parse(`templates:
  - certificate: web
    builtin: keystore.p12
    destination: out/k.p12
    pkcs12: { password: { file: pw.txt }, alias: web-tls, encryption: legacy }
  - certificate: web
    output: { directory: tls, layout: atomic }
    perms: "0640"
    files:
      - { name: tls.key, builtin: key.pem }
      - { name: k.p12, builtin: keystore.p12, pkcs12: { password: { secret: app, key: pw } } }
  - contents: "{{secret.app.data.user}}"
    destination: /etc/app/user
`);
    const [keystore, group, secretsOnly] = config.templates;
    expect(keystore).toMatchObject({
      destination: '/etc/certagent/out/k.p12',
      pkcs12: {
        password: { kind: 'file', path: '/etc/certagent/pw.txt' },
        alias: 'web-tls',
        encryption: 'legacy',
      },
    });
    expect(group?.destination).toBe('/etc/certagent/tls');
    expect(group?.perms).toBe(0o640);
    expect(group?.directory?.files.map((file) => file.name)).toEqual(['tls.key', 'k.p12']);
    expect(group?.directory?.files[1]?.pkcs12).toEqual({
      password: { kind: 'secret', secret: 'app', key: 'pw' },
      alias: undefined,
      encryption: 'modern',
    });
    expect(secretsOnly?.certificate).toBeUndefined();
  });

  it('refuses a password in clear, a keystore without pkcs12, and undeclared secrets', () => {
    const found = problems(`templates:
  - certificate: web
    builtin: keystore.p12
    destination: /a.p12
    pkcs12: { password: hunter22-in-clear }
  - certificate: web
    builtin: keystore.p12
    destination: /b.p12
  - certificate: web
    builtin: cert.pem
    destination: /c
    pkcs12: { password: { env: P } }
  - contents: "{{secret.nope.data.x}}"
    destination: /d
  - certificate: web
    builtin: keystore.p12
    destination: /e.p12
    pkcs12: { password: { secret: other, key: k } }
  - contents: "static text"
    destination: /f
`).join('\n');
    expect(found).toMatch(
      /templates\[0\]\.pkcs12\.password: must be \{ file: PATH \}, \{ env: VARIABLE \} or \{ secret: NAME, key: KEY \}; a password is never written in the config/,
    );
    expect(found).not.toContain('hunter22-in-clear');
    expect(found).toMatch(/templates\[1\]: builtin: keystore\.p12 needs a pkcs12: \{ password: … \} block/);
    expect(found).toMatch(/templates\[2\]\.pkcs12: pkcs12 options go with builtin: keystore\.p12/);
    expect(found).toMatch(
      /templates\[3\]\.contents: no secret named "nope" is declared under secrets: \(declared: app\)/,
    );
    expect(found).toMatch(/templates\[4\]\.pkcs12\.password\.secret: no secret named "other"/);
    expect(found).toMatch(/templates\[5\]\.certificate: is required, unless the template reads a KV secret/);
  });

  it('refuses bad atomic groups: no files, stray keys, bad or duplicate names, wrong layout', () => {
    const found = problems(`templates:
  - certificate: web
    output: { directory: /tls, layout: atomic }
  - certificate: web
    output: { directory: /tls2, layout: atomic }
    destination: /x
    builtin: cert.pem
    files:
      - { name: ../escape, builtin: cert.pem }
      - { name: a, builtin: cert.pem }
      - { name: a, contents: "x" }
      - { name: b }
      - { name: c, contents: "{{#if cert}}unclosed" }
  - certificate: web
    output: { directory: /tls3, layout: flat }
    files: [{ name: a, builtin: cert.pem }]
  - certificate: web
    builtin: cert.pem
    destination: /y
    files: [{ name: a, builtin: cert.pem }]
`).join('\n');
    expect(found).toMatch(/templates\[0\]: an output: \{ layout: atomic \} group needs files/);
    expect(found).toMatch(/templates\[1\]\.destination: not used in an atomic directory group/);
    expect(found).toMatch(/templates\[1\]\.builtin: not used in an atomic directory group/);
    expect(found).toMatch(/templates\[1\]\.files\[0\]\.name: must be a plain file name/);
    expect(found).toMatch(/templates\[1\]\.files\[2\]\.name: the same name as files\[1\]/);
    expect(found).toMatch(/templates\[1\]\.files\[3\]: needs exactly one of builtin, source or contents/);
    // A group file's contents are checked as Handlebars, as a template's are: a typo fails `check`, not a render.
    expect(found).toMatch(/templates\[1\]\.files\[4\]\.contents: /);
    expect(found).toMatch(/templates\[2\]\.output\.layout: must be one of atomic, got "flat"/);
    expect(found).toMatch(
      /templates\[3\]\.files: files belong to an output: \{ directory, layout: atomic \} group/,
    );
  });

  it('refuses inconsistent secrets', () => {
    const text = `certificates:
  web: { mount: pki, role: web, common_name: web.example.com }
secrets:
  a: { path: kv/x, mount: kv }
  b: { path: kv/y, mount: kv, kv_version: 1, version: 2 }
  c: { path: kv/z, kv_version: 3 }
  bad-name: { path: kv/w }
`;
    let found = '';
    try {
      parseConfigTexts([{ file: FILE, text }], { env: { VAULT_ADDR: 'https://v:8200', VAULT_TOKEN: 't' } });
    } catch (error) {
      found = (error as ConfigError).problems.join('\n');
    }
    expect(found).toMatch(/secrets\.a: declare mount and kv_version together/);
    expect(found).toMatch(/secrets\.b\.version: versions exist only in KV version 2/);
    expect(found).toMatch(/secrets\.c\.kv_version: must be 1 or 2/);
    expect(found).toMatch(/secrets\.bad-name: secret names may use letters, digits and _/);
  });
});
