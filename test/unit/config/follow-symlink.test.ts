// The template key `follow_symlink` (issue 7 point 9): off by default, true/false accepted, anything else is a
// positioned config problem.

import { describe, expect, it } from 'vitest';
import { parseConfigTexts } from '../../../src/config/load-config.js';
import { ConfigError } from '../../../src/lib/errors.js';

const FILE = '/etc/certagent/agent.yaml';
const ENV = { VAULT_ADDR: 'https://vault.test:8200', VAULT_TOKEN: 'hvs.x' };

function withTemplateLine(line: string): string {
  return `certificates:
  web: { mount: pki, role: web, common_name: web.example.com }
templates:
  - certificate: web
    builtin: fullchain.pem
    destination: tls/web.crt
${line}`;
}

function parse(text: string) {
  return parseConfigTexts([{ file: FILE, text }], { env: ENV, cwd: '/work', dev: false });
}

describe('templates[].follow_symlink', () => {
  it('defaults to false: a symlinked destination is refused unless the template opts in', () => {
    expect(parse(withTemplateLine('')).templates[0]?.followSymlink).toBe(false);
    expect(parse(withTemplateLine('    follow_symlink: true\n')).templates[0]?.followSymlink).toBe(true);
    expect(parse(withTemplateLine('    follow_symlink: false\n')).templates[0]?.followSymlink).toBe(false);
  });

  it('must be a boolean, reported with its position', () => {
    let problems: readonly string[] = [];
    try {
      parse(withTemplateLine('    follow_symlink: sometimes\n'));
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      problems = (error as ConfigError).problems;
    }
    expect(problems).toEqual([
      expect.stringMatching(
        /^\/etc\/certagent\/agent\.yaml:7:21: templates\[0\]\.follow_symlink: must be true or false/,
      ),
    ]);
  });
});
