// The dev server's public surface: start one, and the types its users (tests, `certagent run --dev`) handle.

export { startDevServer, SYSTEM_TTLS } from './start-dev-server.js';
export type { DevServer, DevServerOptions } from './start-dev-server.js';
export { DevServerError } from './dev-server-error.js';
export { FaultInjector, InvalidFaultError } from './faults/fault-injector.js';
export type { ActiveFault, FaultSpec } from './faults/fault-injector.js';
export { RequestLog } from './faults/request-log.js';
export type { RequestRecord } from './faults/request-log.js';
export { DEV_PKI } from './core/dev-mode.js';
export { PolicyChangeError, PolicyStore } from './policy/policy-store.js';
export { PolicyParseError, parsePolicyDocument } from './policy/policy-document.js';
export type { Capability, PathRule } from './policy/policy-document.js';
