/**
 * ferry's FTP source against the real vsftpd (Debian package). The tests fail, never skip,
 * when vsftpd is missing: CI installs it with apt.
 */
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { FerryError } from '../../src/core/errors.js';
import { DEFAULT_OPTIONS } from '../../src/core/options.js';
import type { ProbeResult, Source } from '../../src/core/types.js';
import { createFtpSource, type FtpSourceOptions } from '../../src/sources/ftp/source.js';
import { randomBytesSeeded } from '../helpers/http-server.js';
import { makeTestCertificates } from '../helpers/tls.js';
import { startVsftpd, type Vsftpd } from '../helpers/vsftpd.js';

const MTIME = new Date(Date.UTC(2024, 0, 2, 3, 4, 5));
const never = new AbortController().signal;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

const payload = (size: number): Buffer => randomBytesSeeded(size, 7);

const BIG = payload(3 * 1024 * 1024 + 1);

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function start(o: Parameters<typeof startVsftpd>[0]): Promise<Vsftpd> {
  const server = await startVsftpd({ mtime: MTIME, ...o });
  cleanup.push(() => server.stop());
  return server;
}

function source(url: string, o: Partial<FtpSourceOptions> = {}): Source {
  const s = createFtpSource(url, { ...DEFAULT_OPTIONS, connections: 4, timeoutMs: 5000, connectTimeoutMs: 5000, ...o });
  cleanup.push(() => s.close());
  return s;
}

/** Probe, then read the file as four concurrent ranges into one buffer. */
async function download(src: Source, expectedSize: number): Promise<{ info: ProbeResult; bytes: Buffer }> {
  const info = await src.probe(never);
  expect(info.size).toBe(expectedSize);
  expect(info.acceptsRanges).toBe(true);
  const out = Buffer.alloc(expectedSize);
  const step = Math.ceil(expectedSize / 4);
  await Promise.all(
    [0, 1, 2, 3].map(async (i) => {
      const start = i * step;
      const end = Math.min(expectedSize, start + step);
      let pos = start;
      for await (const chunk of await src.read({ start, end }, info, never)) {
        out.set(chunk, pos);
        pos += chunk.length;
      }
      expect(pos).toBe(end);
    }),
  );
  return { info, bytes: out };
}

describe('vsftpd', () => {
  it('serves an anonymous multi-MB download over 4 concurrent range reads', async () => {
    const server = await start({ files: { 'pub/big.bin': BIG } });
    const { info, bytes } = await download(source(server.url('pub/big.bin')), BIG.length);
    expect(sha(bytes)).toBe(sha(BIG));
    expect(info.lastModified).toBe('Tue, 02 Jan 2024 03:04:05 GMT');
    expect(info.filename).toBe('big.bin');
    const log = await server.log();
    expect(log).toMatch(/REST 786433/);
    expect(log).toMatch(/"USER anonymous"/);
  });

  it('serves the same over explicit FTPS (AUTH TLS, PROT P, TLS session reuse)', async () => {
    const certs = await makeTestCertificates();
    const server = await start({ files: { 'big.bin': BIG }, tls: { certPem: certs.certPem, keyPem: certs.keyPem } });
    const src = source(server.url('big.bin'), { ftpSsl: true, ftpSslRequired: true, caCertificate: certs.caFile });
    const { bytes } = await download(src, BIG.length);
    expect(sha(bytes)).toBe(sha(BIG));
    const log = await server.log();
    expect(log).toMatch(/"AUTH TLS"/);
    expect(log).toMatch(/"PROT P"/);
    // Without TLS the same server refuses the anonymous login (force_anon_logins_ssl).
    const plain = source(server.url('big.bin'));
    const e = await plain.probe(never).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(FerryError);
    expect((e as FerryError).code).toBe('FTP');
  });

  it('logs a local user in with URL credentials (root: private PAM stack), and refuses a wrong password', async () => {
    const user = { user: 'ferrytest', password: 'pa ss:w@rd' };
    const body = payload(256 * 1024 + 3);
    const server = await start({ files: { 'data/f.bin': body }, localUser: { name: user.user, password: user.password } });
    const { bytes } = await download(source(server.url('data/f.bin', user)), body.length);
    expect(sha(bytes)).toBe(sha(body));
    const wrong = source(server.url('data/f.bin', { user: user.user, password: 'nope' }));
    const e = await wrong.probe(never).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(FerryError);
    expect([(e as FerryError).code, (e as FerryError).status, (e as FerryError).retryable]).toEqual(['FTP', 530, false]);
  });

  it('reports a missing file as a 550 FTP error', async () => {
    const server = await start({ files: { 'a.bin': payload(10) } });
    const e = await source(server.url('missing.bin'))
      .probe(never)
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    expect(e).toBeInstanceOf(FerryError);
    expect([(e as FerryError).code, (e as FerryError).status]).toEqual(['FTP', 550]);
  });
});
