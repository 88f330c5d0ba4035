// The `role/:name` endpoints every auth method has (write merges, read, list, delete), answered the same way by
// all three: only how a role is parsed and shown differs.

import { ignoredFieldsWarning } from '../token/framework-fields.js';
import type { DevRequest, DevResponse } from '../types.js';
import { notFound, unsupportedOperation } from '../types.js';

// framework.GenericNameRegex: a word character, optionally word characters, dots and dashes, ending in a word one.
const ROLE_NAME = /^\w(?:[\w.-]*\w)?$/;

/** How one auth method turns a request into a role and a role into its read-back `data`. */
export interface RoleCodec<T> {
  /** Field names the role endpoint knows (for the unrecognized-parameters warning). */
  readonly fields: readonly string[];
  /** Builds the stored role from the request, merging into `existing` on update; may return warnings. */
  write(
    name: string,
    existing: T | undefined,
    data: Readonly<Record<string, unknown>>,
  ): { role: T; warnings: string[] };
  read(role: T): Record<string, unknown>;
}

/** A role path split up: `role` / `role/` (the list) or `role/<name>[/<rest>]`. */
export interface RolePath {
  name?: string;
  rest: string;
}

/** Parses `<prefix>`, `<prefix>/` and `<prefix>/<name>/<rest…>`; undefined when the path is not a role path. */
export function parseRolePath(path: string, prefix = 'role'): RolePath | undefined {
  if (path === prefix || path === `${prefix}/`) return { rest: '' };
  if (!path.startsWith(`${prefix}/`)) return undefined;
  const [name = '', ...rest] = path.slice(prefix.length + 1).split('/');
  if (!ROLE_NAME.test(name)) return undefined;
  // Role names are case-insensitive in all three methods: they are stored lower-cased.
  return { name: name.toLowerCase(), rest: rest.join('/') };
}

/** Roles of one mount, by lower-cased name. */
export class RoleTable<T> {
  readonly #roles = new Map<string, T>();
  readonly #codec: RoleCodec<T>;

  constructor(codec: RoleCodec<T>) {
    this.#codec = codec;
  }

  /** The role with this name, if any. */
  get(name: string): T | undefined {
    return this.#roles.get(name.toLowerCase());
  }

  /** Every role name, sorted (lower-cased, as stored). */
  names(): string[] {
    return [...this.#roles.keys()].sort();
  }

  /** Every role, for lookups by something other than the name (AppRole's role_id). */
  values(): T[] {
    return [...this.#roles.values()];
  }

  /** Answers LIST `role` and read/write/delete `role/<name>`; `onDelete` lets the method drop what hangs off a role. */
  handle(request: DevRequest, path: RolePath, onDelete?: (name: string) => void): DevResponse {
    if (path.name === undefined) {
      if (request.operation !== 'list') throw unsupportedOperation();
      const keys = [...this.#roles.keys()].sort();
      if (keys.length === 0) throw notFound();
      return { kind: 'logical', data: { keys } };
    }
    const name = path.name;
    switch (request.operation) {
      case 'read': {
        const role = this.#roles.get(name);
        if (role === undefined) throw notFound();
        return { kind: 'logical', data: this.#codec.read(role) };
      }
      case 'update': {
        const { role, warnings } = this.#codec.write(name, this.#roles.get(name), request.data);
        this.#roles.set(name, role);
        const all = [...warnings, ...ignoredFieldsWarning(request.data, this.#codec.fields)];
        return all.length === 0 ? { kind: 'empty' } : { kind: 'logical', data: null, warnings: all };
      }
      case 'delete':
        this.#roles.delete(name);
        onDelete?.(name);
        return { kind: 'empty' };
      default:
        throw unsupportedOperation();
    }
  }
}
