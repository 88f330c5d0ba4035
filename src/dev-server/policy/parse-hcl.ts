// The small part of HCL (v1, as Vault parses policies) that policy documents use: blocks with string labels,
// `key = value` attributes, strings, numbers, booleans, lists and objects, `#`, `//` and `/* */` comments. Enough
// to read every policy Vault's docs show; anything else is a parse error naming the line.

/** One `key "label"… { … }` block or `key = value` attribute. */
export interface HclItem {
  readonly key: string;
  readonly labels: readonly string[];
  readonly value: HclValue;
  readonly line: number;
}

export type HclValue = string | number | boolean | readonly HclValue[] | HclObject;

/** A `{ … }` value: its items in order (a block body or an object literal). */
export interface HclObject {
  readonly kind: 'object';
  readonly items: readonly HclItem[];
}

/** A syntax error, with the 1-based line it was found on. */
export class HclSyntaxError extends Error {
  readonly code = 'DEV_SERVER_HCL_SYNTAX';
  constructor(message: string, line: number) {
    super(`At ${line}: ${message}`);
  }
}

interface Token {
  readonly type: 'string' | 'ident' | 'number' | 'punct';
  readonly text: string;
  readonly line: number;
}

const PATTERNS: readonly [Token['type'] | 'skip', RegExp][] = [
  ['skip', /\s+|#[^\n]*|\/\/[^\n]*|\/\*[\s\S]*?\*\//y],
  ['string', /"((?:[^"\\\n]|\\.)*)"/y],
  ['number', /-?\d+(?:\.\d+)?/y],
  ['ident', /[A-Za-z_][A-Za-z0-9_.-]*/y],
  ['punct', /[{}[\]=,]/y],
];

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  let line = 1;
  outer: while (at < text.length) {
    for (const [type, pattern] of PATTERNS) {
      pattern.lastIndex = at;
      const match = pattern.exec(text);
      if (match === null) continue;
      if (type !== 'skip') {
        const value = type === 'string' ? unescape(match[1] ?? '', line) : match[0];
        tokens.push({ type, text: value, line });
      }
      line += (match[0].match(/\n/g) ?? []).length;
      at = pattern.lastIndex;
      continue outer;
    }
    throw new HclSyntaxError(`illegal char ${JSON.stringify(text[at])}`, line);
  }
  return tokens;
}

function unescape(raw: string, line: number): string {
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    throw new HclSyntaxError(`invalid string escape in "${raw}"`, line);
  }
}

/** Parses a document into its top-level items. */
export function parseHcl(text: string): HclItem[] {
  const tokens = tokenize(text);
  let position = 0;
  const peek = (): Token | undefined => tokens[position];
  const lastLine = (): number => tokens.at(-1)?.line ?? 1;
  const next = (what: string): Token => {
    const token = tokens[position++];
    if (token === undefined) throw new HclSyntaxError(`expected ${what}, got end of file`, lastLine());
    return token;
  };
  const expect = (text: string): void => {
    const token = next(JSON.stringify(text));
    if (token.text !== text || token.type !== 'punct')
      throw new HclSyntaxError(
        `expected ${JSON.stringify(text)}, got ${JSON.stringify(token.text)}`,
        token.line,
      );
  };

  const body = (closing: string | undefined): HclItem[] => {
    const items: HclItem[] = [];
    for (;;) {
      const token = peek();
      if (token === undefined) {
        if (closing === undefined) return items;
        throw new HclSyntaxError(`expected ${JSON.stringify(closing)}, got end of file`, lastLine());
      }
      if (token.type === 'punct' && token.text === closing) return items;
      if (token.type === 'punct' && token.text === ',' && closing !== undefined) {
        position++;
        continue;
      }
      items.push(item());
    }
  };

  const item = (): HclItem => {
    const key = next('a key');
    if (key.type !== 'ident' && key.type !== 'string')
      throw new HclSyntaxError(`expected a key, got ${JSON.stringify(key.text)}`, key.line);
    const labels: string[] = [];
    while (peek()?.type === 'string') labels.push(next('a label').text);
    const token = peek();
    if (token?.type === 'punct' && token.text === '=') {
      position++;
      return { key: key.text, labels, value: value(), line: key.line };
    }
    expect('{');
    const items = body('}');
    expect('}');
    return { key: key.text, labels, value: { kind: 'object', items }, line: key.line };
  };

  const value = (): HclValue => {
    const token = next('a value');
    if (token.type === 'string') return token.text;
    if (token.type === 'number') return Number(token.text);
    if (token.type === 'ident' && (token.text === 'true' || token.text === 'false'))
      return token.text === 'true';
    if (token.text === '[') {
      const list: HclValue[] = [];
      while (peek()?.text !== ']') {
        list.push(value());
        if (peek()?.text === ',') position++;
        else if (peek()?.text !== ']') throw new HclSyntaxError('expected "," or "]" in a list', token.line);
      }
      expect(']');
      return list;
    }
    if (token.text === '{') {
      const items = body('}');
      expect('}');
      return { kind: 'object', items };
    }
    throw new HclSyntaxError(`unexpected ${JSON.stringify(token.text)}`, token.line);
  };

  return body(undefined);
}
