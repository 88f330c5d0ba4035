// The shipped templates use two Handlebars constructs only: `{{field}}` and `{{#each list}}{{this}}…{{/each}}`.
// Compiling them here, from the same .hbs files, keeps Handlebars (its load and its compile, a third of a cold
// start's JavaScript time) out of an agent whose templates are all builtin. Anything else is left to Handlebars.

import type { TemplateContext } from './template-context.js';

type Part = { readonly text: string } | { readonly field: string } | { readonly each: string; readonly body: string };

const TOKEN = /\{\{#each ([a-z_]+)\}\}((?:(?!\{\{)[\s\S])*)\{\{this\}\}((?:(?!\{\{)[\s\S])*)\{\{\/each\}\}|\{\{([a-z_]+)\}\}/g;

/**
 * Compiles `text` when it uses only `{{field}}` and `{{#each list}}…{{this}}…{{/each}}` (text around `{{this}}`,
 * no nesting); undefined otherwise. The render function returns undefined when the context does not fit (a
 * missing field, a field that is not a string, a list with a non-string): the caller then renders with Handlebars,
 * whose strict mode reports it exactly as before.
 */
export function compileSimpleTemplate(text: string): ((context: TemplateContext) => string | undefined) | undefined {
  const parts: Part[] = [];
  let at = 0;
  for (const match of text.matchAll(TOKEN)) {
    parts.push({ text: text.slice(at, match.index) });
    parts.push(match[4] !== undefined ? { field: match[4] } : { each: match[1]!, body: `${match[2]}\u0000${match[3]}` });
    at = match.index + match[0].length;
  }
  parts.push({ text: text.slice(at) });
  if (parts.some((part) => 'text' in part && part.text.includes('{{'))) return undefined;
  return (context) => {
    const values = context as unknown as Record<string, unknown>;
    let out = '';
    for (const part of parts) {
      if ('text' in part) out += part.text;
      else if ('field' in part) {
        const value = values[part.field];
        if (typeof value !== 'string') return undefined;
        out += value;
      } else {
        const list = values[part.each];
        if (!Array.isArray(list) || !list.every((item) => typeof item === 'string')) return undefined;
        const [before, after] = part.body.split('\u0000') as [string, string];
        for (const item of list) out += before + item + after;
      }
    }
    return out;
  };
}
