// The render pass with the outputs of issue 12: an atomic directory group (swapped as one, rolled back to the
// previous generation when its check fails, a first-ever set kept), keystores (unchanged when nothing changed),
// and templates of KV secrets (pending until the secret is read).

import { readFile, readdir, readlink, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CertificateBundle } from '../../../src/certs/bundle.js';
import type { TemplateConfig } from '../../../src/config/runtime-config.js';
import { runRenderPass } from '../../../src/output/render-pass.js';
import { TemplateEngine } from '../../../src/templates/template-engine.js';
import type { KvSecret } from '../../../src/vault/kv-api.js';
import { makeBundle } from '../../helpers/bundle-fixture.js';
import { usePassHarness } from './pass-harness.js';

const harness = usePassHarness();
const engine = new TemplateEngine();

function pass(
  templates: TemplateConfig[],
  bundle: CertificateBundle | undefined,
  secrets = new Map<string, KvSecret>(),
) {
  return runRenderPass({
    templates,
    bundles: new Map(bundle ? [['web', bundle]] : []),
    secrets,
    engine,
    logger: harness.logger(),
    signal: new AbortController().signal,
    env: process.env,
  });
}

function group(check?: string[]): TemplateConfig {
  return harness.template(0, '', 'tls', {
    directory: {
      files: [
        {
          name: 'tls.key',
          source: { kind: 'builtin', name: 'key.pem' },
          pkcs12: undefined,
          perms: undefined,
        },
        {
          name: 'tls.crt',
          source: { kind: 'builtin', name: 'cert.pem' },
          pkcs12: undefined,
          perms: undefined,
        },
      ],
    },
    exec: check ? { check: { argv: check }, command: undefined, timeoutMs: 10_000 } : undefined,
  });
}

const generations = async (dir: string) => (await readdir(dir)).filter((entry) => /^\.\.\d/.test(entry));
const FAIL = [process.execPath, '-e', 'process.exit(3)'];

describe('render pass: atomic directory groups', () => {
  it('writes the set through ..data with modes by content, then leaves an unchanged set alone', async () => {
    const bundle = await makeBundle();
    const first = await pass([group()], bundle);
    expect(first.templates[0]).toMatchObject({ result: 'written', serial: bundle.serialNumber });
    const dir = join(harness.dir, 'tls');
    expect(await readFile(join(dir, 'tls.crt'), 'utf8')).toBe(`${bundle.certificate}\n`);
    expect(await readlink(join(dir, 'tls.key'))).toBe('..data/tls.key');
    const [generation] = await generations(dir);
    const second = await pass([group()], bundle);
    expect(second.templates[0]?.result).toBe('unchanged');
    expect(await generations(dir)).toEqual([generation]);
  });

  it('a failed check swaps back to the previous generation; a first-ever set is kept', async () => {
    const old = await makeBundle();
    const failedFirst = await pass([group(FAIL)], old);
    expect(failedFirst.ok).toBe(false);
    const dir = join(harness.dir, 'tls');
    // First-ever: kept (no set is worse than a valid one).
    expect(await readFile(join(dir, 'tls.crt'), 'utf8')).toBe(`${old.certificate}\n`);
    await pass([group()], old);
    const kept = await generations(dir);

    const renewed = await makeBundle();
    const failed = await pass([group(FAIL)], renewed);
    expect(failed.rolledBack).toBe(true);
    expect(failed.templates[0]).toMatchObject({ result: 'error' });
    expect(failed.templates[0]?.serial).toBeUndefined();
    expect(await readFile(join(dir, 'tls.crt'), 'utf8')).toBe(`${old.certificate}\n`);
    expect(await readFile(join(dir, 'tls.key'), 'utf8')).toBe(`${old.privateKey}\n`);
    expect(await generations(dir)).toEqual(kept);
  });
});

describe('render pass: keystores and KV secrets', () => {
  it('a keystore is written with 0600 and is unchanged on the next pass; a secrets template waits for its secret', async () => {
    const bundle = await makeBundle();
    const keystore = harness.template(0, 'keystore.p12', 'k.p12', {
      pkcs12: {
        password: { kind: 'secret', secret: 'app', key: 'pw' },
        alias: undefined,
        encryption: 'modern',
      },
    });
    const env = harness.template(1, '', 'db.env', {
      certificate: undefined,
      source: { kind: 'inline', contents: 'USER={{secret.app.data.user}}\n' },
    });
    const pending = await pass([keystore, env], bundle);
    expect(pending.templates.map((t) => t.result)).toEqual(['pending', 'pending']);
    expect(pending.ok).toBe(true);

    const secrets = new Map([
      ['app', { data: { pw: 'keystore-password', user: 'svc' }, metadata: undefined }],
    ]);
    const written = await pass([keystore, env], bundle, secrets);
    expect(written.templates.map((t) => t.result)).toEqual(['written', 'written']);
    expect(written.templates[1]?.certificate).toBeUndefined();
    expect(await readFile(join(harness.dir, 'db.env'), 'utf8')).toBe('USER=svc\n');
    expect((await stat(join(harness.dir, 'k.p12'))).mode & 0o777).toBe(0o600);
    const again = await pass([keystore, env], bundle, secrets);
    expect(again.templates.map((t) => t.result)).toEqual(['unchanged', 'unchanged']);
  });

  it('a missing key fails that template, names it, and leaves its previous file', async () => {
    const env = harness.template(0, '', 'db.env', {
      certificate: undefined,
      source: { kind: 'inline', contents: 'PASSWORD={{secret.app.data.password}}\n' },
    });
    const good = new Map([['app', { data: { password: 'first-db-password' }, metadata: undefined }]]);
    await pass([env], undefined, good);
    const broken = new Map([['app', { data: { passwd: 'second-db-password' }, metadata: undefined }]]);
    const result = await pass([env], undefined, broken);
    expect(result.templates[0]).toMatchObject({ result: 'error' });
    // A missing key of a secret is a strict-mode render error: TEMPLATE.
    expect(result.templates[0]?.error).toMatchObject({
      code: 'TEMPLATE',
      message: expect.stringMatching(/db\.env.*"password" not defined/),
    });
    expect(await readFile(join(harness.dir, 'db.env'), 'utf8')).toBe('PASSWORD=first-db-password\n');
  });
});
