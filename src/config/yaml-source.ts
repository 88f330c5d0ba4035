import { isMap, isScalar, isSeq, parse, parseDocument } from 'yaml';
import type { Node } from 'yaml';
import { expandEnv } from './expand-env.js';
import type { ConfigPath, ConfigProblem, Position } from './problems.js';
import { pathKey } from './problems.js';

// ConfigPath and pathKey live in problems.ts (the lower module) so the two files do not import each other;
// they are re-exported here for the modules that read them beside the YAML source.
export type { ConfigPath };
export { pathKey };

/** One file read with positions: its plain value, where each node sits, and what was wrong with the text. */
export interface YamlSource {
  readonly value: unknown;
  /** `pathKey(path)` → position of the value; `pathKey(path) + '#key'` → position of the key itself. */
  readonly positions: Map<string, Position>;
  readonly problems: ConfigProblem[];
}

/**
 * Parses YAML with the document API so that every value keeps its line and column, and expands `${VAR}` in
 * string scalars as it goes (an unset variable is a problem at that scalar). Syntax errors are problems too.
 */
export function parseYamlSource(text: string, file: string, env: NodeJS.ProcessEnv): YamlSource {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  const positions = new Map<string, Position>();
  const problems: ConfigProblem[] = [];
  const linePos = lineLocator(text);
  const at = (offset: number | undefined): Position => ({ file, ...linePos(offset ?? 0) });
  for (const error of doc.errors) {
    problems.push({ path: [], position: at(error.pos[0]), message: `YAML: ${error.message.split('\n')[0]}` });
  }
  if (doc.errors.length > 0) return { value: undefined, positions, problems };

  const convert = (node: Node | null | undefined, path: (string | number)[]): unknown => {
    if (node === null || node === undefined) return null;
    positions.set(pathKey(path), at(node.range?.[0]));
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      for (const pair of node.items) {
        const keyNode = pair.key as Node | null;
        const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
        positions.set(`${pathKey([...path, key])}#key`, at(keyNode?.range?.[0]));
        out[key] = convert(pair.value as Node | null, [...path, key]);
        if (pair.value === null) positions.set(pathKey([...path, key]), at(keyNode?.range?.[0]));
      }
      return out;
    }
    if (isSeq(node)) return node.items.map((item, index) => convert(item as Node, [...path, index]));
    if (isScalar(node)) {
      if (typeof node.value !== 'string') return node.value;
      const expanded = expandEnv(node.value, env);
      if (expanded.missing.length > 0) {
        problems.push({
          path,
          position: at(node.range?.[0]),
          message: `environment variable ${expanded.missing.map((name) => `\${${name}}`).join(', ')} is not set (use \${NAME:-default} for a default)`,
        });
      }
      return node.type === 'PLAIN' && expanded.value !== node.value ? retype(expanded.value) : expanded.value;
    }
    problems.push({
      path,
      position: at(node.range?.[0]),
      message: 'unsupported YAML node (aliases are not allowed)',
    });
    return null;
  };
  const value = convert(doc.contents as Node | null, []);
  return { value: value ?? {}, positions, problems };
}

/**
 * An unquoted `${VAR}` takes the type YAML would give the expanded text, so `tls_skip_verify: ${SKIP:-false}` is a
 * boolean and `max_concurrent_requests: ${N}` a number, as if written literally. Quoting keeps it a string.
 */
function retype(text: string): unknown {
  try {
    const value: unknown = parse(text);
    return typeof value === 'boolean' || typeof value === 'number' ? value : text;
  } catch {
    return text;
  }
}

/**
 * Offset → 1-based line and column, from the text itself. (yaml's LineCounter learns line starts while lexing and
 * so misplaces an error the lexer stopped at, e.g. one reported just past the last newline.) Line breaks are
 * `\r\n`, `\r` or `\n`, as editors count them; an offset past the end is the end.
 */
export function lineLocator(text: string): (offset: number) => { line: number; col: number } {
  const starts = [0];
  for (const match of text.matchAll(/\r\n|\r|\n/g)) starts.push(match.index + match[0].length);
  return (offset) => {
    let at = Math.max(0, Math.min(offset, text.length));
    if (text[at] === '\n' && text[at - 1] === '\r') at--; // inside a \r\n: the end of that line
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (starts[middle]! <= at) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, col: at - starts[low]! + 1 };
  };
}
