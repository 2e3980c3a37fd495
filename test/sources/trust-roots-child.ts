/**
 * Child of trust.test.ts, started with `--use-openssl-ca` and SSL_CERT_FILE naming a private CA,
 * which then stands in for the default roots. Prints the outcome of two handshakes with
 * certificates verified: through a context that trusts the default roots, and through the
 * context of a client that does not verify (which must hold no CA at all).
 */
import tls from 'node:tls';
import { trustedContext } from '../../src/sources/net/trust.js';

const port = Number(process.argv[2]);

function handshake(secureContext: tls.SecureContext): Promise<string> {
  return new Promise((resolve) => {
    const s = tls.connect({ host: '127.0.0.1', port, secureContext, rejectUnauthorized: true });
    s.on('secureConnect', () => {
      resolve('ok');
      s.destroy();
    });
    s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

const roots = await handshake(trustedContext({ verify: true }));
const none = await handshake(trustedContext({ verify: false }));
process.stdout.write(`${JSON.stringify({ roots, none })}\n`);
