// The engine parses a template once: the syntax check, the compile and the secret references share one syntax tree,
// and what it renders is byte for byte what Handlebars renders from the text (whitespace control, standalone lines).

import Handlebars from 'handlebars';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { withSecrets } from '../../../src/templates/secret-context.js';
import { templateContext } from '../../../src/templates/template-context.js';
import { TemplateEngine, TemplateError } from '../../../src/templates/template-engine.js';
import { makeBundle } from '../../helpers/bundle-fixture.js';

// `~` on either side, standalone block lines (their line ends are dropped), a standalone {{else}} and comment.
const WHITESPACE = [
  'names:',
  '{{#each alt_names}}',
  '  - {{this}}',
  '{{/each}}',
  '{{#if common_name~}}',
  '   cn:   {{~common_name~}}   !',
  '{{~/if}}',
  '{{#each ca_chain}}',
  '{{@index}}:{{#if @first}}first{{/if}}',
  '{{else}}',
  'none',
  '{{/each}}',
  '  {{! a standalone comment }}',
  'tail {{~ serial_number ~}}  end',
  '{{#with secret.db}}',
  '    user={{data.user}}',
  '{{/with}}',
  '',
].join('\n');

const SECRETS = new Map([['db', { data: { user: 'u' }, metadata: undefined }]]);

// The parser object every instance (Handlebars.create()) parses text with; the types do not declare it.
const PARSER = (Handlebars as unknown as { Parser: { parse: (text: string) => unknown } }).Parser;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('TemplateEngine parsing', () => {
  it('parses a template once: to check it, compile it, find its secrets and render it twice', async () => {
    // Counts text parses by any instance, whichever of parse() or parseWithoutProcessing() is called.
    const parse = vi.spyOn(PARSER, 'parse');
    const engine = new TemplateEngine();
    const source = { kind: 'inline', contents: WHITESPACE } as const;
    const context = withSecrets(templateContext(await makeBundle()), SECRETS);
    expect(await engine.secretsUsed(source, 'dest')).toEqual(['db']);
    await engine.render(source, context, 'dest');
    await engine.render(source, context, 'dest');
    expect(parse).toHaveBeenCalledTimes(1);
  });

  it('renders whitespace control and standalone lines byte for byte as Handlebars.compile(text)', async () => {
    const bundle = await makeBundle('web', 'a.example.test');
    const context = withSecrets(templateContext(bundle), SECRETS);
    const rendered = await new TemplateEngine().render({ kind: 'inline', contents: WHITESPACE }, context, 'd');
    const plain = Handlebars.compile(WHITESPACE, { strict: true, noEscape: true })(context);
    expect(rendered).toBe(plain);
    // The comparison means something only if stripping happened: spelled out here.
    const chain = bundle.caChain.map((_pem, index) => `${index}:${index === 0 ? 'first' : ''}\n`).join('');
    const names = bundle.altNames.map((name) => `  - ${name}\n`).join('');
    expect(rendered).toBe(
      `names:\n${names}cn:a.example.test!${chain}tail${context.serial_number}end\n    user=u\n`,
    );
  });

  it.each([
    ['an open block at the end', '{{#if}}', /^template for d: Parse error on line 1: Expecting .* got 'EOF'$/],
    ['a mismatched close', 'a\n{{#if x}}\n{{/each}}', /^template for d: if doesn't match each - 2:3$/],
    ['a bad token', 'line1\n{{foo', /^template for d: Parse error on line 2: Expecting .* got 'INVALID'$/],
  ])('reports %s when the template is loaded, with its position', async (_name, contents, message) => {
    const engine = new TemplateEngine();
    const error = await engine.secretsUsed({ kind: 'inline', contents }, 'd').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TemplateError);
    expect((error as Error).message).toMatch(message);
  });
});
