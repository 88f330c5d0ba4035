/** A config path: keys and list indexes from the root. */
export type ConfigPath = readonly (string | number)[];

/** The map key of a path (the key of a position in a YamlSource). */
export function pathKey(path: ConfigPath): string {
  return JSON.stringify(path);
}

/** Where a node sits: 1-based line and column. */
export interface Position {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

/** One thing wrong with the configuration. `position` is found from `path` when not given. */
export interface ConfigProblem {
  readonly path: ConfigPath;
  readonly message: string;
  readonly position?: Position;
  /** Point at the key rather than its value (unknown keys). */
  readonly atKey?: boolean;
}

/**
 * `a.b[0].c` as users read paths. A key that would not read back as itself there (empty, blank, with a dot,
 * a bracket or a character outside ASCII letters, digits, `_` and `-`) is quoted: `certificates["web.v2"]`,
 * `[" "]`.
 */
export function formatPath(path: ConfigPath): string {
  return path.reduce<string>((out, part) => {
    if (typeof part === 'number') return `${out}[${part}]`;
    if (!/^[A-Za-z0-9_-]+$/.test(part)) return `${out}[${JSON.stringify(part)}]`;
    return out === '' ? part : `${out}.${part}`;
  }, '');
}

/**
 * `FILE:LINE:COL: path: message`, positioned at the node itself or, when it is absent (a missing key), at the
 * nearest enclosing node that exists; problems about no node at all point at the start of the first file.
 */
export function formatProblem(
  problem: ConfigProblem,
  positions: ReadonlyMap<string, Position>,
  fallbackFile: string,
): { text: string; position: Position | undefined } {
  const position = problem.position ?? locateProblem(problem, positions);
  // A problem about no node at all (nothing to authenticate with, in a file whose YAML did not parse) still gets
  // a position, the start of the first file, so every line has the one shape tools and editors parse.
  const where = position ? `${position.file}:${position.line}:${position.col}` : `${fallbackFile}:1:1`;
  const path = formatPath(problem.path);
  return { text: `${where}: ${path === '' ? '' : `${path}: `}${problem.message}`, position };
}

/** The position of the problem's node, or of its nearest existing ancestor. */
export function locateProblem(
  problem: ConfigProblem,
  positions: ReadonlyMap<string, Position>,
): Position | undefined {
  if (problem.atKey) {
    const key = positions.get(`${pathKey(problem.path)}#key`);
    if (key) return key;
  }
  for (let length = problem.path.length; length >= 0; length--) {
    const found = positions.get(pathKey(problem.path.slice(0, length)));
    if (found) return found;
  }
  return undefined;
}
