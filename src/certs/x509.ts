// The one way into @peculiar/x509: the shim must be evaluated before the library loads, and the library must be
// pointed at Node's WebCrypto once. Everything in certagent (and its tests) imports x509 from here.
import '../lib/reflect-metadata-shim.js';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto);

export { x509 };
