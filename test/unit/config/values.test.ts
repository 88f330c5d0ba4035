import { describe, expect, it } from 'vitest';
import { parseConfigTexts } from '../../../src/config/load-config.js';
import { ConfigError } from '../../../src/lib/errors.js';

const FILE = '/etc/certagent/agent.yaml';
const CERT = `certificates:
  web:
    mount: pki
    role: web
    common_name: web.example.com
`;

function parse(text: string, env: NodeJS.ProcessEnv = { VAULT_ADDR: 'https://v:8200', VAULT_TOKEN: 't' }) {
  return parseConfigTexts([{ file: FILE, text }], { env, cwd: '/cwd' });
}

function problems(text: string, env?: NodeJS.ProcessEnv): string[] {
  try {
    parse(text, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return [...(error as ConfigError).problems];
  }
  throw new Error('expected a ConfigError');
}

describe('durations (Go/Vault style)', () => {
  it.each([
    ['90s', 90_000],
    ['15m', 900_000],
    ['1h30m', 5_400_000],
    ['24h', 86_400_000],
    ['45', 45_000],
    [45, 45_000],
  ])('%s → %d ms', (given, ms) => {
    const text = `vault: { request_timeout: ${JSON.stringify(given)} }\n${CERT}`;
    expect(parse(text).vault.requestTimeoutMs).toBe(ms);
  });

  it.each(['soon', '1 day', '-5s', 'true'])('%s is refused with what was given', (given) => {
    expect(problems(`vault:\n  request_timeout: ${given}\n${CERT}`)).toEqual([
      expect.stringMatching(
        new RegExp(`^${FILE}:2:20: vault\\.request_timeout: must be a duration like "90s".*, got .*`),
      ),
    ]);
  });
});

describe('modes', () => {
  it.each([
    ['"0640"', 0o640],
    ['"600"', 0o600],
    ["'0755'", 0o755],
  ])('%s → octal', (given, mode) => {
    const text = `auto_auth:\n  method: { type: token_file, config: { token_file_path: /t } }\n  sinks:\n    - type: file\n      config: { path: /s, mode: ${given} }\n${CERT}`;
    expect(parse(text).autoAuth?.sinks[0]?.mode).toBe(mode);
  });

  it.each([
    ['0640', 'must be a quoted octal string like "0640" (YAML read 640 as a number)'],
    ['640', 'must be a quoted octal string like "0640" (YAML read 640 as a number)'],
    ['"0980"', 'must be an octal mode like "0640", got "0980"'],
    ['rw-r--r--', 'must be an octal mode like "0640", got "rw-r--r--"'],
  ])('%s is refused', (given, message) => {
    const text = `auto_auth:\n  method: { type: token_file, config: { token_file_path: /t } }\n  sinks:\n    - type: file\n      config: { path: /s, mode: ${given} }\n${CERT}`;
    expect(problems(text)).toEqual([`${FILE}:5:33: auto_auth.sinks[0].config.mode: ${message}`]);
  });
});

describe('environment fallbacks, as the Vault CLI', () => {
  const env = {
    VAULT_ADDR: 'https://env-vault:8200/',
    VAULT_CACERT: 'ca.pem',
    VAULT_CAPATH: '/etc/cas',
    VAULT_CLIENT_CERT: '/etc/client.pem',
    VAULT_CLIENT_KEY: '/etc/client-key.pem',
    VAULT_NAMESPACE: 'ns1',
    VAULT_SKIP_VERIFY: 'true',
    VAULT_TLS_SERVER_NAME: 'vault.internal',
    VAULT_TOKEN: 'hvs.env',
  };

  it('fill every vault key the file leaves out (relative env paths against cwd, no trailing slash)', () => {
    expect(parse(CERT, env).vault).toMatchObject({
      address: 'https://env-vault:8200',
      caCert: '/cwd/ca.pem',
      caPath: '/etc/cas',
      clientCert: '/etc/client.pem',
      clientKey: '/etc/client-key.pem',
      namespace: 'ns1',
      tlsSkipVerify: true,
      tlsServerName: 'vault.internal',
      token: 'hvs.env',
    });
  });

  it('never override what the file says', () => {
    const text = `vault:\n  address: https://file:8200\n  ca_cert: file-ca.pem\n  namespace: file-ns\n  tls_skip_verify: false\n${CERT}`;
    expect(parse(text, env).vault).toMatchObject({
      address: 'https://file:8200',
      caCert: '/etc/certagent/file-ca.pem',
      namespace: 'file-ns',
      tlsSkipVerify: false,
    });
  });

  it('VAULT_TOKEN is ignored when auto_auth is configured', () => {
    const text = `auto_auth:\n  method: { type: token_file, config: { token_file_path: /t } }\n${CERT}`;
    expect(parse(text, env).vault.token).toBeUndefined();
  });

  it.each([
    ['1', true],
    ['t', true],
    ['TRUE', true],
    ['0', false],
    ['false', false],
  ])('VAULT_SKIP_VERIFY=%s → %s', (value, expected) => {
    expect(parse(CERT, { ...env, VAULT_SKIP_VERIFY: value }).vault.tlsSkipVerify).toBe(expected);
  });

  it('a VAULT_ADDR that is not an http(s) URL is a problem', () => {
    expect(problems(CERT, { ...env, VAULT_ADDR: 'vault:8200' })).toEqual([
      `${FILE}:1:1: VAULT_ADDR must be an http:// or https:// URL`,
    ]);
  });

  it('a VAULT_SKIP_VERIFY that is not a boolean is a problem, not a silent false', () => {
    expect(problems(CERT, { ...env, VAULT_SKIP_VERIFY: 'yes' })).toEqual([
      `${FILE}:1:1: VAULT_SKIP_VERIFY must be true or false (or 1/0, t/f), as the Vault CLI reads it`,
    ]);
  });
});

describe('auth methods', () => {
  const method = (body: string) => `auto_auth:\n  method:\n${body}\n${CERT}`;

  it.each([
    [
      'token_file',
      '    type: token_file\n    config: { token_file_path: token }',
      { type: 'token_file', tokenFilePath: '/etc/certagent/token' },
      'auth/token_file',
    ],
    [
      'kubernetes with the default token path',
      '    type: kubernetes\n    config: { role: agent }',
      { type: 'kubernetes', role: 'agent', tokenPath: '/var/run/secrets/kubernetes.io/serviceaccount/token' },
      'auth/kubernetes',
    ],
    [
      'jwt on its own mount',
      '    type: jwt\n    mount_path: /auth/oidc/\n    config: { role: agent, path: /run/jwt }',
      { type: 'jwt', role: 'agent', path: '/run/jwt' },
      'auth/oidc',
    ],
    [
      'cert with nothing set',
      '    type: cert',
      { type: 'cert', name: undefined, clientCert: undefined, clientKey: undefined },
      'auth/cert',
    ],
  ])('%s', (_label, body, settings, mountPath) => {
    expect(parse(method(body)).autoAuth?.method).toMatchObject({ settings, mountPath });
  });

  it.each([
    [
      'kubernetes',
      '    type: kubernetes',
      'auto_auth.method.config: role is required for the kubernetes method',
    ],
    [
      'jwt',
      '    type: jwt\n    config: { role: r }',
      'auto_auth.method.config: path is required for the jwt method',
    ],
    [
      'approle flag',
      '    type: approle\n    config: { role_id_file_path: /r, remove_secret_id_file_after_reading: "yes" }',
      'auto_auth.method.config.remove_secret_id_file_after_reading: must be true or false',
    ],
  ])('%s: a missing or wrong key is named', (_label, body, message) => {
    expect(problems(method(body)).join('\n')).toContain(message);
  });
});

describe('several files', () => {
  it('a problem inside a list the later file replaced points into the later file', () => {
    const base = `${CERT}templates:\n  - certificate: web\n    builtin: cert.pem\n    perms: "0644"\n    destination: /a\n`;
    const over = 'templates:\n  - builtin: key.pem\n    destination: /b\n';
    let found: readonly string[] = [];
    try {
      parseConfigTexts(
        [
          { file: '/base.yaml', text: base },
          { file: '/over.yaml', text: over },
        ],
        { env: { VAULT_ADDR: 'https://v:8200', VAULT_TOKEN: 't' } },
      );
    } catch (error) {
      found = (error as ConfigError).problems;
    }
    expect(found).toEqual([
      '/over.yaml:2:5: templates[0].certificate: is required: builtin templates render a certificate',
    ]);
  });
});

describe('${VAR} expansion and types', () => {
  const env = { VAULT_ADDR: 'https://v:8200', VAULT_TOKEN: 't', SKIP: 'true', N: '4', MODE: '0640' };

  it('an unquoted variable takes the type of its text; a quoted one stays a string', () => {
    const config = parse(
      `vault:\n  tls_skip_verify: \${SKIP}\n  max_concurrent_requests: \${N}\n  request_timeout: \${T:-2m}\n${CERT}`,
      env,
    );
    expect(config.vault).toMatchObject({
      tlsSkipVerify: true,
      maxConcurrentRequests: 4,
      requestTimeoutMs: 120_000,
    });
    expect(problems(`vault:\n  tls_skip_verify: "\${SKIP}"\n${CERT}`, env)).toEqual([
      `${FILE}:2:20: vault.tls_skip_verify: must be true or false, got "true"`,
    ]);
  });

  it('a mode from a variable stays the octal string it was written as', () => {
    const text = `auto_auth:\n  method: { type: token_file, config: { token_file_path: /t } }\n  sinks:\n    - type: file\n      config: { path: /s, mode: "\${MODE}" }\n${CERT}`;
    expect(parse(text, env).autoAuth?.sinks[0]?.mode).toBe(0o640);
  });
});

describe('numbers out of range', () => {
  it.each([
    ['0', 'must be at least 1, got 0'],
    ['1000', 'must be at most 256, got 1000'],
    ['2.5', 'must be an integer, got number 2.5'],
  ])('max_concurrent_requests: %s', (given, message) => {
    expect(problems(`vault:\n  max_concurrent_requests: ${given}\n${CERT}`)).toEqual([
      `${FILE}:2:28: vault.max_concurrent_requests: ${message}`,
    ]);
  });
});

describe('exec.signal and config_watch', () => {
  const template = (exec: string) =>
    `${CERT}templates:\n  - { certificate: web, builtin: cert.pem, destination: /tls/web.crt, exec: ${exec} }\n`;

  it('takes a pid file (resolved against the config file) and a signal name as kill -l lists it', () => {
    for (const name of ['HUP', 'hup', 'SIGHUP']) {
      const config = parse(template(`{ signal: { pid_file: run/nginx.pid, signal: ${name} } }`));
      expect(config.templates[0]?.exec?.command).toEqual({
        signal: { pidFile: '/etc/certagent/run/nginx.pid', signal: 'SIGHUP' },
      });
    }
    expect(parse(`${CERT}config_watch: true\n`).configWatch).toBe(true);
    expect(parse(CERT).configWatch).toBe(false);
  });

  it('refuses an unknown signal, a number, and signal beside command', () => {
    expect(problems(template('{ signal: { pid_file: /run/x.pid, signal: HUPP } }'))).toEqual([
      expect.stringMatching(
        /templates\[0\]\.exec\.signal\.signal: must be a signal name as `kill -l` lists them, like HUP or SIGUSR2, got "HUPP"$/,
      ),
    ]);
    expect(problems(template('{ signal: { pid_file: /run/x.pid, signal: 1 } }'))[0]).toContain(
      'got number 1',
    );
    expect(
      problems(template('{ command: [reload], signal: { pid_file: /run/x.pid, signal: HUP } }')),
    ).toEqual([expect.stringMatching(/templates\[0\]\.exec\.signal: set command or signal, not both/)]);
  });
});

describe('YAML syntax errors', () => {
  it('stop the check: no follow-on problems about values the broken file could not give', () => {
    const broken = `${CERT}    alt_names: [a.example.com\ntemplates:\n  - certificate: web\n`;
    const found = problems(broken, {});
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^\/etc\/certagent\/agent\.yaml:7:1: YAML: /);
  });
});
