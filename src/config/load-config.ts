import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { z } from 'zod';
import { ConfigError } from '../lib/errors.js';
import { buildRuntimeConfig } from './build-runtime.js';
import { crossCheck } from './cross-checks.js';
import { deepFreeze } from './deep-freeze.js';
import type { ConfigProblem, Position } from './problems.js';
import { formatProblem } from './problems.js';
import type { RuntimeConfig } from './runtime-config.js';
import { checkTemplateFiles } from './template-file-checks.js';
import { configSchema, describe } from './schema.js';
import type { ConfigPath } from './yaml-source.js';
import { parseYamlSource, pathKey } from './yaml-source.js';

/** Where the config is read and how. */
export interface LoadConfigOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** `run --dev`: no address or token is required (the in-process dev server supplies them). */
  readonly dev?: boolean;
  /**
   * False for a caller that wants a setting, not a config to run (`rotate` needs only listener.address): the
   * template `source` files are the running agent's concern, and one load would refuse (a secret not declared
   * yet, a file being edited) must not stop such a caller. Default true.
   */
  readonly readTemplateFiles?: boolean;
}

/**
 * Reads one or more YAML files (later files win for scalars, maps merge, lists replace), validates them and
 * returns the frozen runtime config. Throws ConfigError listing every problem as `FILE:LINE:COL: path: message`.
 */
export async function loadConfig(
  files: readonly string[],
  options: LoadConfigOptions = {},
): Promise<RuntimeConfig> {
  const cwd = options.cwd ?? process.cwd();
  const texts: { file: string; text: string }[] = [];
  const unreadable: string[] = [];
  for (const name of files) {
    const file = resolve(cwd, name);
    try {
      texts.push({ file, text: await readFile(file, 'utf8') });
    } catch (error) {
      unreadable.push(`${name}: cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
  }
  if (unreadable.length > 0) throw new ConfigError(unreadable);
  const checked = checkTexts(texts, { ...options, cwd });
  // Only here, not in parseConfigTexts: reading the template files is I/O, and paths mean something only on disk.
  if (checked.config && options.readTemplateFiles !== false)
    await checkTemplateFiles(checked.config, checked.problems);
  return finish(checked);
}

/**
 * The pure half of loadConfig, kept as a seam: the same merge and checks on texts already in memory, with no I/O
 * at all, so template `source` files are not read (`readTemplateFiles` is ignored). No command calls it; tests,
 * the fuzzer and the fault harness build configs with it. A test of what loadConfig does on disk (reading the -c
 * files, the template source checks) must call loadConfig.
 */
export function parseConfigTexts(
  texts: readonly { file: string; text: string }[],
  options: LoadConfigOptions = {},
): RuntimeConfig {
  return finish(checkTexts(texts, options));
}

/** What the texts hold and what is wrong with them; `config` only when the schema accepted them. */
interface Checked {
  readonly config: RuntimeConfig | undefined;
  readonly problems: ConfigProblem[];
  readonly positions: ReadonlyMap<string, Position>;
  readonly fallback: string;
}

function checkTexts(texts: readonly { file: string; text: string }[], options: LoadConfigOptions): Checked {
  const env = options.env ?? process.env;
  const positions = new Map<string, Position>();
  const problems: ConfigProblem[] = [];
  let merged: unknown = {};
  let syntaxBroken = false;
  for (const { file, text } of texts) {
    const source = parseYamlSource(text, file, env);
    problems.push(...source.problems);
    if (source.value === undefined) {
      syntaxBroken = true;
      continue;
    }
    if (!isPlainObject(source.value)) {
      problems.push({
        path: [],
        position: { file, line: 1, col: 1 },
        message: 'the file must hold a YAML map',
      });
      continue;
    }
    forgetReplaced(positions, merged, source.value, []);
    for (const [key, position] of source.positions) positions.set(key, position);
    merged = mergeValues(merged, source.value);
  }
  // A file that does not parse has no values: every check past this point would only add follow-on problems
  // (a missing address, a missing token) that are not really there.
  if (syntaxBroken) {
    const fallback = texts[0]?.file ?? 'config';
    throw new ConfigError(problems.map((problem) => formatProblem(problem, positions, fallback).text));
  }
  crossCheck(merged, problems);
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) problems.push(...parsed.error.issues.flatMap((issue) => problemsOf(issue, merged)));
  const config = parsed.success
    ? buildRuntimeConfig(
        parsed.data,
        {
          sources: texts.map((t) => t.file),
          positions,
          env,
          cwd: options.cwd ?? process.cwd(),
          dev: options.dev ?? false,
        },
        problems,
      )
    : undefined;
  return { config, problems, positions, fallback: texts[0]?.file ?? 'config' };
}

/** The frozen config, or a ConfigError with every problem, in file order. */
function finish({ config, problems, positions, fallback }: Checked): RuntimeConfig {
  if (problems.length > 0 || !config) {
    const lines = problems.map((problem) => formatProblem(problem, positions, fallback));
    lines.sort((a, b) => compare(a.position, b.position));
    throw new ConfigError([...new Set(lines.map((line) => line.text))]);
  }
  return deepFreeze(config);
}

function problemsOf(issue: z.core.$ZodIssue, root: unknown): ConfigProblem[] {
  const path = issue.path.filter((part): part is string | number => typeof part !== 'symbol');
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({ path: [...path, key], atKey: true, message: 'unknown key' }));
    case 'invalid_type': {
      const value = valueAt(root, path);
      if (value === undefined) return [{ path, message: 'is required' }];
      return [{ path, message: `must be ${article(issue.expected)}, got ${describe(value)}` }];
    }
    case 'invalid_value':
      return [
        {
          path,
          message: `must be one of ${issue.values.map(String).join(', ')}, got ${describe(valueAt(root, path))}`,
        },
      ];
    case 'too_small':
    case 'too_big': {
      const value = valueAt(root, path);
      if (typeof value !== 'number') return [{ path, message: issue.message }];
      const bound = issue.code === 'too_small' ? `at least ${issue.minimum}` : `at most ${issue.maximum}`;
      return [{ path, message: `must be ${bound}, got ${value}` }];
    }
    case 'invalid_key':
      // A map key the record refuses (`certificates:` and `secrets:` names): the key's own rule says why.
      return [{ path, atKey: true, message: issue.issues[0]?.message ?? issue.message }];
    default:
      return [{ path, message: issue.message }];
  }
}

function article(expected: string): string {
  const names: Record<string, string> = {
    object: 'a map',
    record: 'a map',
    array: 'a list',
    string: 'a string',
    number: 'a number',
    int: 'an integer',
    boolean: 'true or false',
  };
  return names[expected] ?? expected;
}

function valueAt(root: unknown, path: ConfigPath): unknown {
  let value = root;
  for (const part of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[part];
  }
  return value;
}

function mergeValues(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over))
    out[key] = key in out ? mergeValues(out[key], value) : value;
  return out;
}

/**
 * Drops the positions of values a later file replaces (a list or scalar over an earlier one), so that a problem
 * inside the replacement never points into the earlier file's text.
 */
function forgetReplaced(
  positions: Map<string, Position>,
  base: unknown,
  over: unknown,
  path: ConfigPath,
): void {
  if (isPlainObject(base) && isPlainObject(over)) {
    for (const [key, value] of Object.entries(over)) {
      if (key in base) forgetReplaced(positions, base[key], value, [...path, key]);
    }
    return;
  }
  const prefix = pathKey(path).slice(0, -1);
  for (const key of [...positions.keys()]) {
    if (key.startsWith(`${prefix},`) || key.startsWith(`${prefix}]`)) positions.delete(key);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function compare(a: Position | undefined, b: Position | undefined): number {
  if (!a || !b) return a ? -1 : b ? 1 : 0;
  return a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col;
}
