import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, parseConfigTexts } from '../../../src/config/load-config.js';
import { ConfigError } from '../../../src/lib/errors.js';

const FILE = '/etc/certagent/agent.yaml';
const ENV = { VAULT_ADDR: 'https://vault.test:8200', VAULT_TOKEN: 'hvs.x' };

const MINIMAL = `certificates:
  web:
    mount: pki
    role: web
    common_name: web.example.com
templates:
  - certificate: web
    builtin: fullchain.pem
    destination: tls/web.crt
`;

function parse(text: string, env: NodeJS.ProcessEnv = ENV, dev = false) {
  return parseConfigTexts([{ file: FILE, text }], { env, cwd: '/work', dev });
}

function problems(text: string, env: NodeJS.ProcessEnv = ENV): string[] {
  try {
    parse(text, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return [...(error as ConfigError).problems];
  }
  throw new Error('expected a ConfigError');
}

describe('loading a valid config', () => {
  it('applies every default, resolves paths against the file, and takes address and token from the env', () => {
    const config = parse(MINIMAL);
    expect(config.vault).toMatchObject({
      address: 'https://vault.test:8200',
      token: 'hvs.x',
      tlsSkipVerify: false,
      requestTimeoutMs: 30_000,
      maxConcurrentRequests: 8,
    });
    expect(config.certificates.get('web')).toMatchObject({
      mode: 'sign',
      keyType: 'ec',
      keyBits: 256,
      renewThreshold: 0.67,
      renewBeforeMs: undefined,
      reuseKey: false,
      ttlMs: undefined,
      altNames: [],
    });
    expect(config.templates[0]).toMatchObject({
      destination: '/etc/certagent/tls/web.crt',
      source: { kind: 'builtin', name: 'fullchain.pem' },
      perms: undefined,
      backup: false,
    });
    expect(config.stateDir).toBe('/var/lib/certagent');
    expect(config.log).toEqual({ level: 'info', format: 'auto' });
    expect(config.autoAuth).toBeUndefined();
  });

  it('converts durations, modes, commands and ttl = min(ttl, max_ttl)', () => {
    const config =
      parse(`${MINIMAL.replace('    common_name: web.example.com', '    common_name: web.example.com\n    ttl: 1h30m\n    max_ttl: 3600\n    key_type: rsa')}    perms: "0640"
    exec:
      check: [nginx, -t]
      command: systemctl reload nginx
      timeout: 90s
`);
    expect(config.certificates.get('web')).toMatchObject({ ttlMs: 3_600_000, keyType: 'rsa', keyBits: 2048 });
    expect(config.templates[0]).toMatchObject({
      perms: 0o640,
      exec: {
        check: { argv: ['nginx', '-t'] },
        command: { shell: 'systemctl reload nginx' },
        timeoutMs: 90_000,
      },
    });
  });

  it('expands ${VAR} and ${VAR:-default}, and $$ as a literal $', () => {
    const config = parse(
      `state_dir: \${STATE:-/srv/state}\nvault: { namespace: "a$$b-\${TEAM}" }\n${MINIMAL}`,
      {
        ...ENV,
        TEAM: 'red',
      },
    );
    expect(config.stateDir).toBe('/srv/state');
    expect(config.vault.namespace).toBe('a$b-red');
  });

  it('reads the auto_auth method with its defaults, and then never takes VAULT_TOKEN', () => {
    const config = parse(`auto_auth:
  method:
    type: approle
    config: { role_id_file_path: role-id, secret_id_file_path: /run/secret-id }
  sinks:
    - type: file
      config: { path: /run/token }
${MINIMAL}`);
    expect(config.vault.token).toBeUndefined();
    expect(config.autoAuth).toMatchObject({
      method: {
        mountPath: 'auth/approle',
        minBackoffMs: 1000,
        maxBackoffMs: 300_000,
        exitOnErr: false,
        settings: {
          type: 'approle',
          roleIdFilePath: '/etc/certagent/role-id',
          secretIdFilePath: '/run/secret-id',
          removeSecretIdFileAfterReading: false,
        },
      },
      sinks: [{ type: 'file', path: '/run/token', mode: 0o600 }],
    });
  });

  it('does not require address or token with --dev', () => {
    expect(parse(MINIMAL, {}, true).vault.address).toBe('');
  });

  it('is deeply frozen', () => {
    const config = parse(MINIMAL);
    expect(Object.isFrozen(config.vault)).toBe(true);
    expect(Object.isFrozen(config.templates[0])).toBe(true);
    expect(() => (config.certificates as Map<string, unknown>).set('x', {})).toThrow();
  });
});

describe('refusing a bad config', () => {
  it('reports every problem at once with FILE:LINE:COL and the key path', () => {
    const found = problems(`vault:
  address: https://vault.test
  colour: blue
certificates:
  web:
    mount: pki
    role: web
    common_name: web.example.com
    key_bits: 1024
templates:
  - certificate: api
    builtin: fullchain.pem
    destination: /tmp/a
    perms: 0640
`);
    expect(found).toEqual([
      `${FILE}:3:3: vault.colour: unknown key`,
      `${FILE}:9:15: certificates.web.key_bits: must be 256 or 384 for ec keys, got 1024`,
      `${FILE}:11:18: templates[0].certificate: no certificate named "api" is declared (declared: web)`,
      `${FILE}:14:12: templates[0].perms: must be a quoted octal string like "0640" (YAML read 640 as a number)`,
    ]);
  });

  it.each([
    [
      'a missing required key',
      MINIMAL.replace('    role: web\n', ''),
      /certificates\.web\.role: is required/,
    ],
    [
      'a wrong type',
      MINIMAL.replace('role: web', 'role: [web]'),
      /certificates\.web\.role: must be a string, got a list/,
    ],
    [
      'a bad duration',
      MINIMAL.replace('role: web', 'role: web\n    ttl: soon'),
      /certificates\.web\.ttl: must be a duration/,
    ],
    [
      'a bad enum',
      MINIMAL.replace('role: web', 'role: web\n    mode: steal'),
      /certificates\.web\.mode: must be one of sign, issue, got "steal"/,
    ],
    [
      'an IP SAN that is not an IP',
      MINIMAL.replace('role: web', 'role: web\n    ip_sans: [10.0.0]'),
      /ip_sans\[0\]: must be an IP address/,
    ],
    [
      'two template sources',
      MINIMAL.replace('    builtin: fullchain.pem', '    builtin: fullchain.pem\n    contents: x'),
      /templates\[0\]: needs exactly one of builtin, source or contents \(got builtin and contents\)/,
    ],
    [
      'an unknown builtin',
      MINIMAL.replace('fullchain.pem', 'full.pem'),
      /templates\[0\]\.builtin: must be one of cert\.pem/,
    ],
    [
      'a duplicate destination',
      `${MINIMAL}  - certificate: web\n    builtin: key.pem\n    destination: tls/web.crt\n`,
      /templates\[1\]\.destination: the same file as templates\[0\]\.destination/,
    ],
    [
      'both renew settings',
      MINIMAL.replace('role: web', 'role: web\n    renew_threshold: 0.5\n    renew_before: 1h'),
      /renew_before: set renew_threshold or renew_before, not both/,
    ],
    [
      'a threshold out of range',
      MINIMAL.replace('role: web', 'role: web\n    renew_threshold: 1.5'),
      /renew_threshold: must be a share of the lifetime between 0 and 1, e.g. 0.67, got 1.5/,
    ],
    [
      'an unset variable',
      `state_dir: \${NOPE}\n${MINIMAL}`,
      /1:12: state_dir: environment variable \$\{NOPE\} is not set/,
    ],
    ['a YAML syntax error', 'certificates: [\n', /YAML/],
    [
      'a bad listener address',
      `listener: { address: "8210" }\n${MINIMAL}`,
      /listener\.address: must be host:port/,
    ],
    [
      'an empty command list',
      MINIMAL.replace(
        '    destination: tls/web.crt',
        '    destination: tls/web.crt\n    exec: { command: [] }',
      ),
      /exec\.command: must not be an empty list/,
    ],
    [
      'a method key of another type',
      `auto_auth:\n  method:\n    type: token_file\n    config: { token_file_path: /t, role: x }\n${MINIMAL}`,
      /auto_auth\.method\.config\.role: unknown key for the token_file method/,
    ],
    [
      'min_backoff above max_backoff',
      `auto_auth:\n  method:\n    type: token_file\n    min_backoff: 10m\n    config: { token_file_path: /t }\n${MINIMAL}`,
      /min_backoff: must not be longer than max_backoff/,
    ],
  ])('%s', (_label, text, pattern) => {
    expect(problems(text).join('\n')).toMatch(pattern);
  });

  it('needs an address and a way to authenticate, and says how to give them', () => {
    const found = problems(MINIMAL, {});
    expect(found.join('\n')).toMatch(/vault\.address: no Vault address: set vault\.address or VAULT_ADDR/);
    expect(found.join('\n')).toMatch(/no way to authenticate: add auto_auth .* or set VAULT_TOKEN/);
  });
});

describe('loadConfig from files', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'certagent-config-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('merges several files in order (maps merge, scalars and lists from the later file) and points at the right file', async () => {
    await writeFile(join(dir, 'base.yaml'), MINIMAL);
    await writeFile(
      join(dir, 'override.yaml'),
      'log: { level: debug }\ncertificates:\n  web:\n    alt_names: [a.example.com]\n    key_bits: 4096\n',
    );
    const error = await loadConfig([join(dir, 'base.yaml'), join(dir, 'override.yaml')], { env: ENV }).catch(
      (e: unknown) => e,
    );
    expect((error as ConfigError).problems).toEqual([
      `${join(dir, 'override.yaml')}:5:15: certificates.web.key_bits: must be 256 or 384 for ec keys, got 4096`,
    ]);
    await writeFile(
      join(dir, 'override.yaml'),
      'log: { level: debug }\ncertificates:\n  web:\n    alt_names: [a.example.com]\n',
    );
    const config = await loadConfig([join(dir, 'base.yaml'), join(dir, 'override.yaml')], { env: ENV });
    expect(config.log.level).toBe('debug');
    expect(config.certificates.get('web')).toMatchObject({ role: 'web', altNames: ['a.example.com'] });
  });

  it('reports a file that cannot be read', async () => {
    await expect(loadConfig([join(dir, 'missing.yaml')], { env: ENV })).rejects.toMatchObject({
      problems: [expect.stringMatching(/missing\.yaml: cannot read: ENOENT/)],
    });
  });
});
