// A bad config is refused with every problem at once, each at FILE:LINE:COL with its key path.

import { describe, expect, it } from 'vitest';
import { FILE, MINIMAL, problems } from './load-config-support.js';

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
