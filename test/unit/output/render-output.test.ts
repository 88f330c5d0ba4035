import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KeystoreOutputError, renderOutput, secretsNeededBy } from '../../../src/output/render-output.js';
import type { OutputContent } from '../../../src/output/render-output.js';
import { TemplateEngine, TemplateError } from '../../../src/templates/template-engine.js';
import { makeBundle } from '../../helpers/bundle-fixture.js';

const engine = new TemplateEngine();
const secrets = new Map([
  ['db', { data: { user: 'app', password: 'db-password-123' }, metadata: { version: 3, created_time: '' } }],
]);
const inline = (contents: string): OutputContent => ({
  kind: 'template',
  source: { kind: 'inline', contents },
});
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('renderOutput', () => {
  it('renders a secrets-only template, a certificate-only one, and one with both', async () => {
    const bundle = await makeBundle();
    const base = { engine, secrets, destination: '/out/x' };
    expect(
      (
        await renderOutput(
          inline('{{secret.db.data.user}}:{{secret.db.data.password}} v{{secret.db.metadata.version}}'),
          { ...base, bundle: undefined },
        )
      ).toString(),
    ).toBe('app:db-password-123 v3');
    expect(
      (await renderOutput(inline('{{common_name}}'), { ...base, bundle, secrets: new Map() })).toString(),
    ).toBe(bundle.commonName);
    expect(
      (await renderOutput(inline('{{common_name}} {{secret.db.data.user}}'), { ...base, bundle })).toString(),
    ).toBe(`${bundle.commonName} app`);
  });

  it('a missing key is an error naming the template, never an empty file, and never quoting a secret', async () => {
    const error = await renderOutput(inline('{{secret.db.data.passwd}}'), {
      engine,
      secrets,
      bundle: undefined,
      destination: '/etc/app/db.env',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TemplateError);
    expect((error as Error).message).toMatch(/\/etc\/app\/db\.env/);
    expect((error as Error).message).toMatch(/passwd/);
    expect((error as Error).message).not.toContain('db-password-123');
    const noCert = await renderOutput(inline('{{certificate}}'), {
      engine,
      secrets,
      bundle: undefined,
      destination: '/o',
    }).catch((e: unknown) => e);
    expect(noCert).toBeInstanceOf(TemplateError);
  });

  it('a keystore takes its password from a KV secret; openssl opens it with that password', async () => {
    const bundle = await makeBundle();
    const dir = await mkdtemp(join(tmpdir(), 'certagent-render-'));
    dirs.push(dir);
    const content: OutputContent = {
      kind: 'pkcs12',
      pkcs12: {
        password: { kind: 'secret', secret: 'db', key: 'password' },
        alias: undefined,
        encryption: 'modern',
      },
    };
    expect(secretsNeededBy(content, [])).toEqual(['db']);
    const bytes = await renderOutput(content, { engine, secrets, bundle, destination: join(dir, 'k.p12') });
    await writeFile(join(dir, 'k.p12'), bytes);
    const out = execFileSync(
      'openssl',
      ['pkcs12', '-in', join(dir, 'k.p12'), '-passin', 'env:P', '-nokeys'],
      {
        env: { ...process.env, P: 'db-password-123' },
        encoding: 'utf8',
      },
    );
    expect(out).toMatch(/friendlyName: web/);
    const noBundle = await renderOutput(content, {
      engine,
      secrets,
      bundle: undefined,
      destination: '/k.p12',
    }).catch((e: unknown) => e);
    expect(noBundle).toBeInstanceOf(KeystoreOutputError);
    const missing = await renderOutput(
      { ...content, pkcs12: { ...content.pkcs12, password: { kind: 'env', name: 'NOT_SET_ANYWHERE' } } },
      { engine, secrets, bundle, destination: '/k.p12', env: {} },
    ).catch((e: unknown) => e);
    expect((missing as Error).message).toMatch(
      /keystore \/k\.p12: no keystore password in the environment variable NOT_SET_ANYWHERE/,
    );
  });
});
