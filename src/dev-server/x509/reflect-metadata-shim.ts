// @peculiar/x509 resolves its algorithm providers through tsyringe, which refuses to load unless the
// `reflect-metadata` API exists. The dev server carries its own copy of this small WeakMap-backed stand-in (the
// agent has one in certs/) so the two never share code: a bug on one side must not hide on the other. It installs
// nothing when the API is already present (a real polyfill, or the agent's copy in the same process).
// Import this module before @peculiar/x509 (./x509.ts does).

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
