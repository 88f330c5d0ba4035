import { createRequire } from 'node:module';
import type HandlebarsModule from 'handlebars';

// Handlebars is loaded at the first call, synchronously (config checks are synchronous; createRequire allows that
// for this CommonJS package), so importing a module that may need it does not load it: `check` of a config with
// builtin templates only never does. One copy for config/ and templates/ alike.
let handlebars: typeof HandlebarsModule | undefined;

/** The Handlebars module, loaded on first use. */
export function loadHandlebars(): typeof HandlebarsModule {
  return (handlebars ??= createRequire(import.meta.url)('handlebars') as typeof HandlebarsModule);
}
