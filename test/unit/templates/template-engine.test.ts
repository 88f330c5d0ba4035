import { describe, expect, it } from 'vitest';
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
});
