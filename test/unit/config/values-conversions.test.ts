// Values converted as the config reads them: durations, modes, ${VAR} expansion and its types, numbers out of
// range, and exec.signal / config_watch.

import { describe, expect, it } from 'vitest';
import { CERT, FILE, parse, problems } from './values-support.js';

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
