import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TemplateConfig } from '../../../src/config/runtime-config.js';
import { holdsPrivateKey, planFile, restoreFile } from '../../../src/output/render-plan.js';
import { templateConfig } from '../../helpers/template-config.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'certagent-plan-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function template(file: string, extra: Partial<TemplateConfig> = {}): TemplateConfig {
  return templateConfig({ destination: join(dir, file), ...extra });
}

const KEY = '-----BEGIN EC PRIVATE KEY-----\nMHc=\n-----END EC PRIVATE KEY-----\n';
const CERT = '-----BEGIN CERTIFICATE-----\nMIIB==\n-----END CERTIFICATE-----\n';

describe('holdsPrivateKey', () => {
  it.each([
    ['-----BEGIN PRIVATE KEY-----', true],
    ['-----BEGIN RSA PRIVATE KEY-----', true],
    ['-----BEGIN ENCRYPTED PRIVATE KEY-----', true],
    [`${CERT}${KEY}`, true],
    [CERT, false],
    ['-----BEGIN PUBLIC KEY-----', false],
  ])('%j → %s', (text, expected) => {
    expect(holdsPrivateKey(text)).toBe(expected);
  });
});

describe('planFile', () => {
  it('plans a new file: 0600 for a key, 0644 otherwise, nothing to restore', async () => {
    const key = await planFile(template('key.pem'), KEY, '01');
    expect(key).toMatchObject({
      changed: true,
      mode: 0o600,
      holdsKey: true,
      previous: undefined,
      serial: '01',
    });
    const cert = await planFile(template('cert.pem'), CERT, '01');
    expect(cert).toMatchObject({ changed: true, mode: 0o644, holdsKey: false });
  });

  it('takes perms from the template over the default', async () => {
    expect((await planFile(template('key.pem', { perms: 0o640 }), KEY, '01')).mode).toBe(0o640);
  });

  it('is unchanged when content and mode match, and changed when only the mode differs', async () => {
    await writeFile(join(dir, 'cert.pem'), CERT, { mode: 0o644 });
    await chmod(join(dir, 'cert.pem'), 0o644);
    expect((await planFile(template('cert.pem'), CERT, '01')).changed).toBe(false);
    await chmod(join(dir, 'cert.pem'), 0o600);
    const plan = await planFile(template('cert.pem'), CERT, '01');
    expect(plan.changed).toBe(true);
    expect(plan.previous).toMatchObject({ mode: 0o600, contents: Buffer.from(CERT) });
  });

  it('is changed when the owner differs from the one asked for', async () => {
    await writeFile(join(dir, 'cert.pem'), CERT, { mode: 0o644 });
    await chmod(join(dir, 'cert.pem'), 0o644);
    const own = await stat(join(dir, 'cert.pem'));
    expect((await planFile(template('cert.pem', { user: String(own.uid) }), CERT, '01')).changed).toBe(false);
    const other = await planFile(template('cert.pem', { group: String(own.gid + 1) }), CERT, '01');
    expect(other).toMatchObject({ changed: true, gid: own.gid + 1 });
  });

  it('is changed when the content differs', async () => {
    await writeFile(join(dir, 'cert.pem'), 'old\n', { mode: 0o644 });
    await chmod(join(dir, 'cert.pem'), 0o644);
    expect((await planFile(template('cert.pem'), CERT, '01')).changed).toBe(true);
  });
});

describe('restoreFile', () => {
  it('puts the previous content and mode back', async () => {
    const path = join(dir, 'cert.pem');
    await writeFile(path, 'old\n');
    await chmod(path, 0o640);
    const plan = await planFile(template('cert.pem'), CERT, '01');
    await writeFile(path, CERT);
    await chmod(path, 0o644);
    await restoreFile(plan);
    expect(await readFile(path, 'utf8')).toBe('old\n');
    expect((await stat(path)).mode & 0o7777).toBe(0o640);
  });

  it('never removes a file that did not exist before the pass', async () => {
    const plan = await planFile(template('key.pem'), KEY, '01');
    await writeFile(plan.path, KEY);
    await restoreFile(plan);
    expect(await readFile(plan.path, 'utf8')).toBe(KEY);
  });
});
