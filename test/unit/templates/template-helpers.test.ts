import { describe, expect, it } from 'vitest';
import { templateContext } from '../../../src/templates/template-context.js';
import { TemplateEngine, TemplateError } from '../../../src/templates/template-engine.js';
import { formatDate, indent, splitPem } from '../../../src/templates/template-helpers.js';
import { makeBundle } from '../../helpers/bundle-fixture.js';

const render = async (contents: string, extra: Record<string, unknown> = {}): Promise<string> => {
  const context = { ...templateContext(await makeBundle()), ...extra };
  return new TemplateEngine().render({ kind: 'inline', contents }, context, '/etc/tls/out');
};

describe('template helpers', () => {
  it('split_pem returns each block of a chain in order; #each over it rebuilds the chain', async () => {
    const bundle = await makeBundle();
    const chain = bundle.caChain.join('\n');
    expect(splitPem(`junk\n${chain}\ntrailing`)).toEqual(bundle.caChain);
    expect(splitPem('no pem here')).toEqual([]);
    const out = await render('{{#each (split_pem joined)}}[{{@index}}]{{this}}\n{{/each}}', { joined: chain });
    expect(out).toBe(bundle.caChain.map((pem, index) => `[${index}]${pem}\n`).join(''));
  });

  it('base64 and base64_decode round-trip, and a non-base64 input is an error', async () => {
    expect(await render('{{base64 common_name}}')).toBe(
      Buffer.from((await makeBundle()).commonName).toString('base64'),
    );
    expect(await render('{{base64_decode v}}', { v: Buffer.from('p@ss=word').toString('base64') })).toBe(
      'p@ss=word',
    );
    await expect(render('{{base64_decode v}}', { v: 'not base64!' })).rejects.toThrow(TemplateError);
  });

  it('json encodes values (quoted strings, arrays, indented objects)', async () => {
    expect(await render('{{json alt_names}}')).toBe(JSON.stringify((await makeBundle()).altNames));
    expect(await render('{{json v}}', { v: 'a"b\nc' })).toBe('"a\\"b\\nc"');
    expect(await render('{{json v 2}}', { v: { a: 1 } })).toBe('{\n  "a": 1\n}');
  });

  it('indent prefixes every non-empty line, for YAML block scalars', async () => {
    expect(indent('a\nb\n\nc\n', 4)).toBe('    a\n    b\n\n    c\n');
    expect(await render('key: |\n{{indent 2 v}}', { v: 'x\ny' })).toBe('key: |\n  x\n  y');
    await expect(render('{{indent v 2}}', { v: 'x' })).rejects.toThrow(/indent needs a width first/);
  });

  it('join and split', async () => {
    expect(await render('{{join (split v ",") ";"}}', { v: 'a,b,c' })).toBe('a;b;c');
    expect(await render('{{join v}}', { v: ['a', 'b'] })).toBe('a\nb');
    await expect(render('{{join v}}', { v: 'not a list' })).rejects.toThrow(/join needs a list/);
  });

  it('date formats not_after in UTC in several layouts; an unknown layout names the known ones', async () => {
    const at = '2026-12-01T21:05:09.000Z';
    expect(formatDate(at, 'rfc3339')).toBe('2026-12-01T21:05:09Z');
    expect(formatDate(at, 'unix')).toBe(String(Date.parse(at) / 1000));
    expect(formatDate(at, 'unix_ms')).toBe(String(Date.parse(at)));
    expect(formatDate(at, 'date')).toBe('2026-12-01');
    expect(formatDate(at, 'datetime')).toBe('2026-12-01 21:05:09');
    expect(formatDate(at, 'rfc1123')).toBe('Tue, 01 Dec 2026 21:05:09 GMT');
    const bundle = await makeBundle();
    expect(await render('{{date not_after "unix"}}')).toBe(String(Math.floor(bundle.notAfter / 1000)));
    expect(await render('{{date not_after}}')).toBe(formatDate(new Date(bundle.notAfter).toISOString(), 'rfc3339'));
    await expect(render('{{date not_after "yyyy"}}')).rejects.toThrow(/knows the formats rfc3339/);
    await expect(render('{{date v}}', { v: 'soon' })).rejects.toThrow(/not a date/);
  });
});
