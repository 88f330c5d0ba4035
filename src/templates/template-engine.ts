import { NotARegularFileError, readRegularFile } from '../lib/read-regular-file.js';
import { fileURLToPath } from 'node:url';
import type HandlebarsModule from 'handlebars';
import type { TemplateSource } from '../config/runtime-config.js';
import { AgentError, errorMessage } from '../lib/errors.js';
import { BUILTIN_TEMPLATES } from './builtin-templates.js';
import { renderErrorMessage } from './render-error-message.js';
import type { RenderContext } from './secret-context.js';
import { referencedSecrets } from '../config/secret-references.js';
import { compileSimpleTemplate } from './simple-template.js';
import type { TemplateContext } from './template-context.js';
import { registerTemplateHelpers } from './template-helpers.js';

export { BUILTIN_TEMPLATES };

type HandlebarsInstance = ReturnType<typeof HandlebarsModule.create>;

// From src/templates/ (vitest) and dist/templates/ (built) alike, the package root is two levels up.
const TEMPLATES_DIR = new URL('../../templates/', import.meta.url);

/** A template could not be loaded or rendered. The message names the template, never rendered content. */
export class TemplateError extends AgentError {
  readonly destination: string;

  constructor(destination: string, message: string, options?: ErrorOptions) {
    super('TEMPLATE', `template for ${destination}: ${message}`, options);
    this.destination = destination;
  }
}

/** A compiled template and the KV secrets it reads (`secret.<name>`). */
type Compiled = ((context: RenderContext) => string | Promise<string>) & { readonly secrets: readonly string[] };

/**
 * Handlebars with `strict` (a field the context lacks is an error, never an empty file) and `noEscape` (HTML
 * escaping would turn the `=` padding of PEM into `&#x3D;`). Templates are compiled once and cached by source.
 */
export class TemplateEngine {
  // Handlebars is imported at the first compile, not when the agent is composed: commands that never render (check,
  // --version) and start-up before the first certificate do not pay for it.
  #handlebars: Promise<HandlebarsInstance> | undefined;
  readonly #compiled = new Map<string, Promise<Compiled>>();

  /** Renders `source` with `context`; `destination` only names the template in errors. */
  async render(source: TemplateSource, context: RenderContext, destination: string): Promise<string> {
    const template = await this.#load(source, destination);
    try {
      return await template(context);
    } catch (error) {
      // No `cause`: the raw error quotes the value it failed on, which may be the private key.
      throw new TemplateError(destination, renderErrorMessage(error, context));
    }
  }

  /** The KV secrets the template reads, so the pass can wait for them (loads and compiles it if needed). */
  async secretsUsed(source: TemplateSource, destination: string): Promise<readonly string[]> {
    return (await this.#load(source, destination)).secrets;
  }

  #load(source: TemplateSource, destination: string): Promise<Compiled> {
    const key = source.kind === 'inline' ? `inline:${source.contents}` : `${source.kind}:${source.kind === 'file' ? source.path : source.name}`;
    let compiled = this.#compiled.get(key);
    if (!compiled) {
      compiled = this.#compile(source, destination);
      this.#compiled.set(key, compiled);
      // A file that could not be read may be fixed later: do not cache the failure.
      compiled.catch(() => this.#compiled.delete(key));
    }
    return compiled;
  }

  async #compile(source: TemplateSource, destination: string): Promise<Compiled> {
    let text: string;
    if (source.kind === 'builtin' && !(BUILTIN_TEMPLATES as readonly string[]).includes(source.name))
      // The config refuses these too; checked here so a name can never reach outside templates/.
      throw new TemplateError(destination, `no shipped template named ${JSON.stringify(source.name)}`);
    if (source.kind === 'inline') text = source.contents;
    else {
      const path =
        source.kind === 'file' ? source.path : fileURLToPath(new URL(`${source.name}.hbs`, TEMPLATES_DIR));
      try {
        // Not a FIFO or a device: a render pass (and `check`) must not block on one.
        text = await readRegularFile(path);
      } catch (error) {
        const why = error instanceof NotARegularFileError ? error.reason : (error as NodeJS.ErrnoException).code;
        throw new TemplateError(destination, `cannot read ${path}: ${why ?? 'error'}`, { cause: error });
      }
    }
    // The shipped templates need no Handlebars (see simple-template.ts); a context they cannot take falls back to it.
    const simple = source.kind === 'builtin' ? compileSimpleTemplate(text) : undefined;
    if (simple) {
      let full: Promise<Compiled> | undefined;
      // The shipped templates read no secrets; a secrets-only context simply falls back to Handlebars.
      const render = (context: RenderContext): string | Promise<string> =>
        simple(context as TemplateContext) ??
        (full ??= this.#compileWithHandlebars(text, destination)).then((t) => t(context));
      return Object.assign(render, { secrets: [] as string[] });
    }
    return this.#compileWithHandlebars(text, destination);
  }

  async #compileWithHandlebars(text: string, destination: string): Promise<Compiled> {
    const handlebars = await this.#loadHandlebars();
    try {
      // Parsed once, here, for all three uses. Now: compile() is lazy, and a syntax error must be a load error with
      // its full position. Without processing: compile() applies whitespace control (`~`, standalone lines) to the
      // tree it is given, as it does to text; a tree from parse() would have it applied twice. compile() keeps the
      // tree until its first render; a compile error there (`{{> p a b}}`) is thrown again on every render.
      const syntax = handlebars.parseWithoutProcessing(text);
      const secrets = referencedSecrets(syntax);
      const template = handlebars.compile<RenderContext>(syntax, { strict: true, noEscape: true });
      return Object.assign((context: RenderContext) => template(context), { secrets });
    } catch (error) {
      const lines = errorMessage(error).split('\n');
      const summary = lines.length > 1 ? `${lines[0]} ${lines.at(-1)}` : (lines[0] ?? 'does not compile');
      throw new TemplateError(destination, summary, { cause: error });
    }
  }

  #loadHandlebars(): Promise<HandlebarsInstance> {
    this.#handlebars ??= import('handlebars').then(({ default: Handlebars }) => {
      const handlebars = Handlebars.create();
      registerTemplateHelpers(handlebars);
      return handlebars;
    });
    return this.#handlebars;
  }
}
