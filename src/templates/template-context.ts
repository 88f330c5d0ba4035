import type { CertificateBundle } from '../certs/bundle.js';

/** What a template sees of its certificate (DESIGN §1.2). `private_key` is a secret: never log a context. */
export interface TemplateContext {
  readonly certificate: string;
  readonly private_key: string;
  readonly private_key_type: string;
  readonly issuing_ca: string;
  readonly ca_chain: readonly string[];
  readonly serial_number: string;
  /** RFC 3339, UTC. */
  readonly not_before: string;
  readonly not_after: string;
  readonly common_name: string;
  readonly alt_names: readonly string[];
  readonly ip_sans: readonly string[];
  readonly uri_sans: readonly string[];
}

/** The context of one bundle; every template bound to the certificate renders from this same value. */
export function templateContext(bundle: CertificateBundle): TemplateContext {
  return {
    certificate: bundle.certificate,
    private_key: bundle.privateKey,
    private_key_type: bundle.privateKeyType,
    issuing_ca: bundle.issuingCa,
    ca_chain: bundle.caChain,
    serial_number: bundle.serialNumber,
    not_before: new Date(bundle.notBefore).toISOString(),
    not_after: new Date(bundle.notAfter).toISOString(),
    common_name: bundle.commonName,
    alt_names: bundle.altNames,
    ip_sans: bundle.ipSans,
    uri_sans: bundle.uriSans,
  };
}
