/**
 * What a TLS client of ferry trusts: Node's default roots, plus at most one CA file, added to them
 * as Node adds NODE_EXTRA_CA_CERTS.
 *
 * - The user's file (`--ca-certificate`) wins. As in Node, where an explicit CA list leaves the
 *   extra certificates out, the environment's file is then not used.
 * - Otherwise the environment's file: NODE_EXTRA_CA_CERTS as the `ferry` command hands it on
 *   (`FERRY_EXTRA_CA_CERTS`, see core/proxy-route.ts). Node 20 parses that file and all its own
 *   roots at every start, which costs a plain-HTTP or FTP run about 0.07 s; ferry parses them when
 *   its first TLS connection needs them.
 *
 * With `--insecure` nothing is verified and the context holds no CA: building Node's default store
 * is the cost of a first TLS context (about 45 ms), and `rejectUnauthorized: false` makes any
 * chain pass.
 *
 * The file is added to the context's copy of the default store, the one Node's flags chose
 * (bundled, or OpenSSL's with `--use-openssl-ca`). A Node without that method gets the bundled
 * roots and the file as one CA list.
 */
import { readFileSync } from 'node:fs';
import type { SecureContext, SecureContextOptions } from 'node:tls';
import { FerryError } from '../../core/errors.js';
import { tlsModule } from '../../lazy-builtins.js';

/** What a client trusts: the CA files it may add to the default roots, and whether it verifies at all. */
export interface Trust {
  /** The user's CA file (`--ca-certificate`). */
  caCertificate?: string;
  /** The environment's extra CA file, not loaded by Node at start. */
  extraCaFile?: string;
  /**
   * False with `--insecure`: peers are not verified, so the context holds no CA at all. Building
   * Node's default store parses its 140-odd roots, about 45 ms at a process's first TLS context.
   */
  verify: boolean;
}

/**
 * The trust of a client with `options`: with certificates not verified (`--insecure`) the
 * environment's file could change nothing, and is not read.
 */
export function trustFor(options: { caCertificate?: string; insecure?: boolean }, extraCaFile: string | undefined): Trust {
  const verify = options.insecure !== true;
  return { caCertificate: options.caCertificate, extraCaFile: verify ? extraCaFile : undefined, verify };
}

/**
 * A TLS context with `options` (ciphers, ...) that trusts the default roots plus the file of
 * `trust` (see the module comment), or nothing when `trust.verify` is false. The user's file is
 * checked either way, so that a wrong path is the same error with `--insecure`.
 * @throws FerryError USAGE when the user's CA file cannot be read or holds no certificate. The
 *   environment's file is ignored then, as Node ignores it (with a warning at start).
 */
export function trustedContext(trust: Trust, options: SecureContextOptions = {}): SecureContext {
  const tls = tlsModule();
  if (!trust.verify) {
    if (trust.caCertificate !== undefined) userCa(trust.caCertificate);
    return tls.createSecureContext({ ...options, ca: [] });
  }
  const pem = trust.caCertificate !== undefined ? userCa(trust.caCertificate) : environmentCa(trust.extraCaFile);
  if (pem === undefined) return tls.createSecureContext(options);
  const context = tls.createSecureContext(options);
  const native = (context as { context?: { addCACert?: (pem: string) => void } }).context;
  if (typeof native?.addCACert !== 'function') return tls.createSecureContext({ ...options, ca: [...tls.rootCertificates, pem] });
  native.addCACert(pem);
  return context;
}

/** Makes the TLS context of a `Trust` (with ciphers, for FTPS): `trustedContext`, or a shared one. */
export type TrustContexts = (trust: Trust, options?: Pick<SecureContextOptions, 'ciphers'>) => SecureContext;

/**
 * `trustedContext` for the clients of one engine: the same trust and ciphers give the same context,
 * so a CA file is read and parsed once, not once per download. With the system bundle of 141
 * certificates as the CA file, a list of 50 FTPS files from vsftpd (`-j 4`) took 2.96-3.29 s and
 * peaked at 73.5 MiB with a context per file, 0.76-0.95 s and 57.8 MiB shared. A file that fails
 * is not remembered (the next client gets the same error); one that changes later is not read again.
 */
export function sharedTrustContexts(): TrustContexts {
  const made = new Map<string, SecureContext>();
  return (trust, options = {}) => {
    const key = JSON.stringify([trust.caCertificate ?? null, trust.extraCaFile ?? null, trust.verify, options.ciphers ?? null]);
    let context = made.get(key);
    if (context === undefined) {
      context = trustedContext(trust, options);
      made.set(key, context);
    }
    return context;
  };
}

const CERTIFICATE = '-----BEGIN CERTIFICATE-----';

function userCa(file: string): string {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new FerryError('USAGE', `cannot read the CA certificate file ${file}: ${why}`, { hint: 'check the path given to --ca-certificate' });
  }
  if (!pem.includes(CERTIFICATE)) {
    throw new FerryError('USAGE', `no certificate in the CA certificate file ${file}`, {
      hint: `give --ca-certificate a PEM file (${CERTIFICATE} ...)`,
    });
  }
  return pem;
}

function environmentCa(file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  try {
    const pem = readFileSync(file, 'utf8');
    return pem.includes(CERTIFICATE) ? pem : undefined;
  } catch {
    return undefined;
  }
}
