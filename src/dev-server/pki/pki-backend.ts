// A PKI secrets engine mount (reference/vault-api.md §1): roots, roles, issue/sign, revoke and the read endpoints.

import { ignoredFieldsWarning } from '../token/framework-fields.js';
import type {
  Backend,
  BackendContext,
  BackendFactory,
  DevRequest,
  DevResponse,
  Operation,
} from '../types.js';
import { badRequest, notFound, unsupportedOperation, unsupportedPath } from '../types.js';
import { issueOrSign } from './pki-issue.js';
import { isUnauthenticatedRead, readEndpoint } from './pki-read.js';
import { revoke } from './pki-revoke.js';
import type { PkiRole } from './pki-roles.js';
import { ROLE_FIELDS, defaultRole, roleData, writeRole } from './pki-roles.js';
import { generateRoot } from './pki-root.js';
import { PkiState } from './pki-state.js';

const ROLE_NAME = /^\w(?:[\w.-]*\w)?$/;
const NO_ISSUER_WARNING =
  'Issuing Certificate was set to default, but no default issuing certificate (configurable at /config/issuers) is currently set';

/** The PKI backend's factory, registered under the mount type `pki`. */
export const createPkiBackend: BackendFactory = (context) => new PkiBackend(context);

class PkiBackend implements Backend {
  readonly type = 'pki';
  readonly #context: BackendContext;
  readonly #state = new PkiState();
  readonly #roles = new Map<string, PkiRole>();

  constructor(context: BackendContext) {
    this.#context = context;
  }

  isUnauthenticated(path: string, operation: Operation): boolean {
    return operation === 'read' && isUnauthenticatedRead(path);
  }

  async handle(request: DevRequest): Promise<DevResponse> {
    const { path, operation } = request;
    const now = this.#context.clock.now();
    if (operation === 'read') {
      const answer = await readEndpoint(this.#state, path, now);
      if (answer) return answer;
    }
    if (path === 'roles' || path === 'roles/') return this.#listRoles(operation);
    if (path === 'certs' || path === 'certs/') return this.#listCerts(operation);
    if (path.startsWith('root/generate/')) {
      if (operation !== 'update') throw unsupportedOperation();
      return generateRoot(this.#context, this.#state, path.slice('root/generate/'.length), request);
    }
    const [head = '', name = '', ...rest] = path.split('/');
    if (rest.length > 0) throw unsupportedPath();
    switch (head) {
      case 'roles':
        return this.#role(request, name);
      case 'issue':
      case 'sign':
        if (operation !== 'update') throw unsupportedOperation();
        return issueOrSign(this.#context, this.#state, this.#existingRole(name), request, head);
      case 'revoke':
        if (name !== '') throw unsupportedPath();
        if (operation !== 'update') throw unsupportedOperation();
        return revoke(this.#state, request, now);
      default:
        throw unsupportedPath();
    }
  }

  #existingRole(name: string): PkiRole {
    const role = this.#roles.get(name);
    if (!role) throw badRequest(`unknown role: ${name}`);
    return role;
  }

  #role(request: DevRequest, name: string): DevResponse {
    if (!ROLE_NAME.test(name)) throw unsupportedPath();
    switch (request.operation) {
      case 'read': {
        const role = this.#roles.get(name);
        if (!role) throw notFound();
        return { kind: 'logical', data: roleData(role) };
      }
      case 'update':
      case 'patch': {
        const existing = this.#roles.get(name);
        if (request.operation === 'patch' && !existing) throw notFound();
        const role = writeRole(request.operation === 'patch' ? existing! : defaultRole(), request.data);
        this.#roles.set(name, role);
        const warnings = ignoredFieldsWarning(request.data, ROLE_FIELDS);
        if (!this.#state.defaultIssuer) warnings.push(NO_ISSUER_WARNING);
        return {
          kind: 'logical',
          data: roleData(role),
          warnings: warnings.length > 0 ? warnings : undefined,
        };
      }
      case 'delete':
        this.#roles.delete(name);
        return { kind: 'empty' };
      default:
        throw unsupportedOperation();
    }
  }

  #listRoles(operation: Operation): DevResponse {
    if (operation !== 'list') throw unsupportedOperation();
    const keys = [...this.#roles.keys()].sort();
    if (keys.length === 0) throw notFound();
    return { kind: 'logical', data: { keys } };
  }

  #listCerts(operation: Operation): DevResponse {
    if (operation !== 'list') throw unsupportedOperation();
    const keys = this.#state.serials();
    if (keys.length === 0) throw notFound();
    return { kind: 'logical', data: { keys } };
  }
}
