// `sys/policy` (the older API: `rules`, and `policies` beside `keys`) and `sys/policies/acl` (`policy`): list, read,
// write and delete ACL policies, with the shapes and messages of Vault's system backend.

import type { PolicyStore } from '../policy/policy-store.js';
import { PolicyChangeError } from '../policy/policy-store.js';
import { PolicyParseError } from '../policy/policy-document.js';
import type { DevResponse } from '../types.js';
import { badRequest, notFound } from '../types.js';

/** Which of the two APIs a request came through. */
export type PolicyApi = 'policy' | 'policies/acl';

const empty: DevResponse = { kind: 'empty' };

/** GET `sys/policy` or LIST `sys/policies/acl`: every name, `root` and `default` included. */
export function listPolicies(store: PolicyStore, api: PolicyApi): DevResponse {
  const keys = store.names();
  return { kind: 'logical', data: api === 'policy' ? { keys, policies: keys } : { keys } };
}

/** GET one policy: `{name, rules}` on the older API, `{name, policy}` on the newer; 404 when there is none. */
export function readPolicy(store: PolicyStore, api: PolicyApi, name: string): DevResponse {
  const found = store.read(name);
  if (found === undefined) throw notFound();
  return {
    kind: 'logical',
    data: { name: found.name, [api === 'policy' ? 'rules' : 'policy']: found.text },
  };
}

/** PUT/POST one policy from `policy` (or the older API's `rules`), plain or base64; 204. */
export function writePolicy(
  store: PolicyStore,
  api: PolicyApi,
  name: string,
  data: Record<string, unknown>,
): DevResponse {
  let text = stringOf(data.policy);
  if (text === '' && api === 'policy') text = stringOf(data.rules);
  if (text === '') throw badRequest("'policy' parameter not supplied or empty");
  try {
    store.write(name, decodeBase64(text));
  } catch (error) {
    if (error instanceof PolicyParseError) throw badRequest(`failed to parse policy: ${error.message}`);
    if (error instanceof PolicyChangeError) throw badRequest(error.message);
    throw error;
  }
  return empty;
}

/** DELETE one policy; 204 whether or not it existed (as Vault), 400 for `root` and `default`. */
export function deletePolicy(store: PolicyStore, name: string): DevResponse {
  try {
    store.delete(name);
  } catch (error) {
    if (error instanceof PolicyChangeError) throw badRequest(error.message);
    throw error;
  }
  return empty;
}

function stringOf(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

// Vault accepts a base64-encoded document: it decodes first and keeps the text as is when that fails.
function decodeBase64(text: string): string {
  const compact = text.trim();
  if (compact === '' || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return text;
  return Buffer.from(compact, 'base64').toString('utf8');
}
