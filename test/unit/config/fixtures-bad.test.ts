// Vault Agent's test-fixtures style: one broken rule per bad-*.yaml, each expected problem with its line and column.

import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import { ConfigError } from '../../../src/lib/errors.js';
import { DIR, ENV } from './fixtures-support.js';

async function problemsOf(name: string): Promise<string[]> {
  const error = await loadConfig([name], { cwd: DIR, env: ENV }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return (error as ConfigError).problems.map((problem) => problem.replace(DIR, ''));
}

const BAD: [string, string[]][] = [
  ['bad-backoff.yaml', [':5:18: auto_auth.method.min_backoff: must not be longer than max_backoff']],
  ['bad-boolean.yaml', [':3:20: vault.tls_skip_verify: must be true or false, got "yes"']],
  [
    'bad-builtin.yaml',
    [
      ':9:14: templates[0].builtin: must be one of cert.pem, key.pem, ca.pem, chain.pem, fullchain.pem, bundle.pem, keystore.p12, got "everything.pem"',
    ],
  ],
  [
    'bad-duplicate-destination.yaml',
    [':13:18: templates[1].destination: the same file as templates[0].destination'],
  ],
  [
    'bad-duration.yaml',
    [
      ':7:10: certificates.web.ttl: must be a duration like "90s", "15m" or "1h30m" (a bare number is seconds), got "1 day"',
    ],
  ],
  ['bad-exec-command.yaml', [':12:16: templates[0].exec.command: must not be an empty list']],
  [
    'bad-ip-san.yaml',
    [
      ':7:15: certificates.web.ip_sans[0]: must be an IP address like 10.0.0.10 or ::1, got "web.example.com"',
    ],
  ],
  [
    'bad-key-bits-rsa.yaml',
    [':8:15: certificates.web.key_bits: must be 2048, 3072 or 4096 for rsa keys, got 1024'],
  ],
  ['bad-key-bits.yaml', [':7:15: certificates.web.key_bits: must be 256 or 384 for ec keys, got 2048']],
  ['bad-listener.yaml', [':3:12: listener.address: must be host:port like 127.0.0.1:8210, got "localhost"']],
  [
    'bad-log-level.yaml',
    [':2:15: log.level: must be one of trace, debug, info, warn, error, fatal, got "verbose"'],
  ],
  [
    'bad-method-config.yaml',
    [
      ':6:7: auto_auth.method.config.token_file_path: unknown key for the approle method',
      ':6:7: auto_auth.method.config: role_id_file_path is required for the approle method',
    ],
  ],
  ['bad-missing-common-name.yaml', [':4:5: certificates.web.common_name: is required']],
  [
    'bad-mode-unquoted.yaml',
    [':11:12: templates[0].perms: must be a quoted octal string like "0640" (YAML read 640 as a number)'],
  ],
  [
    'bad-renew-both.yaml',
    [':8:19: certificates.web.renew_before: set renew_threshold or renew_before, not both'],
  ],
  [
    'bad-renew-threshold.yaml',
    [
      ':7:22: certificates.web.renew_threshold: must be a share of the lifetime between 0 and 1, e.g. 0.67, got 1',
    ],
  ],
  ['bad-sink-type.yaml', [':7:13: auto_auth.sinks[0].type: must be one of file, got "socket"']],
  [
    'bad-template-certificate.yaml',
    [':8:18: templates[0].certificate: no certificate named "api" is declared (declared: web)'],
  ],
  ['bad-template-no-source.yaml', [':8:5: templates[0]: needs exactly one of builtin, source or contents']],
  [
    'bad-template-two-sources.yaml',
    [':8:5: templates[0]: needs exactly one of builtin, source or contents (got builtin and source)'],
  ],
  ['bad-unknown-key.yaml', [':3:3: vault.colour: unknown key']],
  [
    'bad-unset-env.yaml',
    [
      ':2:12: state_dir: environment variable ${CERTAGENT_FIXTURE_UNSET} is not set (use ${NAME:-default} for a default)',
    ],
  ],
  [
    'bad-uri-san.yaml',
    [':7:16: certificates.web.uri_sans[0]: must be a URI like spiffe://example.org/web, got "not a uri"'],
  ],
  [
    'bad-yaml-syntax.yaml.txt',
    [':8:1: YAML: Flow sequence in block collection must be sufficiently indented and end with a ]'],
  ],
];

describe('bad fixtures: one broken rule each, reported at its line and column', () => {
  it.each(BAD)('%s', async (name, expected) => {
    expect(await problemsOf(name)).toEqual(expected.map((problem) => `${name}${problem}`));
  });
});

describe('bad-many.yaml', () => {
  it('reports every mistake at once, in file order', async () => {
    expect(await problemsOf('bad-many.yaml')).toEqual(
      [
        ':3:12: vault.address: must be an http:// or https:// URL',
        ':4:20: vault.request_timeout: must be a duration like "90s", "15m" or "1h30m" (a bare number is seconds), got "forever"',
        ':7:11: auto_auth.method.type: must be one of token_file, approle, kubernetes, jwt, cert, got "kerberos"',
        ':10:5: certificates.web.common_name: is required',
        ':13:15: certificates.web.key_bits: must be 2048, 3072 or 4096 for rsa keys, got 384',
        ':14:15: certificates.web.ip_sans[0]: must be an IP address like 10.0.0.10 or ::1, got "10.0.0.300"',
        ':16:19: certificates.web.renew_before: set renew_threshold or renew_before, not both',
        ':18:5: templates[0]: needs exactly one of builtin, source or contents (got builtin and contents)',
        ':18:18: templates[0].certificate: no certificate named "api" is declared (declared: web)',
        ':22:12: templates[0].perms: must be a quoted octal string like "0640" (YAML read 644 as a number)',
        ':24:14: templates[1].builtin: must be one of cert.pem, key.pem, ca.pem, chain.pem, fullchain.pem, bundle.pem, keystore.p12, got "nginx.pem"',
        ':25:18: templates[1].destination: the same file as templates[0].destination',
        ':26:22: templates[1].exec.command: must not be an empty list',
        ':26:35: templates[1].exec.timeout: must be a duration like "90s", "15m" or "1h30m" (a bare number is seconds), got "10 minutes"',
        ':27:22: listener.address: must be host:port like 127.0.0.1:8210, got ":http"',
        ':28:15: log.level: must be one of trace, debug, info, warn, error, fatal, got "loud"',
        ':28:29: log.format: must be one of json, pretty, auto, got "xml"',
        ':29:1: colour: unknown key',
      ].map((problem) => `bad-many.yaml${problem}`),
    );
  });
});
