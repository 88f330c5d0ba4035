import { loadHandlebars } from '../lib/load-handlebars.js';

/**
 * Why inline template `contents` does not parse as Handlebars, in one short line, or undefined when it does. Run at
 * load (and so by `check`), so a template that cannot compile is a config error with its position rather than a
 * failed render pass at the first certificate.
 */
export function handlebarsSyntaxProblem(contents: string): string | undefined {
  try {
    loadHandlebars().parse(contents);
    return undefined;
  } catch (error) {
    const lines = (error instanceof Error ? error.message : String(error)).split('\n');
    const first = lines[0] ?? 'does not parse';
    const line = /^Parse error on line (\d+)/.exec(first)?.[1];
    const got = /got '([^']+)'\s*$/.exec(lines.at(-1) ?? '')?.[1];
    if (line !== undefined && got !== undefined) {
      const what =
        got === 'EOF'
          ? 'the template ends inside {{…}} or an open block'
          : `unexpected ${got.toLowerCase().replace(/_/g, ' ')} token`;
      return `Handlebars parse error on line ${line} of the template: ${what}`;
    }
    const mismatch = /^(\S+) doesn't match (\S+) - (\d+):(\d+)$/.exec(first);
    if (mismatch) {
      const [, opened, closed, row, col] = mismatch;
      return `Handlebars: {{#${opened}}} at line ${row}, column ${Number(col) + 1} of the template is closed by {{/${closed}}}`;
    }
    return `Handlebars: ${first}`;
  }
}
