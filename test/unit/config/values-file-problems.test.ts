// Problems at file level: one inside a list a later file replaced points into that file, and a YAML syntax error
// stops the check.

import { describe, expect, it } from 'vitest';
import { parseConfigTexts } from '../../../src/config/load-config.js';
import type { ConfigError } from '../../../src/lib/errors.js';
import { CERT, problems } from './values-support.js';

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

describe('YAML syntax errors', () => {
  it('stop the check: no follow-on problems about values the broken file could not give', () => {
    const broken = `${CERT}    alt_names: [a.example.com\ntemplates:\n  - certificate: web\n`;
    const found = problems(broken, {});
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^\/etc\/certagent\/agent\.yaml:7:1: YAML: /);
  });
});
