/**
 * trustedContext: the default roots plus the user's CA file, else the environment's, checked by
 * real TLS handshakes with a loopback server whose certificate a private CA signed.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isFerryError } from '../../src/core/errors.js';
import { sharedTrustContexts, type Trust, trustedContext, trustFor } from '../../src/sources/net/trust.js';
import { makeTestCertificates, type TestCertificates } from '../helpers/tls.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHILD = fileURLToPath(new URL('./trust-roots-child.ts', import.meta.url));

let certs: TestCertificates;
let server: tls.Server;
let dir: string;

beforeAll(async () => {
  certs = await makeTestCertificates();
  server = tls.createServer({ cert: certs.certPem, key: certs.keyPem }, (s) => s.end('hi'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  dir = await mkdtemp(path.join(tmpdir(), 'ferry-trust-'));
  await writeFile(path.join(dir, 'empty.pem'), 'no certificate here\n');
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

/** 'ok', or the code of the handshake's error. */
function handshake(files: Partial<Trust>, rejectUnauthorized = true): Promise<string> {
  return handshakeWith(trustedContext({ verify: true, ...files }), rejectUnauthorized);
}

/** 'ok', or the code of the handshake's error, through `secureContext`. */
function handshakeWith(secureContext: tls.SecureContext, rejectUnauthorized = true): Promise<string> {
  const { port } = server.address() as { port: number };
  return new Promise((resolve) => {
    const s = tls.connect({ host: '127.0.0.1', port, secureContext, rejectUnauthorized });
    s.on('secureConnect', () => {
      resolve('ok');
      s.destroy();
    });
    s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

function usageError(files: Partial<Trust>): string {
  try {
    trustedContext({ verify: true, ...files });
  } catch (e) {
    if (isFerryError(e) && e.code === 'USAGE') return e.message;
    throw e;
  }
  return 'no error';
}

describe('trustedContext', () => {
  it('trusts a file given by the user or by the environment; nothing else trusts the private CA', async () => {
    expect(await handshake({ caCertificate: certs.caFile })).toBe('ok');
    expect(await handshake({ extraCaFile: certs.caFile })).toBe('ok');
    expect(await handshake({})).not.toBe('ok');
  });

  it("the user's file wins: the environment's is then not used", async () => {
    expect(usageError({ caCertificate: path.join(dir, 'empty.pem'), extraCaFile: certs.caFile })).toMatch(/^no certificate in/);
    const other = path.join(dir, 'other.pem');
    // A certificate that is not the CA's: the server's own, which signs nothing.
    await writeFile(other, certs.certPem);
    expect(await handshake({ caCertificate: other, extraCaFile: certs.caFile })).not.toBe('ok');
  });

  it("a user's file that cannot be read or holds no certificate is a usage error naming it", () => {
    const missing = path.join(dir, 'missing.pem');
    expect(usageError({ caCertificate: missing })).toBe(`cannot read the CA certificate file ${missing}: ENOENT`);
    expect(usageError({ caCertificate: path.join(dir, 'empty.pem') })).toBe(`no certificate in the CA certificate file ${path.join(dir, 'empty.pem')}`);
  });

  it("the environment's file that cannot be read, or holds no certificate, leaves the default roots", async () => {
    expect(await handshake({ extraCaFile: path.join(dir, 'missing.pem') })).not.toBe('ok');
    expect(await handshake({ extraCaFile: path.join(dir, 'empty.pem') })).not.toBe('ok');
  });

  it('without verification the context trusts nothing, not even a CA file named (and is used with rejectUnauthorized off)', async () => {
    expect(await handshake({ caCertificate: certs.caFile, verify: false })).not.toBe('ok');
    expect(await handshake({ extraCaFile: certs.caFile, verify: false })).not.toBe('ok');
    expect(await handshake({ caCertificate: certs.caFile, verify: false }, false)).toBe('ok');
    expect(await handshake({ verify: false }, false)).toBe('ok');
    // The user's file is still checked: a wrong path is the same error with --insecure.
    expect(usageError({ caCertificate: path.join(dir, 'missing.pem'), verify: false })).toMatch(/^cannot read the CA certificate file/);
  });

  it('without verification not even the default roots are loaded (the private CA standing in for them)', async () => {
    const { port } = server.address() as { port: number };
    const env: NodeJS.ProcessEnv = { ...process.env, SSL_CERT_FILE: certs.caFile, SSL_CERT_DIR: dir };
    delete env.NODE_EXTRA_CA_CERTS;
    const { stdout } = await promisify(execFile)(process.execPath, ['--use-openssl-ca', '--import', 'tsx', CHILD, String(port)], { cwd: ROOT, env });
    expect(JSON.parse(stdout)).toEqual({ roots: 'ok', none: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
  });

  it("trustFor: with certificates not verified, the environment's file is not read", () => {
    expect(trustFor({ caCertificate: 'a' }, 'b')).toEqual({ caCertificate: 'a', extraCaFile: 'b', verify: true });
    expect(trustFor({ insecure: false }, 'b')).toEqual({ caCertificate: undefined, extraCaFile: 'b', verify: true });
    expect(trustFor({ caCertificate: 'a', insecure: true }, 'b')).toEqual({ caCertificate: 'a', extraCaFile: undefined, verify: false });
  });
});

describe('sharedTrustContexts', () => {
  it('gives the same context for the same trust and ciphers, another for other ones, and does not remember a failure', async () => {
    const contexts = sharedTrustContexts();
    const trust: Trust = { caCertificate: certs.caFile, verify: true };
    const first = contexts(trust, { ciphers: 'HIGH' });
    expect(contexts({ ...trust }, { ciphers: 'HIGH' })).toBe(first);
    expect(contexts(trust)).not.toBe(first);
    expect(contexts({ ...trust, verify: false }, { ciphers: 'HIGH' })).not.toBe(first);
    expect(contexts({ extraCaFile: certs.caFile, verify: true }, { ciphers: 'HIGH' })).not.toBe(first);
    // The shared context still verifies with the file it was made from.
    expect(await handshakeWith(first)).toBe('ok');
    const missing = path.join(dir, 'later.pem');
    expect(() => contexts({ caCertificate: missing, verify: true })).toThrow(/cannot read the CA certificate file/);
    await writeFile(missing, certs.caPem);
    expect(() => contexts({ caCertificate: missing, verify: true })).not.toThrow();
  });
});
