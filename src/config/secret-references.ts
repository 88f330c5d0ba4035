import type HandlebarsModule from 'handlebars';
import { loadHandlebars } from '../lib/load-handlebars.js';

/** A template's syntax tree as `parseWithoutProcessing` gives it (whitespace control not yet applied). */
export type TemplateSyntax = ReturnType<typeof HandlebarsModule.parseWithoutProcessing>;

/**
 * The secrets a template reads (`{{secret.db.data.password}}`, `{{#with secret.db}}`, `(lookup secret.api.data
 * "key")`), found in its syntax tree, so a template is rendered only once every secret it reads has a value and
 * is re-rendered when one of them changes. A name chosen at render time (`lookup secret someVariable`) cannot be
 * seen here; such a template fails strict rendering until the secret exists, which the pass reports. Given the
 * tree the engine compiles, the text is not parsed again; given text, it is parsed without whitespace control,
 * which changes only text between tags, never a path.
 */
export function referencedSecrets(template: string | TemplateSyntax): string[] {
  const found = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const path = node as { type?: unknown; depth?: unknown; parts?: unknown[] };
    if (
      path.type === 'PathExpression' &&
      path.depth === 0 &&
      path.parts?.[0] === 'secret' &&
      typeof path.parts[1] === 'string'
    )
      found.add(path.parts[1]);
    for (const [key, value] of Object.entries(node)) if (key !== 'loc') visit(value);
  };
  visit(typeof template === 'string' ? loadHandlebars().parseWithoutProcessing(template) : template);
  return [...found].sort();
}

/** Why a template may not read secret `name` (the same words at load, for `contents` and `source`, and at render). */
export function undeclaredSecret(name: string, declared: readonly string[]): string {
  return `no secret named ${JSON.stringify(name)} is declared under secrets:${declared.length ? ` (declared: ${declared.join(', ')})` : ''}`;
}
