// loadConfig reading files from disk: several merged in order, and one that cannot be read.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import type { ConfigError } from '../../../src/lib/errors.js';
import { ENV, MINIMAL } from './load-config-support.js';

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
