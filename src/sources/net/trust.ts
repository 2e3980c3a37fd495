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
 * The file is added to the context's copy of the default store, the one Node's flags chose
 * (bundled, or OpenSSL's with `--use-openssl-ca`). A Node without that method gets the bundled
 * roots and the file as one CA list.
 */
import { readFileSync } from 'node:fs';
import type { SecureContext, SecureContextOptions } from 'node:tls';
import { FerryError } from '../../core/errors.js';
import { tlsModule } from '../../lazy-builtins.js';

/** The CA files a client may add to the default roots. */
export interface TrustFiles {
  /** The user's CA file (`--ca-certificate`). */
  caCertificate?: string;
  /** The environment's extra CA file, not loaded by Node at start. */
  extraCaFile?: string;
}

/**
 * The files of a client with `options`: with certificates not verified (`--insecure`) the
 * environment's file could change nothing, and is not read.
 */
export function trustFilesFor(options: { caCertificate?: string; insecure?: boolean }, extraCaFile: string | undefined): TrustFiles {
  return { caCertificate: options.caCertificate, extraCaFile: options.insecure === true ? undefined : extraCaFile };
}

/** Whether `files` name a file to add (a client without one can use Node's defaults as they are). */
export function addsTrust(files: TrustFiles): boolean {
  return files.caCertificate !== undefined || files.extraCaFile !== undefined;
}

/**
 * A TLS context with `options` (ciphers, ...) that trusts the default roots plus the file of
 * `files` (see the module comment).
 * @throws FerryError USAGE when the user's CA file cannot be read or holds no certificate. The
 *   environment's file is ignored then, as Node ignores it (with a warning at start).
 */
export function trustedContext(files: TrustFiles, options: SecureContextOptions = {}): SecureContext {
  const tls = tlsModule();
  const pem = files.caCertificate !== undefined ? userCa(files.caCertificate) : environmentCa(files.extraCaFile);
  if (pem === undefined) return tls.createSecureContext(options);
  const context = tls.createSecureContext(options);
  const native = (context as { context?: { addCACert?: (pem: string) => void } }).context;
  if (typeof native?.addCACert !== 'function') return tls.createSecureContext({ ...options, ca: [...tls.rootCertificates, pem] });
  native.addCACert(pem);
  return context;
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
