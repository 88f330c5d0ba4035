// A TLS certificate auth mount (`auth/<path>/`, reference/vault-api.md §3): roles under `certs/<name>` trusting a
// CA (or a leaf) PEM, and a login whose identity is the client certificate of the TLS handshake. Dev semantics:
// chain, validity and allowed_common_names are checked; CRLs, OCSP and other constraints are not.

import { X509Certificate } from 'node:crypto';
import { commaListField, ignoredFieldsWarning, stringField } from '../token/framework-fields.js';
import type { MemoryTokenStore } from '../token/token-store.js';
import type { BackendContext, BackendFactory, DevRequest, DevResponse } from '../types.js';
import { badRequest } from '../types.js';
import { globListMatches } from './glob.js';
import { loginResponse } from './login-token.js';
import { RoleLoginBackend, renewalLimits } from './role-login-backend.js';
import type { RoleCodec } from './role-table.js';
import type { TokenParams } from './token-fields.js';
import {
  TOKEN_FIELD_NAMES,
  defaultTokenParams,
  maxTtlWarning,
  parseTokenFields,
  tokenFieldsData,
} from './token-fields.js';

/** A cert role as stored. */
interface CertRole {
  certificate: string;
  displayName: string;
  allowedCommonNames: string[];
  token: TokenParams;
}

/** The cert backend's factory; tokens it mints go into `store`. */
export function createCertBackendFactory(store: MemoryTokenStore): BackendFactory {
  return (context) => new CertBackend(store, context);
}

class CertBackend extends RoleLoginBackend<CertRole> {
  readonly type = 'cert';

  constructor(store: MemoryTokenStore, context: BackendContext) {
    super(store, context, { role: certRoleCodec, rolePrefix: 'certs' });
  }

  protected login(request: DevRequest): DevResponse {
    const pem = request.clientCertificate;
    if (!pem) throw badRequest('invalid certificate or no client certificate supplied');
    let client: X509Certificate;
    try {
      client = new X509Certificate(pem);
    } catch {
      throw badRequest('invalid certificate or no client certificate supplied');
    }
    const now = this.context.clock.now();
    if (now < Date.parse(client.validFrom) || now > Date.parse(client.validTo)) {
      throw badRequest('no chain matching all constraints could be found for this login certificate');
    }
    const wanted = stringField(request.data, 'name');
    const candidates = this.roles
      .names()
      .filter((name) => !wanted || name === wanted.toLowerCase())
      .map((name) => [name, this.roles.get(name)!] as const);
    const match = candidates.find(([, role]) => trusts(role, client));
    if (!match) {
      throw badRequest('no chain matching all constraints could be found for this login certificate');
    }
    const [name, role] = match;
    const commonName = /(?:^|\n)CN=([^\n]*)/.exec(client.subject)?.[1] ?? '';
    return loginResponse(this.store, request, {
      params: role.token,
      metadata: {
        cert_name: name,
        common_name: commonName,
        serial_number: BigInt(`0x${client.serialNumber}`).toString(10),
        subject_key_id: '',
        authority_key_id: '',
      },
      displayName: role.displayName || name,
      aliasName: BigInt(`0x${client.serialNumber}`).toString(10),
      currentLimits: renewalLimits(this.roles, name),
      warnings: ignoredFieldsWarning(request.data, ['name']),
    });
  }
}

/** The role trusts the certificate: it is the role's certificate, or was issued and signed by it. */
function trusts(role: CertRole, client: X509Certificate): boolean {
  let anchor: X509Certificate;
  try {
    anchor = new X509Certificate(role.certificate);
  } catch {
    return false;
  }
  const chained =
    client.raw.equals(anchor.raw) || (client.checkIssued(anchor) && client.verify(anchor.publicKey));
  if (!chained) return false;
  const commonName = /(?:^|\n)CN=([^\n]*)/.exec(client.subject)?.[1] ?? '';
  return role.allowedCommonNames.length === 0 || globListMatches(role.allowedCommonNames, commonName);
}

function certRoleCodec(mountMaxTtl: () => number): RoleCodec<CertRole> {
  return {
    fields: [
      'name',
      'certificate',
      'display_name',
      'allowed_common_names',
      'policies',
      'ttl',
      'max_ttl',
      ...TOKEN_FIELD_NAMES,
    ],
    write(_name, existing, data) {
      const role: CertRole = existing
        ? { ...existing }
        : { certificate: '', displayName: '', allowedCommonNames: [], token: defaultTokenParams() };
      role.certificate = stringField(data, 'certificate') ?? role.certificate;
      if (role.certificate.trim() === '') throw badRequest('missing certificate');
      try {
        new X509Certificate(role.certificate);
      } catch {
        throw badRequest('failed to parse certificate');
      }
      role.displayName = stringField(data, 'display_name') ?? role.displayName;
      role.allowedCommonNames = commaListField(data, 'allowed_common_names') ?? role.allowedCommonNames;
      role.token = parseTokenFields(data, role.token, {
        token_policies: 'policies',
        token_ttl: 'ttl',
        token_max_ttl: 'max_ttl',
      });
      return { role, warnings: maxTtlWarning(role.token, mountMaxTtl()) };
    },
    read(role) {
      return {
        certificate: role.certificate,
        display_name: role.displayName,
        allowed_common_names: role.allowedCommonNames,
        ...tokenFieldsData(role.token),
      };
    },
  };
}
