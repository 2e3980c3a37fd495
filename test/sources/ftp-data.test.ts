import { createHash } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { FerryError } from '../../src/core/errors.js';
import { connectData, DataReader } from '../../src/sources/ftp/data.js';
import { BatchPool } from '../../src/sources/stream/batch-pool.js';
import { failure } from '../helpers/assertions.js';
import { randomBytesSeeded } from '../helpers/http-server.js';
import { makeTestCertificates } from '../helpers/tls.js';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const BATCH = 16 * 1024;

const payload = (size: number, seed = 7): Buffer => randomBytesSeeded(size, seed);

const cleanup: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** A loopback data server: each connection gets `body` (then the server closes it unless `hold`). */
async function dataServer(body: Buffer, o: { hold?: boolean; secure?: tls.SecureContextOptions } = {}) {
  const sockets = new Set<net.Socket>();
  let written = 0;
  const serve = (s: net.Socket) => {
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
    // Small writes so that `written` tells how far the client let the server get.
    let at = 0;
    const pump = () => {
      while (at < body.length) {
        const piece = body.subarray(at, at + 64 * 1024);
        at += piece.length;
        written += piece.length;
        if (!s.write(piece)) return void s.once('drain', pump);
      }
      if (!o.hold) s.end();
    };
    pump();
  };
  const server = o.secure ? tls.createServer(o.secure, serve) : net.createServer(serve);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanup.push(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
  });
  const port = (server.address() as net.AddressInfo).port;
  return { port, written: () => written };
}

interface ReaderOptions {
  timeoutMs?: number;
  highWater?: number;
  hold?: boolean;
  limit?: number;
}

async function plainReader(body: Buffer, o: ReaderOptions = {}) {
  const srv = await dataServer(body, { hold: o.hold });
  const pool = new BatchPool(BATCH);
  const reader = new DataReader(pool, 'ftp://test/f', o.timeoutMs ?? 2000, o.highWater);
  if (o.limit !== undefined) reader.limit(o.limit);
  await connectData({ host: '127.0.0.1', port: srv.port, where: 'ftp://test/f', connectTimeoutMs: 2000 }, reader);
  cleanup.push(() => reader.close());
  return { srv, pool, reader };
}

/** Read to the end; release each chunk after copying it when `release` is set. */
async function drain(reader: DataReader, release: boolean): Promise<{ bytes: Buffer; chunks: number }> {
  const parts: Buffer[] = [];
  for (;;) {
    const chunk = await reader.next();
    if (chunk === null) break;
    parts.push(Buffer.from(chunk));
    if (release) reader.release(chunk);
  }
  return { bytes: Buffer.concat(parts), chunks: parts.length };
}

describe('ftp data reader', () => {
  for (const size of [0, 1, BATCH - 1, BATCH, BATCH + 1, 300_001]) {
    it(`yields ${size} bytes exactly, as views of pool batches`, async () => {
      const body = payload(size);
      const { reader, pool } = await plainReader(body);
      const { bytes } = await drain(reader, true);
      expect(sha(bytes)).toBe(sha(body));
      expect(reader.copiedBytes).toBe(0);
      expect(pool.allocated).toBeGreaterThanOrEqual(size > 0 ? 1 : 0);
    });
  }

  it('reuses released batches: memory stays a few batches for a body of many', async () => {
    const body = payload(64 * BATCH + 123);
    const { reader, pool } = await plainReader(body);
    const { bytes, chunks } = await drain(reader, true);
    expect(sha(bytes)).toBe(sha(body));
    expect(chunks).toBeGreaterThanOrEqual(65);
    expect(pool.allocated).toBeLessThanOrEqual(4);
  });

  it('without release every batch is new (reuse comes from release)', async () => {
    const body = payload(64 * BATCH);
    const { reader, pool } = await plainReader(body);
    const { bytes } = await drain(reader, false);
    expect(sha(bytes)).toBe(sha(body));
    expect(pool.allocated).toBeGreaterThanOrEqual(64);
  });

  it('pauses the socket while a consumer is behind (memory bounded), then delivers every byte', async () => {
    const body = payload(8 * 1024 * 1024);
    const highWater = 4 * BATCH;
    const { reader, pool, srv } = await plainReader(body, { highWater, timeoutMs: 200 });
    await sleep(300); // longer than the idle timeout: a consumer that is behind is no stall
    // At most the high-water mark plus the batch being filled, plus one socket read.
    expect(pool.allocated * BATCH).toBeLessThanOrEqual(highWater + 2 * BATCH);
    expect(srv.written()).toBeLessThan(body.length);
    const { bytes } = await drain(reader, true);
    expect(sha(bytes)).toBe(sha(body));
    expect(pool.allocated * BATCH).toBeLessThanOrEqual(highWater + 3 * BATCH);
  });

  for (const limit of [0, 1, BATCH, BATCH + 1]) {
    it(`stops at a limit of ${limit} bytes and keeps nothing past it`, async () => {
      const body = payload(4 * BATCH);
      const { reader, pool } = await plainReader(body, { hold: true, limit });
      const { bytes } = await drain(reader, true);
      expect(sha(bytes)).toBe(sha(body.subarray(0, limit)));
      expect(pool.allocated).toBeLessThanOrEqual(Math.ceil(limit / BATCH) + 1);
    });
  }

  it('times out while waiting for data that does not come', async () => {
    const { reader } = await plainReader(payload(10), { hold: true, timeoutMs: 100 });
    const first = await reader.next();
    expect(first?.length).toBe(10);
    const started = Date.now();
    const err = await failure(reader.next());
    expect(err.code).toBe('TIMEOUT');
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
  });

  it('reports a data connection closed early by the peer as NETWORK, after the bytes before it', async () => {
    const srv = net.createServer((s) => {
      s.write(payload(1000));
      setTimeout(() => s.resetAndDestroy(), 20);
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    cleanup.push(() => new Promise((r) => srv.close(() => r())));
    const reader = new DataReader(new BatchPool(BATCH), 'ftp://test/f', 2000);
    const port = (srv.address() as net.AddressInfo).port;
    await connectData({ host: '127.0.0.1', port, where: 'ftp://test/f', connectTimeoutMs: 2000 }, reader);
    const got = await reader.next();
    expect(sha(got ?? Buffer.alloc(0))).toBe(sha(payload(1000)));
    const err = await failure(reader.next());
    expect(err.code).toBe('NETWORK');
    expect(err.retryable).toBe(true);
  });

  it('close() ends the data without an error; fail() makes next() reject', async () => {
    const a = await plainReader(payload(1000), { hold: true });
    a.reader.close();
    expect(await a.reader.next()).toBeNull();
    const b = await plainReader(payload(1000), { hold: true });
    b.reader.fail(new FerryError('ABORTED', 'stop'));
    await b.reader.next().catch(() => undefined); // bytes received before the failure may come first
    expect((await failure(b.reader.next())).code).toBe('ABORTED');
  });

  it('connecting fails with ABORTED on an aborted signal and NETWORK on a refused port', async () => {
    const reader = new DataReader(new BatchPool(BATCH), 'ftp://test/f', 2000);
    const ac = new AbortController();
    ac.abort();
    const target = { host: '127.0.0.1', port: 9, where: 'ftp://test/f', connectTimeoutMs: 2000 };
    expect((await failure(connectData({ ...target, signal: ac.signal }, reader))).code).toBe('ABORTED');
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise((r) => closed.close(r));
    expect((await failure(connectData({ ...target, port }, reader))).code).toBe('NETWORK');
  });

  it('reads TLS data straight into batches (tls.connect honours onread)', async () => {
    const certs = await makeTestCertificates();
    const body = payload(20 * BATCH + 5);
    const srv = await dataServer(body, { secure: { cert: certs.certPem, key: certs.keyPem } });
    const pool = new BatchPool(BATCH);
    const reader = new DataReader(pool, 'ftps://test/f', 2000);
    const target = { host: '127.0.0.1', port: srv.port, where: 'ftps://test/f', connectTimeoutMs: 2000 };
    await connectData({ ...target, tls: { ca: [certs.caPem] } }, reader);
    cleanup.push(() => reader.close());
    const { bytes } = await drain(reader, true);
    expect(sha(bytes)).toBe(sha(body));
    expect(reader.copiedBytes).toBe(0);
    expect(pool.allocated).toBeLessThanOrEqual(4);
  });
});

describe('ftp data reader over TLS', () => {
  for (const limit of [1, BATCH - 1, BATCH + 1]) {
    it(`stops at a limit of ${limit} bytes inside a TLS record`, async () => {
      const certs = await makeTestCertificates();
      const body = payload(4 * BATCH);
      const srv = await dataServer(body, { secure: { cert: certs.certPem, key: certs.keyPem }, hold: true });
      const reader = new DataReader(new BatchPool(BATCH), 'ftps://test/f', 2000);
      reader.limit(limit);
      const target = { host: '127.0.0.1', port: srv.port, where: 'ftps://test/f', connectTimeoutMs: 2000 };
      await connectData({ ...target, tls: { ca: [certs.caPem] } }, reader);
      cleanup.push(() => reader.close());
      const { bytes } = await drain(reader, true);
      expect(sha(bytes)).toBe(sha(body.subarray(0, limit)));
    });
  }

  it('fails with TLS for an untrusted certificate', async () => {
    const certs = await makeTestCertificates();
    const srv = await dataServer(payload(100), { secure: { cert: certs.certPem, key: certs.keyPem } });
    const reader = new DataReader(new BatchPool(BATCH), 'ftps://test/f', 2000);
    await connectData({ host: '127.0.0.1', port: srv.port, where: 'ftps://test/f', connectTimeoutMs: 2000, tls: {} }, reader);
    cleanup.push(() => reader.close());
    expect((await failure(reader.next())).code).toBe('TLS');
  });
});
