// The dev server's composition root: state objects, the backends, dev-mode mounts, and the listener. Like
// `vault server -dev` it starts initialised and unsealed with a root token; everything lives in memory.

import { randomBytes, randomUUID } from 'node:crypto';
import { DevServerError } from './dev-server-error.js';
import { createBackendRegistry } from './core/backend-registry.js';
import { mountDevDefaults, mountDevPki } from './core/dev-mode.js';
import type { RegisteredBackend } from './core/mount-table.js';
import { MountTable } from './core/mount-table.js';
import { SealState } from './core/seal-state.js';
import { produceReply } from './core/vault-core.js';
import { FaultInjector } from './faults/fault-injector.js';
import { RequestLog } from './faults/request-log.js';
import { listen } from './http/http-listener.js';
import { requestListener } from './http/serve-request.js';
import { createDevTlsIdentity } from './http/self-signed-cert.js';
import { PolicyStore } from './policy/policy-store.js';
import type { SysContext } from './sys/sys-context.js';
import { randomBase62 } from './token/token-ids.js';
import { MemoryTokenStore } from './token/token-store.js';
import type { DevClock } from './types.js';
import { WrappingStore } from './wrapping/wrapping-store.js';

/** How to start the dev server. */
export interface DevServerOptions {
  /** Listen address; loopback unless told otherwise. */
  readonly host?: string;
  /** 8200 by default; 0 lets the OS choose. */
  readonly port?: number;
  /** The root token's id; a random `hvs.` token by default. */
  readonly rootToken?: string;
  /** Where token, lease and wrapping times come from (a fake clock in tests). */
  readonly clock?: DevClock;
  /** Serve HTTPS with a throwaway CA (its PEM is `caPem`). */
  readonly tls?: boolean;
  /** Mount `pki/` with a root CA and the `dev` role (default true). */
  readonly defaultPki?: boolean;
  /** Extra or replacement backend types (tests mount fakes with this). */
  readonly backends?: ReadonlyMap<string, RegisteredBackend>;
}

/** A running dev server. */
export interface DevServer {
  /** `http://127.0.0.1:PORT` (https with `tls`): what VAULT_ADDR should be. */
  readonly address: string;
  readonly port: number;
  readonly rootToken: string;
  /** Base64, as `vault server -dev` prints it; `sys/unseal` takes it. */
  readonly unsealKey: string;
  /** The CA that signed the server's TLS certificate (tls only). */
  readonly caPem: string | undefined;
  readonly faults: FaultInjector;
  readonly requests: RequestLog;
  readonly tokens: MemoryTokenStore;
  /** The ACL policies (`default`, `root`, and what `sys/policy` wrote). */
  readonly policies: PolicyStore;
  readonly mounts: MountTable;
  readonly clock: DevClock;
  readonly sealed: boolean;
  seal(): void;
  unseal(): void;
  close(): Promise<void>;
}

/** The system-wide lease TTLs of Vault: 768h each. */
export const SYSTEM_TTLS = { defaultLeaseTtl: 2_764_800, maxLeaseTtl: 2_764_800 } as const;

const realClock: DevClock = { now: () => Date.now() };

/** Starts a dev server and resolves once it listens with its dev-mode mounts in place. */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const host = options.host ?? '127.0.0.1';
  const clock = options.clock ?? realClock;
  const rootToken = options.rootToken ?? `hvs.${randomBase62(24)}`;
  const tokens = new MemoryTokenStore(clock, SYSTEM_TTLS);
  const policies = new PolicyStore();
  const registry = createBackendRegistry(tokens, policies);
  for (const [type, backend] of options.backends ?? []) registry.set(type, backend);
  const mounts = new MountTable({ clock, tokens, system: SYSTEM_TTLS, registry });
  const root = tokens.createRoot(rootToken);
  mountDevDefaults(mounts);
  if (options.defaultPki ?? true) await mountDevPki(mounts, root);

  const context: SysContext = {
    mounts,
    seal: new SealState(),
    tokens,
    policies,
    wrapping: new WrappingStore(clock),
    faults: new FaultInjector(),
    requests: new RequestLog(),
    clock,
    system: SYSTEM_TTLS,
    cluster: { name: `vault-cluster-${randomBytes(4).toString('hex')}`, id: randomUUID() },
  };
  const tls = options.tls ? await createDevTlsIdentity(host, clock.now()) : undefined;
  const handler = requestListener({
    faults: context.faults,
    requests: context.requests,
    clock,
    produce: (request, url, path) => produceReply(context, request, url, path),
  });
  const listener = await listen({ host, port: options.port ?? 8200, tls }, handler).catch(
    (error: unknown) => {
      throw new DevServerError(`cannot listen on ${host}:${options.port ?? 8200}: ${String(error)}`, {
        cause: error,
      });
    },
  );
  return {
    address: listener.address,
    port: listener.port,
    rootToken,
    unsealKey: context.seal.unsealKey,
    caPem: tls?.caPem,
    faults: context.faults,
    requests: context.requests,
    tokens,
    policies,
    mounts,
    clock,
    get sealed() {
      return context.seal.sealed;
    },
    seal: () => context.seal.seal(),
    unseal: () => context.seal.forceUnseal(),
    close: () => listener.close(),
  };
}
