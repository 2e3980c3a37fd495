/**
 * trustedContext: the default roots plus the user's CA file, else the environment's, checked by
 * real TLS handshakes with a loopback server whose certificate a private CA signed.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isFerryError } from '../../src/core/errors.js';
import { addsTrust, type TrustFiles, trustedContext, trustFilesFor } from '../../src/sources/net/trust.js';
import { makeTestCertificates, type TestCertificates } from '../helpers/tls.js';

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
function handshake(files: TrustFiles): Promise<string> {
  const { port } = server.address() as { port: number };
  return new Promise((resolve) => {
    const s = tls.connect({ host: '127.0.0.1', port, secureContext: trustedContext(files) });
    s.on('secureConnect', () => {
      resolve('ok');
      s.destroy();
    });
    s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

function usageError(files: TrustFiles): string {
  try {
    trustedContext(files);
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

  it("trustFilesFor: with certificates not verified, the environment's file is not read", () => {
    expect(trustFilesFor({ caCertificate: 'a' }, 'b')).toEqual({ caCertificate: 'a', extraCaFile: 'b' });
    expect(trustFilesFor({ insecure: false }, 'b')).toEqual({ caCertificate: undefined, extraCaFile: 'b' });
    expect(trustFilesFor({ caCertificate: 'a', insecure: true }, 'b')).toEqual({ caCertificate: 'a', extraCaFile: undefined });
  });

  it('addsTrust: whether either file is named', () => {
    expect(addsTrust({})).toBe(false);
    expect(addsTrust({ caCertificate: 'a' })).toBe(true);
    expect(addsTrust({ extraCaFile: 'b' })).toBe(true);
  });
});
