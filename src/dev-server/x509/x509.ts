// The dev server's one way into @peculiar/x509: the shim is evaluated before the library loads, and the library is
// pointed at Node's WebCrypto. Independent of the agent's certs/x509.ts by design (the boundary lint rule).
import '../../lib/reflect-metadata-shim.js';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto);

export { x509 };
