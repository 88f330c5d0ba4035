// Whether a role allows the names of a certificate request (reference/vault-api.md §1.4, Vault's
// issuing/issue_common.go): pure functions that throw Vault's exact 400s.

import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';
import { globAnywhere } from '../auth/glob.js';
import { badRequest } from '../types.js';
import type { PkiRole } from './pki-roles.js';

/** The names one request asks for, split by kind. */
export interface RequestedNames {
  readonly commonName: string;
  /** DNS names (and, for the CN-derived SAN, possibly the CN). */
  readonly dnsNames: readonly string[];
  readonly emails: readonly string[];
  readonly ipSans: readonly string[];
  readonly uriSans: readonly string[];
}

/** Where the SANs came from, which Vault's messages say. */
export type NameSource = 'api' | 'csr';

const HOSTNAME =
  /^(([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])\.)*([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])\.?$/;
const WILDCARD_LABEL = /^(\*|\*?[a-zA-Z0-9-]+\*?|[a-zA-Z0-9-]*\*[a-zA-Z0-9-]*)$/;
const LOCAL_NAMES = ['localhost', 'localdomain'];

/** Checks every name of a request against the role, throwing the first violation as Vault reports it. */
export function checkRequestedNames(role: PkiRole, names: RequestedNames, source: NameSource): void {
  checkCommonName(role, names.commonName);
  for (const name of names.dnsNames) {
    if (!nameAllowed(role, name)) throw badRequest(`subject alternate name ${name} not allowed by this role`);
  }
  for (const email of names.emails) {
    if (!nameAllowed(role, email)) throw badRequest(`email address ${email} not allowed by this role`);
  }
  checkIpSans(role, names.ipSans, source);
  checkUriSans(role, names.uriSans, source);
}

function checkCommonName(role: PkiRole, cn: string): void {
  if (cn === '') {
    if (role.require_cn) {
      throw badRequest(
        'the common_name field is required, or must be provided in a CSR with "use_csr_common_name" set to true, unless "require_cn" is set to false',
      );
    }
    return;
  }
  if (role.cn_validations.includes('disabled')) return;
  const asEmail = cn.includes('@') && role.cn_validations.includes('email');
  const asHostname = !cn.includes('@') && role.cn_validations.includes('hostname');
  if (!(asEmail || asHostname) || !nameAllowed(role, cn)) {
    throw badRequest(`common name ${cn} not allowed by this role`);
  }
}

/** validateNames for one DNS name or email. */
export function nameAllowed(role: PkiRole, name: string): boolean {
  const isEmail = name.includes('@');
  let sanitized = isEmail ? name.slice(name.lastIndexOf('@') + 1) : name;
  const emailDomain = sanitized;
  let wildcardBase: string | undefined;
  if (sanitized.includes('*')) {
    if (!role.allow_wildcard_certificates || isEmail) return false;
    const [label = '', ...rest] = sanitized.split('.');
    // One `*`, in the left-most label only.
    if ((label.match(/\*/g) ?? []).length !== 1 || rest.join('.').includes('*')) return false;
    if (role.enforce_hostnames && !WILDCARD_LABEL.test(label)) return false;
    wildcardBase = rest.join('.');
    sanitized = wildcardBase;
  }
  if (role.enforce_hostnames) {
    const ascii = domainToASCII(sanitized);
    if (ascii === '' || !HOSTNAME.test(ascii)) return false;
    sanitized = ascii;
  }
  if (role.allow_any_name) return true;
  const lower = sanitized.toLowerCase();
  if (role.allow_localhost) {
    if (LOCAL_NAMES.includes(lower) && wildcardBase === undefined) return true;
    if (
      role.allow_subdomains &&
      LOCAL_NAMES.some(
        (local) => lower.endsWith(`.${local}`) || (wildcardBase !== undefined && lower === local),
      )
    ) {
      return true;
    }
  }
  return role.allowed_domains.some((domain) =>
    domainAllows(role, domain.toLowerCase(), name, lower, emailDomain, wildcardBase),
  );
}

function domainAllows(
  role: PkiRole,
  domain: string,
  name: string,
  sanitized: string,
  emailDomain: string,
  wildcardBase: string | undefined,
): boolean {
  if (domain === '') return false;
  if (role.allow_bare_domains && wildcardBase === undefined) {
    if (sanitized === domain || (name.includes('@') && emailDomain.toLowerCase() === domain)) return true;
  }
  if (role.allow_subdomains) {
    if (sanitized.endsWith(`.${domain}`)) return true;
    if (wildcardBase !== undefined && sanitized === domain) return true;
  }
  return role.allow_glob_domains && domain.includes('*') && globAnywhere(domain, name.toLowerCase());
}

function checkIpSans(role: PkiRole, ips: readonly string[], source: NameSource): void {
  if (ips.length === 0) return;
  if (!role.allow_ip_sans) {
    throw badRequest(
      source === 'api'
        ? `IP Subject Alternative Names are not allowed in this role, but was provided [${ips.join(' ')}]`
        : 'IP Subject Alternative Names are not allowed in this role, but was provided some via CSR',
    );
  }
  for (const ip of ips) if (isIP(ip) === 0) throw badRequest(`the value "${ip}" is not a valid IP address`);
}

function checkUriSans(role: PkiRole, uris: readonly string[], source: NameSource): void {
  if (uris.length === 0) return;
  const via = source === 'api' ? 'via the API' : 'via CSR';
  if (role.allowed_uri_sans.length === 0) {
    throw badRequest(`URI Subject Alternative Names are not allowed in this role, but were provided ${via}`);
  }
  for (const uri of uris) {
    if (!role.allowed_uri_sans.some((pattern) => globAnywhere(pattern, uri))) {
      throw badRequest(
        `URI Subject Alternative Names were provided ${via} which are not valid for this role`,
      );
    }
  }
}
