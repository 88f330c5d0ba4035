// A policy document (HCL or JSON, as `sys/policy` and `sys/policies/acl` accept) read into its path rules, with
// Vault's checks: known keys only, known capabilities only, the legacy `policy = "read"` form mapped to
// capabilities as Vault maps it.

import type { HclItem, HclValue } from './parse-hcl.js';
import { HclSyntaxError, parseHcl } from './parse-hcl.js';

/** The capabilities a path rule may grant. `deny` overrides everything. */
export const CAPABILITIES = [
  'deny',
  'create',
  'read',
  'update',
  'delete',
  'list',
  'sudo',
  'patch',
  'subscribe',
  'recover',
] as const;
export type Capability = (typeof CAPABILITIES)[number];

/** One `path "…" { … }` block. */
export interface PathRule {
  /** As written, without a leading slash: `pki/sign/web`, `secret/*`, `secret/+/config`. */
  readonly path: string;
  readonly capabilities: ReadonlySet<Capability>;
}

/** A document that is not a valid policy; the message is what Vault puts after `failed to parse policy: `. */
export class PolicyParseError extends Error {
  readonly code = 'DEV_SERVER_POLICY_PARSE';
}

// Vault's pre-0.5 `policy = "…"` values and the capabilities it gives them (vault/policy.go).
const LEGACY: Record<string, Capability[]> = {
  deny: ['deny'],
  read: ['read', 'list'],
  write: ['read', 'list', 'create', 'update', 'delete'],
  sudo: ['read', 'list', 'create', 'update', 'delete', 'sudo'],
};

// Keys Vault accepts in a path block; only the capabilities matter to the dev server's checks.
const PATH_KEYS = new Set([
  'policy',
  'capabilities',
  'allowed_parameters',
  'denied_parameters',
  'required_parameters',
  'min_wrapping_ttl',
  'max_wrapping_ttl',
  'mfa_methods',
  'control_group',
  'subscribe_event_types',
]);

/** Reads a policy document; throws PolicyParseError. */
export function parsePolicyDocument(text: string): PathRule[] {
  let items: HclItem[];
  try {
    items = text.trimStart().startsWith('{') ? fromJson(text) : parseHcl(text);
  } catch (error) {
    if (error instanceof HclSyntaxError || error instanceof SyntaxError) {
      throw new PolicyParseError(error.message, { cause: error });
    }
    throw error;
  }
  const rules: PathRule[] = [];
  for (const item of items) {
    if (item.key === 'name') continue;
    if (item.key !== 'path') throw new PolicyParseError(`invalid key "${item.key}" on line ${item.line}`);
    rules.push(...pathRules(item));
  }
  return rules;
}

function pathRules(item: HclItem): PathRule[] {
  // `path "a" { … }` has one label; the JSON form `"path": {"a": {…}, "b": {…}}` arrives as an object of blocks.
  if (item.labels.length === 0 && isObject(item.value)) {
    return item.value.items.flatMap((inner) => pathRules({ ...inner, labels: [inner.key] }));
  }
  const [path] = item.labels;
  if (path === undefined || item.labels.length !== 1 || !isObject(item.value)) {
    throw new PolicyParseError(`path block on line ${item.line} needs one label and a body`);
  }
  const capabilities = new Set<Capability>();
  for (const field of item.value.items) {
    if (!PATH_KEYS.has(field.key)) {
      throw new PolicyParseError(
        `path ${JSON.stringify(path)}: invalid key "${field.key}" on line ${field.line}`,
      );
    }
    if (field.key === 'policy') {
      const legacy = typeof field.value === 'string' ? LEGACY[field.value] : undefined;
      if (legacy === undefined) {
        throw new PolicyParseError(
          `path ${JSON.stringify(path)}: invalid policy ${JSON.stringify(field.value)}`,
        );
      }
      legacy.forEach((c) => capabilities.add(c));
    }
    if (field.key === 'capabilities') {
      const list = Array.isArray(field.value) ? field.value : [field.value];
      for (const capability of list) {
        if (!(CAPABILITIES as readonly HclValue[]).includes(capability)) {
          throw new PolicyParseError(
            `path ${JSON.stringify(path)}: invalid capability ${JSON.stringify(capability)}`,
          );
        }
        capabilities.add(capability as Capability);
      }
    }
  }
  // A deny anywhere in a block leaves only the deny (Vault drops the rest).
  const granted = capabilities.has('deny') ? new Set<Capability>(['deny']) : capabilities;
  return [{ path: path.replace(/^\/+/, ''), capabilities: granted }];
}

function isObject(value: HclValue): value is Extract<HclValue, { kind: 'object' }> {
  return typeof value === 'object' && !Array.isArray(value) && (value as { kind?: string }).kind === 'object';
}

// JSON policies are HCL's JSON form: an object whose `path` is an object keyed by the path patterns.
function fromJson(text: string): HclItem[] {
  const toValue = (value: unknown): HclValue => {
    if (Array.isArray(value)) return value.map(toValue);
    if (value !== null && typeof value === 'object') return { kind: 'object', items: toItems(value) };
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
    throw new PolicyParseError(`unsupported JSON value ${JSON.stringify(value)}`);
  };
  const toItems = (object: object): HclItem[] =>
    Object.entries(object).map(([key, value]) => ({ key, labels: [], value: toValue(value), line: 1 }));
  const parsed: unknown = JSON.parse(text);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new PolicyParseError('a JSON policy must be an object');
  }
  return toItems(parsed);
}
