/** Ask `{mount}/sign/{role}` to sign a CSR made here (the key never leaves the host). */
export interface PkiSignRequest {
  mount: string;
  role: string;
  csr: string;
  commonName: string;
  altNames: readonly string[];
  ipSans: readonly string[];
  uriSans: readonly string[];
  /** Go-style duration string or undefined to let the role decide. */
  ttl: string | undefined;
}

/** Ask `{mount}/issue/{role}` to make the key and the certificate. */
export interface PkiIssueRequest {
  mount: string;
  role: string;
  commonName: string;
  altNames: readonly string[];
  ipSans: readonly string[];
  uriSans: readonly string[];
  ttl: string | undefined;
}

/** What issue and sign return, PEM strings as Vault sends them (trimmed). */
export interface PkiIssued {
  certificate: string;
  issuingCa: string;
  /** Issuer first, root last; never the leaf. */
  caChain: string[];
  serialNumber: string;
  /** Unix seconds of notAfter. */
  expiration: number;
  /** Only from `issue`. */
  privateKey: string | undefined;
  privateKeyType: string | undefined;
  warnings: string[];
}
