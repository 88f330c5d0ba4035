// What the `sys/` handlers share: the server's state objects and the identity it reports.

import type { FaultInjector } from '../faults/fault-injector.js';
import type { RequestLog } from '../faults/request-log.js';
import type { MountTable } from '../core/mount-table.js';
import type { SealState } from '../core/seal-state.js';
import type { PolicyStore } from '../policy/policy-store.js';
import type { DevClock, TokenStore } from '../types.js';
import type { WrappingStore } from '../wrapping/wrapping-store.js';

/** The Vault version the dev server answers as (its API shapes follow this release). */
export const VAULT_VERSION = '1.18.3';
/** The build date Vault 1.18.3 reports in `sys/seal-status`. */
export const VAULT_BUILD_DATE = '2024-12-16T14:00:53Z';

/** The dev server's state, as the sys/ handlers see it. */
export interface SysContext {
  readonly mounts: MountTable;
  readonly seal: SealState;
  readonly tokens: TokenStore;
  readonly policies: PolicyStore;
  readonly wrapping: WrappingStore;
  readonly faults: FaultInjector;
  readonly requests: RequestLog;
  readonly clock: DevClock;
  readonly system: { readonly defaultLeaseTtl: number; readonly maxLeaseTtl: number };
  readonly cluster: { readonly name: string; readonly id: string };
}
