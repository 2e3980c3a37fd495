import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS } from '../../src/core/options.js';
import { createFtpSource, type FtpSourceOptions } from '../../src/sources/ftp/source.js';
import { collect, failure } from '../helpers/assertions.js';
import { type FtpTlsMode, startFtpServer } from '../helpers/ftp-server.js';
import { makeTestCertificates } from '../helpers/tls.js';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const never = new AbortController().signal;
const body = Buffer.from(Array.from({ length: 150_001 }, (_, i) => (i * 7919) % 256));

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function setup(tls: FtpTlsMode, o: Partial<FtpSourceOptions>, certificate?: 'ip-only') {
  const server = await startFtpServer({ files: { '/s.bin': { body, mtime: new Date(0) } }, switches: { tls }, certificate });
  cleanup.push(() => server.close());
  const source = createFtpSource(server.url('/s.bin'), {
    ...DEFAULT_OPTIONS,
    connections: 3,
    timeoutMs: 2000,
    connectTimeoutMs: 2000,
    ...o,
  });
  cleanup.push(() => source.close());
  return { server, source };
}

/** Read the whole file as three concurrent ranges. */
async function readInThree(source: ReturnType<typeof createFtpSource>): Promise<Buffer> {
  const info = await source.probe(never);
  expect(info.size).toBe(body.length);
  const cuts = [0, 1, 70_000, body.length];
  const parts = await Promise.all(cuts.slice(0, -1).map((start, i) => source.read({ start, end: cuts[i + 1] }, info, never).then(collect)));
  return Buffer.concat(parts);
}

describe('ftp source over TLS', () => {
  it('uses explicit TLS (AUTH TLS, PROT P) with the test CA', async () => {
    const { caFile } = await makeTestCertificates();
    const { server, source } = await setup('explicit', { ftpSsl: true, caCertificate: caFile });
    expect(sha(await readInThree(source))).toBe(sha(body));
    expect(server.stats.commands).toContain('AUTH TLS');
    expect(server.stats.commands).toContain('PROT P');
    expect(server.stats.commands.indexOf('AUTH TLS')).toBeLessThan(server.stats.commands.indexOf('USER anonymous'));
    // The file is encrypted with the cheapest suite the server offers (AES-128-GCM first).
    expect(server.stats.dataCiphers).toHaveLength(3);
    expect(new Set(server.stats.dataCiphers)).toEqual(new Set(['TLS_AES_128_GCM_SHA256']));
  });

  it.each<FtpTlsMode>(['explicit', 'implicit'])('%s TLS to an IP address checks the certificate against that address', async (mode) => {
    // The certificate names 127.0.0.1 only: a check against any other name (Node's default for
    // a socket it wraps is "localhost") would refuse it.
    const { caFile } = await makeTestCertificates();
    const { source } = await setup(mode, { ftpSsl: mode === 'explicit', caCertificate: caFile }, 'ip-only');
    expect(sha(await readInThree(source))).toBe(sha(body));
  });

  it('uses implicit TLS for ftps:// with the test CA', async () => {
    const { caFile } = await makeTestCertificates();
    const { server, source } = await setup('implicit', { caCertificate: caFile });
    expect(sha(await readInThree(source))).toBe(sha(body));
    expect(server.stats.commands).toContain('PROT P');
    expect(server.stats.commands).not.toContain('AUTH TLS');
  });

  for (const mode of ['explicit', 'implicit'] as const) {
    it(`rejects an unknown CA (${mode}) with TLS, and accepts it with insecure`, async () => {
      const { server, source } = await setup(mode, { ftpSsl: mode === 'explicit' });
      const e = await failure(source.probe(never));
      expect([e.code, e.retryable]).toEqual(['TLS', false]);
      expect(e.message).toContain(`127.0.0.1:${server.port}/s.bin`);
      const insecure = createFtpSource(server.url('/s.bin'), {
        ...DEFAULT_OPTIONS,
        connections: 3,
        insecure: true,
        ftpSsl: mode === 'explicit',
      });
      cleanup.push(() => insecure.close());
      expect(sha(await readInThree(insecure))).toBe(sha(body));
    });
  }

  it('fails with TLS when the server refuses AUTH TLS and TLS is required', async () => {
    const { source } = await setup('none', { ftpSsl: true, ftpSslRequired: true });
    const e = await failure(source.probe(never));
    expect([e.code, e.status, e.retryable]).toEqual(['TLS', 502, false]);
    expect(e.message).toMatch(/refused TLS/);
  });

  it('continues in plain text when AUTH TLS is refused and TLS is optional', async () => {
    const { server, source } = await setup('none', { ftpSsl: true });
    expect(sha(await readInThree(source))).toBe(sha(body));
    expect(server.stats.commands).toContain('AUTH TLS');
    expect(server.stats.commands).not.toContain('PROT P');
  });

  it('fails with USAGE when the CA file cannot be read', async () => {
    const { source } = await setup('implicit', { caCertificate: '/nonexistent/ca.pem' });
    expect((await failure(source.probe(never))).code).toBe('USAGE');
  });
});

describe('explicit TLS: nothing may come between 234 and the handshake', () => {
  it.each([
    ['a pipelined reply', '230 Login successful.\r\n'],
    ['a partial line', '2'],
    ['a byte of an unfinished UTF-8 character', '\xc3'],
  ])('%s right after 234 is a protocol error, and no command follows', async (_name, injected) => {
    const { caFile } = await makeTestCertificates();
    const { server, source } = await setup('explicit', { ftpSsl: true, caCertificate: caFile });
    server.switches.afterAuthTls = injected;
    const e = await failure(source.probe(never));
    expect(e.code).toBe('BAD_RESPONSE');
    expect(e.message).toMatch(/sent data after accepting AUTH TLS, before the TLS handshake/);
    expect(e.message).toContain(`127.0.0.1:${server.port}`);
    expect(server.stats.commands).toContain('AUTH TLS');
    expect(server.stats.commands).not.toContain('USER anonymous');
  });

  it('a clean 234 still upgrades', async () => {
    const { caFile } = await makeTestCertificates();
    const { server, source } = await setup('explicit', { ftpSsl: true, caCertificate: caFile });
    server.switches.afterAuthTls = '';
    expect(sha(await readInThree(source))).toBe(sha(body));
  });
});
