// The shipped templates rendered without Handlebars must be byte-for-byte what Handlebars renders from them.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import { BUILTIN_TEMPLATES } from '../../../src/templates/builtin-templates.js';
import { compileSimpleTemplate } from '../../../src/templates/simple-template.js';
import type { TemplateContext } from '../../../src/templates/template-context.js';
import { TemplateEngine } from '../../../src/templates/template-engine.js';

const ROOT = join(import.meta.dirname, '../../..');

function context(chain: string[]): TemplateContext {
  return {
    certificate: '-----BEGIN CERTIFICATE-----\nLEAF=\n-----END CERTIFICATE-----',
    private_key: '-----BEGIN PRIVATE KEY-----\nKEY==\n-----END PRIVATE KEY-----',
    private_key_type: 'ec',
    issuing_ca: chain[0] ?? '',
    ca_chain: chain,
    serial_number: '01:02',
    not_before: '2030-01-01T00:00:00.000Z',
    not_after: '2030-01-02T00:00:00.000Z',
    common_name: 'web.example.com',
    alt_names: ['a.example.com', 'b.example.com'],
    ip_sans: [],
    uri_sans: [],
  };
}

const CHAINS = [[], ['-----BEGIN CERTIFICATE-----\nINT=\n-----END CERTIFICATE-----'], ['<&"int">', 'root{{x}}']];

describe('compileSimpleTemplate', () => {
  it.each(BUILTIN_TEMPLATES.map((name) => [name]))('renders %s exactly as Handlebars does', async (name) => {
    const text = await readFile(join(ROOT, 'templates', `${name}.hbs`), 'utf8');
    const simple = compileSimpleTemplate(text);
    expect(simple, 'every shipped template is simple').toBeDefined();
    const reference = Handlebars.create().compile<TemplateContext>(text, { strict: true, noEscape: true });
    for (const chain of CHAINS) expect(simple!(context(chain))).toBe(reference(context(chain)));
  });

  it('leaves anything else to Handlebars', () => {
    expect(compileSimpleTemplate('{{#if certificate}}x{{/if}}')).toBeUndefined();
    expect(compileSimpleTemplate('{{ certificate }}')).toBeUndefined();
    expect(compileSimpleTemplate('{{join ca_chain}}')).toBeUndefined();
    expect(compileSimpleTemplate('{{#each ca_chain}}{{#each x}}{{this}}{{/each}}{{/each}}')).toBeUndefined();
  });

  it('declines a context that does not fit, so Handlebars reports it', () => {
    const simple = compileSimpleTemplate('{{missing}}\n')!;
    expect(simple(context([]))).toBeUndefined();
  });
});

describe('TemplateEngine with builtin templates', () => {
  it('renders a builtin through the simple path with the same bytes', async () => {
    const engine = new TemplateEngine();
    const rendered = await engine.render({ kind: 'builtin', name: 'fullchain.pem' }, context(CHAINS[1]!), 'dest');
    expect(rendered).toBe(`${context([]).certificate}\n${CHAINS[1]![0]}\n`);
  });
});
