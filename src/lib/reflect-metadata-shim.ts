// @peculiar/x509 resolves its algorithm providers through tsyringe, which refuses to load unless the
// `reflect-metadata` API exists. We only need the three functions tsyringe calls, so a small WeakMap-backed
// version stands in for the polyfill package rather than adding a dependency. It installs nothing when a real
// polyfill is already present. Import this module before @peculiar/x509 (src/certs/x509.ts and
// src/dev-server/x509/x509.ts do). It lives in lib/ because it is plumbing for a library, not certificate logic: the
// dev server sharing it cannot hide an agent bug, and one copy cannot drift from the other.

type Metadata = Map<unknown, unknown>;

interface ReflectMetadataApi {
  defineMetadata?: (key: unknown, value: unknown, target: object) => void;
  getOwnMetadata?: (key: unknown, target: object) => unknown;
  getMetadata?: (key: unknown, target: object) => unknown;
}

const store = new WeakMap<object, Metadata>();
const api = Reflect as unknown as ReflectMetadataApi;

const own = (key: unknown, target: object): unknown => store.get(target)?.get(key);

if (typeof api.getMetadata !== 'function') {
  api.defineMetadata = (key, value, target) => {
    let entries = store.get(target);
    if (!entries) {
      entries = new Map();
      store.set(target, entries);
    }
    entries.set(key, value);
  };
  api.getOwnMetadata = own;
  api.getMetadata = (key, target) => {
    // Metadata is inherited along the prototype chain, as in the reflect-metadata proposal.
    for (let at: object | null = target; at !== null; at = Object.getPrototypeOf(at) as object | null) {
      const value = own(key, at);
      if (value !== undefined) return value;
    }
    return undefined;
  };
}

export {};
