/**
 * Throwaway TLS material for loopback HTTPS (and FTPS) tests: a private CA and a server
 * certificate for 127.0.0.1, ::1 and localhost signed by it, made with the `openssl` CLI.
 *
 * The certificates are generated once per user into a fixed directory under os.tmpdir() and reused
 * by every later call, in this process or another one. Generation happens in a private temp
 * directory that is then renamed into place, so concurrent test workers never see half-written
 * files: whoever renames first wins, the others discard their copy and read the winner's.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startTestServer, type TestFile, type TestServer } from './http-server.js';

const run = promisify(execFile);

/** PEM strings of the test CA and server certificate, and the CA as a file (for `--ca-certificate`). */
export interface TestCertificates {
  /** The CA certificate (PEM): trust this to accept the server. */
  caPem: string;
  /** The server certificate (PEM), SAN = IP:127.0.0.1, IP:::1, DNS:localhost. */
  certPem: string;
  /** The same key's certificate naming only the addresses (SAN = IP:127.0.0.1, IP:::1; CN "ferry test server"). */
  ipOnlyCertPem: string;
  /** The server's private key (PEM, unencrypted). */
  keyPem: string;
  /** Path of a file holding `caPem`. */
  caFile: string;
}

// Bump the version when the generated material changes shape, so stale caches are not reused.
const CACHE_NAME = 'ferry-test-certs-v3';

function cacheDir(): string {
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  return path.join(os.tmpdir(), `${CACHE_NAME}-${uid}`);
}

async function readCached(dir: string): Promise<TestCertificates | undefined> {
  try {
    const files = ['ca.pem', 'cert.pem', 'ip-cert.pem', 'key.pem'];
    const [caPem, certPem, ipOnlyCertPem, keyPem] = await Promise.all(files.map((f) => readFile(path.join(dir, f), 'utf8')));
    if (!caPem.includes('BEGIN CERTIFICATE') || !ipOnlyCertPem.includes('BEGIN CERTIFICATE') || !keyPem.includes('PRIVATE KEY')) return undefined;
    return { caPem, certPem, ipOnlyCertPem, keyPem, caFile: path.join(dir, 'ca.pem') };
  } catch {
    return undefined;
  }
}

/** Run the openssl CLI to create ca.pem, cert.pem, ip-cert.pem and key.pem in `dir`. */
async function generate(dir: string): Promise<void> {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const f = (name: string): string => path.join(dir, name);
  await run('openssl', [
    'req',
    '-x509',
    ...ec,
    '-keyout',
    f('ca.key'),
    '-out',
    f('ca.pem'),
    '-days',
    '3650',
    '-subj',
    '/CN=ferry test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  await run('openssl', ['req', ...ec, '-keyout', f('key.pem'), '-out', f('server.csr'), '-subj', '/CN=localhost']);
  // The server's key, signed by the CA twice: with and without the name localhost (in the
  // subject too: Node falls back to the CN for a name when the certificate lists no DNS names).
  await run('openssl', ['req', '-new', '-key', f('key.pem'), '-out', f('ip-server.csr'), '-subj', '/CN=ferry test server']);
  const sign = async (csr: string, san: string, out: string): Promise<void> => {
    const ext = f(`${out}.ext`);
    const lines = [
      `subjectAltName=${san}`,
      'basicConstraints=CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      '',
    ];
    await writeFile(ext, lines.join('\n'));
    await run('openssl', [
      'x509',
      '-req',
      '-in',
      f(csr),
      '-CA',
      f('ca.pem'),
      '-CAkey',
      f('ca.key'),
      '-CAcreateserial',
      '-out',
      f(out),
      '-days',
      '3650',
      '-extfile',
      ext,
    ]);
  };
  await sign('server.csr', 'IP:127.0.0.1,IP:::1,DNS:localhost', 'cert.pem');
  await sign('ip-server.csr', 'IP:127.0.0.1,IP:::1', 'ip-cert.pem');
}

/**
 * Return the test CA and server certificate, generating them on first use (about 100 ms) and
 * reading the cached files afterwards. Requires the `openssl` command.
 */
export async function makeTestCertificates(): Promise<TestCertificates> {
  const dir = cacheDir();
  const cached = await readCached(dir);
  if (cached !== undefined) return cached;

  await mkdir(os.tmpdir(), { recursive: true });
  const work = await mkdtemp(path.join(os.tmpdir(), `${CACHE_NAME}-tmp-`));
  try {
    await generate(work);
    try {
      await rename(work, dir);
    } catch {
      // Another process installed its copy first (or a broken cache dir exists): use or replace it.
      const winner = await readCached(dir);
      if (winner !== undefined) return winner;
      await rm(dir, { recursive: true, force: true });
      await rename(work, dir);
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  const made = await readCached(dir);
  if (made === undefined) throw new Error(`test certificates missing in ${dir}`);
  return made;
}

/** A plain HTTP and an HTTPS test server with the same files, and the CA file that verifies the latter. */
export interface ServerPair {
  plain: TestServer;
  secure: TestServer;
  caFile: string;
  close(): Promise<void>;
}

/** Start a plain and an HTTPS test server (a certificate from makeTestCertificates) serving `files`. */
export async function startServerPair(files: Record<string, TestFile>): Promise<ServerPair> {
  const certs = await makeTestCertificates();
  const plain = await startTestServer({ files });
  const secure = await startTestServer({ https: { certPem: certs.certPem, keyPem: certs.keyPem }, files });
  return { plain, secure, caFile: certs.caFile, close: async () => void (await Promise.all([plain.close(), secure.close()])) };
}
