import type Handlebars from 'handlebars';
import type { HelperOptions } from 'handlebars';
import { AgentError } from '../lib/errors.js';

/** A helper was called with something it cannot use; the engine turns it into a TemplateError naming the template. */
export class TemplateHelperError extends AgentError {
  constructor(message: string) {
    super('TEMPLATE_HELPER', message);
  }
}

/** The part of a Handlebars environment the helpers need. */
type HelperRegistry = Pick<typeof Handlebars, 'registerHelper'>;

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

/** Handlebars passes its options object last; a helper's own arguments are everything before it. */
function argsOf(args: unknown[]): unknown[] {
  const last = args.at(-1) as Partial<HelperOptions> | undefined;
  return last && typeof last === 'object' && 'hash' in last ? args.slice(0, -1) : args;
}

function text(value: unknown, helper: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new TemplateHelperError(`${helper} needs a string, got ${value === undefined ? 'nothing' : typeof value}`);
}

/** Every PEM block of a text, in order, each without surrounding whitespace: `{{#each (split_pem issuing_ca)}}`. */
export function splitPem(value: string): string[] {
  return [...value.matchAll(PEM_BLOCK)].map((match) => match[0]);
}

/** Each line of `value` prefixed with `width` spaces (empty lines stay empty), for YAML and Kubernetes manifests. */
export function indent(value: string, width: number): string {
  const pad = ' '.repeat(width);
  return value
    .split('\n')
    .map((line) => (line === '' ? line : pad + line))
    .join('\n');
}

/** The date formats `{{date not_after "…"}}` knows. */
export const DATE_FORMATS = ['rfc3339', 'unix', 'unix_ms', 'date', 'datetime', 'rfc1123'] as const;

/** Formats an RFC 3339 / ISO date (as `not_before` and `not_after` are) or epoch milliseconds, always in UTC. */
export function formatDate(value: unknown, format: string): string {
  const date = typeof value === 'number' ? new Date(value) : new Date(text(value, 'date'));
  if (Number.isNaN(date.getTime())) throw new TemplateHelperError('date was given something that is not a date');
  const iso = date.toISOString();
  switch (format) {
    case 'rfc3339':
      return iso.replace(/\.000Z$/, 'Z');
    case 'unix':
      return String(Math.floor(date.getTime() / 1000));
    case 'unix_ms':
      return String(date.getTime());
    case 'date':
      return iso.slice(0, 10);
    case 'datetime':
      return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
    case 'rfc1123':
      return date.toUTCString();
    default:
      throw new TemplateHelperError(
        `date knows the formats ${DATE_FORMATS.join(', ')}, not ${JSON.stringify(format)}`,
      );
  }
}

/**
 * The helpers real templates need (documented in docs/outputs.md). They fail loudly on a wrong argument (the
 * engine reports it naming the template), never render an empty string in its place.
 */
export function registerTemplateHelpers(handlebars: HelperRegistry): void {
  // `{{join ca_chain}}` (newline) or `{{join alt_names ","}}`.
  handlebars.registerHelper('join', (...raw: unknown[]) => {
    const [list, separator] = argsOf(raw);
    if (!Array.isArray(list)) throw new TemplateHelperError('join needs a list');
    return list.map(String).join(typeof separator === 'string' ? separator : '\n');
  });
  handlebars.registerHelper('split_pem', (...raw: unknown[]) => splitPem(text(argsOf(raw)[0], 'split_pem')));
  // `{{split "a,b" ","}}` → a list, for `#each`.
  handlebars.registerHelper('split', (...raw: unknown[]) => {
    const [value, separator] = argsOf(raw);
    return text(value, 'split').split(typeof separator === 'string' ? separator : '\n');
  });
  handlebars.registerHelper('base64', (...raw: unknown[]) =>
    Buffer.from(text(argsOf(raw)[0], 'base64'), 'utf8').toString('base64'),
  );
  handlebars.registerHelper('base64_decode', (...raw: unknown[]) => {
    const value = text(argsOf(raw)[0], 'base64_decode').trim();
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value.replace(/\s+/g, '')))
      throw new TemplateHelperError('base64_decode was given something that is not base64');
    return Buffer.from(value, 'base64').toString('utf8');
  });
  // `{{json secret.db.data}}` or `{{json ca_chain 2}}` (indented).
  handlebars.registerHelper('json', (...raw: unknown[]) => {
    const [value, spaces] = argsOf(raw);
    if (value === undefined) throw new TemplateHelperError('json needs a value');
    return JSON.stringify(value, null, typeof spaces === 'number' ? spaces : undefined);
  });
  handlebars.registerHelper('indent', (...raw: unknown[]) => {
    const [width, value] = argsOf(raw);
    if (typeof width !== 'number' || !Number.isInteger(width) || width < 0)
      throw new TemplateHelperError('indent needs a width first: {{indent 4 certificate}}');
    return indent(text(value, 'indent'), width);
  });
  handlebars.registerHelper('date', (...raw: unknown[]) => {
    const [value, format] = argsOf(raw);
    return formatDate(value, typeof format === 'string' ? format : 'rfc3339');
  });
  handlebars.registerHelper('trim', (...raw: unknown[]) => text(argsOf(raw)[0], 'trim').trim());
}
