import type { RenderContext } from './secret-context.js';

const MIN_REDACTED_LENGTH = 4;

/**
 * A render failure's message, safe to log. Handlebars and V8 quote the value they failed on: `{{private_key.x}}`
 * fails with "Cannot use 'in' operator to search for 'x' in -----BEGIN PRIVATE KEY-----…", so known shapes are
 * rewritten to name the field only, and any context value that still appears is cut out.
 */
export function renderErrorMessage(error: unknown, context: RenderContext): string {
  const raw = error instanceof Error ? error.message : String(error);
  let message = (raw.split('\n')[0] ?? '').trim() || 'render failed';
  message = message
    .replace(/^"([^"]*)" not defined in .*?( - \d+:\d+)?$/s, (_all, field: string, loc?: string) =>
      `"${field}" not defined${loc ?? ''}`,
    )
    .replace(
      /^Cannot use 'in' operator to search for '([^']*)' in .*$/s,
      (_all, field: string) => `cannot look up "${field}": the value it is looked up in is not an object`,
    );
  for (const value of contextStrings(context)) {
    if (value.length >= MIN_REDACTED_LENGTH && message.includes(value))
      message = message.split(value).join('[redacted]');
    // A message may hold only the first line of a multi-line PEM value.
    const firstLine = value.split('\n')[0] ?? '';
    if (firstLine !== value && firstLine.length >= MIN_REDACTED_LENGTH && message.includes(firstLine))
      message = `${message.slice(0, message.indexOf(firstLine))}[redacted]`;
  }
  return message;
}

/** Every string in the context, nested ones included (KV secrets sit under `secret.<name>.data`). */
function contextStrings(context: RenderContext): string[] {
  const out: string[] = [];
  const visit = (value: unknown): void => {
    if (typeof value === 'string') out.push(value);
    else if (Array.isArray(value)) for (const item of value) visit(item);
    else if (typeof value === 'object' && value !== null) for (const item of Object.values(value)) visit(item);
  };
  visit(context);
  return out;
}
