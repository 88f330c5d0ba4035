import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { templateContext } from '../../../src/templates/template-context.js';
import { BUILTIN_TEMPLATES, TemplateEngine, TemplateError } from '../../../src/templates/template-engine.js';
import { makeBundle } from '../../helpers/bundle-fixture.js';

describe('TemplateEngine', () => {
  it('renders each shipped template to exactly the expected PEM, one trailing newline', async () => {
    const bundle = await makeBundle();
    const context = templateContext(bundle);
    const engine = new TemplateEngine();
    const render = (name: string) => engine.render({ kind: 'builtin', name }, context, `/out/${name}`);
    const chain = bundle.caChain.map((pem) => `${pem}\n`).join('');
    expect(await render('cert.pem')).toBe(`${bundle.certificate}\n`);
    expect(await render('key.pem')).toBe(`${bundle.privateKey}\n`);
    expect(await render('ca.pem')).toBe(`${bundle.issuingCa}\n`);
    expect(await render('chain.pem')).toBe(chain);
    expect(await render('fullchain.pem')).toBe(`${bundle.certificate}\n${chain}`);
    expect(await render('bundle.pem')).toBe(`${bundle.privateKey}\n${bundle.certificate}\n${chain}`);
    expect(BUILTIN_TEMPLATES).toHaveLength(6);
  });

  it('does not HTML-escape (PEM = padding survives) and offers join', async () => {
    const context = { ...templateContext(await makeBundle()), certificate: 'AB==<&>' };
    const engine = new TemplateEngine();
    expect(await engine.render({ kind: 'inline', contents: '{{certificate}}' }, context, 'x')).toBe('AB==<&>');
    expect(await engine.render({ kind: 'inline', contents: '{{join alt_names ","}}' }, context, 'x')).toBe(
      context.alt_names.join(','),
    );
  });

  it('fails on a missing field (strict) with a TemplateError naming the destination, not the data', async () => {
    const context = templateContext(await makeBundle());
    const engine = new TemplateEngine();
    const error = await engine
      .render({ kind: 'inline', contents: '{{private_key}}{{no_such_field}}' }, context, '/etc/tls/web.pem')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TemplateError);
    expect((error as Error).message).toMatch(/^template for \/etc\/tls\/web\.pem: .*no_such_field/);
    expect((error as Error).message).not.toContain('PRIVATE KEY');
  });

  it('reports an unreadable source file as a TemplateError', async () => {
    const context = templateContext(await makeBundle());
    await expect(
      new TemplateEngine().render({ kind: 'file', path: '/nonexistent/x.hbs' }, context, 'dest'),
    ).rejects.toBeInstanceOf(TemplateError);
  });

  it.each([
    ['a field of the key', '{{private_key.algorithm}}'],
    ['a field of a chain entry', '{{#each ca_chain}}{{this.subject}}{{/each}}'],
    ['a missing field inside the key', '{{#with private_key}}{{bits}}{{/with}}'],
  ])('keeps the data out of the error for %s', async (_name, contents) => {
    const bundle = await makeBundle();
    const error = await new TemplateEngine()
      .render({ kind: 'inline', contents }, templateContext(bundle), '/etc/tls/web.pem')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TemplateError);
    const text = `${(error as Error).message} ${String((error as Error).cause ?? '')}`;
    expect(text).not.toContain('BEGIN');
    expect(text).not.toContain(bundle.privateKey.split('\n')[1]!);
    expect(text).not.toContain(bundle.caChain[0]!.split('\n')[1]!);
    expect((error as Error).message).toMatch(/algorithm|subject|bits/);
  });

  it('refuses a builtin name that is not shipped', async () => {
    const context = templateContext(await makeBundle());
    await expect(
      new TemplateEngine().render({ kind: 'builtin', name: '../package.json' }, context, 'dest'),
    ).rejects.toThrow(/^template for dest: no shipped template named "\.\.\/package\.json"$/);
  });

  it('reports a syntax error when the template is loaded, with its position', async () => {
    const error = await new TemplateEngine()
      .render({ kind: 'inline', contents: '{{#if}}' }, templateContext(await makeBundle()), 'dest')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TemplateError);
    expect((error as Error).message).toMatch(/^template for dest: Parse error on line 1: Expecting/);
  });
});

describe('TemplateEngine file sources', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('reads a file template once and renders from the cached compile afterwards', async () => {
    dir = await mkdtemp(join(tmpdir(), 'certagent-tpl-'));
    const path = join(dir, 'web.hbs');
    await writeFile(path, 'CN={{common_name}}\n');
    const engine = new TemplateEngine();
    const context = templateContext(await makeBundle('web', 'a.example.test'));
    expect(await engine.render({ kind: 'file', path }, context, 'dest')).toBe('CN=a.example.test\n');
    await writeFile(path, 'changed {{serial_number}}\n');
    expect(await engine.render({ kind: 'file', path }, context, 'dest')).toBe('CN=a.example.test\n');
    expect(await new TemplateEngine().render({ kind: 'file', path }, context, 'dest')).toBe(
      `changed ${context.serial_number}\n`,
    );
  });

  it('gives RFC 3339 times and the names in the context', async () => {
    const bundle = await makeBundle('web', 'b.example.test');
    const context = templateContext(bundle);
    const out = await new TemplateEngine().render(
      { kind: 'inline', contents: '{{common_name}} {{join alt_names ","}} {{not_before}} {{not_after}} {{private_key_type}}' },
      context,
      'dest',
    );
    expect(out).toBe(
      `b.example.test b.example.test ${new Date(bundle.notBefore).toISOString()} ${new Date(bundle.notAfter).toISOString()} ec`,
    );
    expect(context.not_after).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });
});
