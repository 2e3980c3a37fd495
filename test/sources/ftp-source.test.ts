import { createHash } from 'node:crypto';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { FerryError } from '../../src/core/errors.js';
import { DEFAULT_OPTIONS } from '../../src/core/options.js';
import type { Source } from '../../src/core/types.js';
import { createFtpSource, FTP_BATCH_BYTES, type FtpSourceOptions } from '../../src/sources/ftp/source.js';
import { collect, failure } from '../helpers/assertions.js';
import { startFtpServer } from '../helpers/ftp-server.js';
import { randomBytesSeeded } from '../helpers/http-server.js';

const MTIME = new Date(Date.UTC(2024, 0, 2, 3, 4, 5));
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const never = new AbortController().signal;

const payload = (size: number, seed = 1): Buffer => randomBytesSeeded(size, seed);

const opts = (o: Partial<FtpSourceOptions> = {}): FtpSourceOptions => ({
  ...DEFAULT_OPTIONS,
  connections: 4,
  timeoutMs: 2000,
  connectTimeoutMs: 2000,
  ...o,
});

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function setup(files: Record<string, Buffer>, o: Partial<FtpSourceOptions> = {}, path = Object.keys(files)[0]) {
  const server = await startFtpServer({
    files: Object.fromEntries(Object.entries(files).map(([k, body]) => [k, { body, mtime: MTIME }])),
  });
  cleanup.push(() => server.close());
  const source = createFtpSource(server.url(path), opts(o));
  cleanup.push(() => source.close());
  return { server, source };
}

async function waitFor(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(cond()).toBe(true);
}

describe('ftp source: probe', () => {
  for (const size of [0, 1, 300_001]) {
    for (const mlst of [true, false]) {
      it(`reports size ${size}, time, REST and name (${mlst ? 'MLST' : 'SIZE/MDTM'})`, async () => {
        const { server, source } = await setup({ '/dir/f.bin': payload(size) });
        server.switches.mlst = mlst;
        const info = await source.probe(never);
        expect(info).toEqual({
          url: server.url('/dir/f.bin'),
          size,
          lastModified: 'Tue, 02 Jan 2024 03:04:05 GMT',
          acceptsRanges: true,
          filename: 'f.bin',
        });
        expect(info.body).toBeUndefined();
        expect(server.stats.commands.some((c) => c.startsWith('MLST'))).toBe(mlst);
        expect(server.stats.commands).toContain('TYPE I');
      });
    }
  }

  it('says acceptsRanges false without REST, and refuses an offset read', async () => {
    const body = payload(1000);
    const { server, source } = await setup({ '/f': body });
    server.switches.rest = false;
    expect((await source.probe(never)).acceptsRanges).toBe(false);
    expect(sha(await collect(await source.read({ start: 0 }, { size: 1000 }, never)))).toBe(sha(body));
    expect(sha(await collect(await source.read({ start: 0, end: 1000 }, {}, never)))).toBe(sha(body));
    const e = await failure(source.read({ start: 10, end: 20 }, {}, never));
    expect(e.code).toBe('FTP');
    expect(e.retryable).toBe(false);
    expect(e.message).toMatch(/REST/);
  });
});

describe('ftp source: servers without FEAT', () => {
  it('probes REST with REST 0 and falls back to SIZE/MDTM', async () => {
    const body = payload(4097);
    const { server, source } = await setup({ '/f': body });
    server.switches.feat = false;
    const info = await source.probe(never);
    expect([info.size, info.acceptsRanges, info.lastModified]).toEqual([4097, true, MTIME.toUTCString()]);
    expect(server.stats.commands).toContain('REST 0');
    expect(server.stats.commands.some((c) => c.startsWith('MLST') || c.startsWith('OPTS'))).toBe(false);
    expect(sha(await collect(await source.read({ start: 4096, end: 4097 }, info, never)))).toBe(sha(body.subarray(4096)));
  });

  it('says acceptsRanges false when REST 0 is refused too', async () => {
    const { server, source } = await setup({ '/f': payload(10) });
    server.switches.feat = false;
    server.switches.rest = false;
    expect((await source.probe(never)).acceptsRanges).toBe(false);
  });
});

describe('ftp source: reads', () => {
  it('reads 0- and 1-byte files', async () => {
    const { server, source } = await setup({ '/zero': Buffer.alloc(0), '/one': Buffer.from([0xab]) }, {}, '/zero');
    expect((await collect(await source.read({ start: 0 }, { size: 0 }, never))).length).toBe(0);
    expect((await collect(await source.read({ start: 0, end: 0 }, {}, never))).length).toBe(0);
    const one = createFtpSource(server.url('/one'), opts());
    cleanup.push(() => one.close());
    expect([...(await collect(await one.read({ start: 0, end: 1 }, { size: 1 }, never)))]).toEqual([0xab]);
    expect([...(await collect(await one.read({ start: 0 }, {}, never)))]).toEqual([0xab]);
  });

  it('reads exact ranges: first byte, last byte, middle, whole', async () => {
    const size = 200_003;
    const body = payload(size);
    const { server, source } = await setup({ '/f': body });
    const v = { size, lastModified: MTIME.toUTCString() };
    for (const [start, end] of [
      [0, 1],
      [size - 1, size],
      [65_535, 65_537],
      [1000, 150_000],
      [0, size],
    ]) {
      const got = await collect(await source.read({ start, end }, v, never));
      expect(got.length).toBe(end - start);
      expect(sha(got)).toBe(sha(body.subarray(start, end)));
    }
    expect(server.stats.retrOffsets).toEqual([0, size - 1, 65_535, 1000, 0]);
    // Every transfer was cut or finished cleanly: one login served all five.
    expect(server.stats.logins).toBe(1);
  });

  for (const mlst of [false, true]) {
    it(`sends the lookup, EPSV, REST and RETR in one write once the server answered them (${mlst ? 'MLST' : 'SIZE/MDTM'})`, async () => {
      const size = 70_001;
      const body = payload(size);
      const { server, source } = await setup({ '/f': body });
      server.switches.mlst = mlst;
      const v = { size, lastModified: MTIME.toUTCString() };
      const lookup = mlst ? ['MLST f'] : ['SIZE f', 'MDTM f'];
      for (const [start, end] of [
        [0, 1],
        [size - 1, size],
        [1, size],
        [0, size],
      ]) {
        const got = await collect(await source.read({ start, end }, v, never));
        expect(sha(got)).toBe(sha(body.subarray(start, end)));
      }
      const reads = server.stats.commandReads.map((r) => r.join(' | '));
      // The first read learns the answers (lookup with EPSV, then REST with RETR); later ones send all at once.
      expect(reads).toContain([...lookup, 'EPSV'].join(' | '));
      expect(reads).toContain([...lookup, 'EPSV', `REST ${size - 1}`, 'RETR f'].join(' | '));
      expect(reads).toContain([...lookup, 'EPSV', 'REST 1', 'RETR f'].join(' | '));
      expect(reads).toContain([...lookup, 'EPSV', 'RETR f'].join(' | '));
      expect(server.stats.logins).toBe(1);
    });
  }

  it('falls back to PASV when EPSV is refused, and pipelines PASV from then on', async () => {
    const size = 5000;
    const body = payload(size);
    const { server, source } = await setup({ '/f': body });
    server.switches.epsv = false;
    for (let i = 0; i < 3; i++) {
      const got = await collect(await source.read({ start: 10 * i, end: size }, { size }, never));
      expect(sha(got)).toBe(sha(body.subarray(10 * i, size)));
    }
    const reads = server.stats.commandReads.map((r) => r.join(' | '));
    expect(reads).toContain('MLST f | EPSV');
    expect(reads).toContain('MLST f | PASV | REST 20 | RETR f');
    expect(server.stats.commands.filter((c) => c === 'EPSV')).toHaveLength(1);
  });

  it("ends a range's stream without waiting for the final reply; the next read waits for that session", async () => {
    const size = 100_000;
    const body = payload(size);
    const { server, source } = await setup({ '/f': body });
    server.switches.finalReplyDelayMs = 1500;
    const v = { size, lastModified: MTIME.toUTCString() };
    for (const [start, end] of [
      [0, 40_000],
      [40_000, size],
    ]) {
      const t0 = performance.now();
      const got = await collect(await source.read({ start, end }, v, never));
      expect(sha(got)).toBe(sha(body.subarray(start, end)));
      // The bytes came at once; the 426 of the cut comes 1.5 s later.
      expect(performance.now() - t0).toBeLessThan(start === 0 ? 1000 : 3000);
    }
    // The second read took the first one's session once its reply was in: one login for both.
    expect(server.stats.logins).toBe(1);
    expect(server.stats.retrOffsets).toEqual([0, 40_000]);
  });

  it('hands out 1 MiB views to a consumer that keeps up slowly (one write per MiB), byte-exact', async () => {
    const size = 3 * 1024 * 1024 + 5;
    const body = payload(size);
    const { source } = await setup({ '/f': body });
    const stream = await source.read({ start: 0, end: size }, { size }, never);
    const lengths: number[] = [];
    const hash = createHash('sha256');
    for await (const chunk of stream) {
      lengths.push(chunk.length);
      hash.update(chunk);
      await new Promise((r) => setTimeout(r, 40));
    }
    expect(hash.digest('hex')).toBe(sha(body));
    expect(Math.max(...lengths)).toBe(1024 * 1024);
    expect(lengths.length).toBeLessThan(12);
  });

  it('logs in with PASS, FEAT and TYPE I in one write after USER', async () => {
    const { server, source } = await setup({ '/f': payload(10) });
    await source.probe(never);
    const reads = server.stats.commandReads.map((r) => r.join(' | '));
    expect(reads.slice(0, 2)).toEqual(['USER anonymous', 'PASS **** | FEAT | TYPE I']);
  });

  for (const connections of [2, 4, 7]) {
    it(`assembles the file from ${connections} concurrent range reads (SHA-256)`, async () => {
      const size = 256 * 1024 + 7;
      const body = payload(size, connections);
      const { server, source } = await setup({ '/big.bin': body }, { connections });
      server.switches.dataBytesPerSec = 2_000_000; // data arrives in several paced chunks
      const info = await source.probe(never);
      const out = Buffer.alloc(size);
      const step = Math.ceil(size / connections);
      await Promise.all(
        Array.from({ length: connections }, async (_, i) => {
          const start = i * step;
          const end = Math.min(size, start + step);
          let pos = start;
          for await (const chunk of await source.read({ start, end }, info, never)) {
            out.set(chunk, pos);
            pos += chunk.length;
          }
          expect(pos).toBe(end);
        }),
      );
      expect(sha(out)).toBe(sha(body));
      expect(server.stats.peakSessions).toBe(connections);
      expect([...server.stats.retrOffsets].sort((a, b) => a - b).slice(1)).toEqual(Array.from({ length: connections - 1 }, (_, i) => (i + 1) * step));
      // The idle pool is reused: a second round logs in no more.
      const logins = server.stats.logins;
      await Promise.all(Array.from({ length: connections }, () => source.read({ start: 0, end: 10 }, info, never).then(collect)));
      expect(server.stats.logins).toBe(logins);
    });
  }

  it('cancels a stream (twice is safe) and keeps working', async () => {
    const body = payload(100_000);
    const { server, source } = await setup({ '/f': body });
    server.switches.dataBytesPerSec = 50_000;
    const stream = await source.read({ start: 0, end: 100_000 }, {}, never);
    const it = stream[Symbol.asyncIterator]();
    const first = await it.next();
    expect(first.done).toBe(false);
    stream.cancel();
    stream.cancel();
    const e = await failure(it.next());
    expect(e.code).toBe('ABORTED');
    server.switches.dataBytesPerSec = undefined;
    expect(sha(await collect(await source.read({ start: 5, end: 100_000 }, {}, never)))).toBe(sha(body.subarray(5)));
  });

  it('releases the connection when the consumer stops early', async () => {
    const { server, source } = await setup({ '/f': payload(500_000) }, { connections: 1 });
    for (let i = 0; i < 3; i++) {
      for await (const chunk of await source.read({ start: 0, end: 500_000 }, {}, never)) {
        expect(chunk.length).toBeGreaterThan(0);
        break;
      }
    }
    expect(server.stats.retrOffsets).toEqual([0, 0, 0]);
    await source.close();
    await waitFor(() => server.stats.sessions === 0);
  });

  it('follows a private PASV address to the control host', async () => {
    const body = payload(5000);
    const { server, source } = await setup({ '/f': body });
    server.switches.epsv = false;
    server.switches.announcePrivateAddress = true;
    expect(sha(await collect(await source.read({ start: 0, end: 5000 }, {}, never)))).toBe(sha(body));
    expect(sha(await collect(await source.read({ start: 7, end: 5000 }, {}, never)))).toBe(sha(body.subarray(7)));
    expect(server.stats.commands.filter((c) => c === 'EPSV')).toHaveLength(1);
    expect(server.stats.commands.filter((c) => c === 'PASV')).toHaveLength(2);
  });

  it('logs in again when the server dropped an idle pooled connection', async () => {
    const body = payload(3000);
    const { server, source } = await setup({ '/f': body });
    expect(sha(await collect(await source.read({ start: 0, end: 3000 }, {}, never)))).toBe(sha(body));
    server.disconnectAll();
    await waitFor(() => server.stats.sessions === 0);
    expect(sha(await collect(await source.read({ start: 1, end: 3000 }, { size: 3000 }, never)))).toBe(sha(body.subarray(1)));
    expect(server.stats.logins).toBe(2);
  });

  it('stops a running transfer on close()', async () => {
    const { server, source } = await setup({ '/f': payload(100_000) });
    server.switches.dataBytesPerSec = 20_000;
    const stream = await source.read({ start: 0, end: 100_000 }, {}, never);
    const it = stream[Symbol.asyncIterator]();
    expect((await it.next()).done).toBe(false);
    await source.close();
    expect((await failure(it.next())).code).toBe('ABORTED');
    await waitFor(() => server.stats.sessions === 0);
  });

  it('closes every pooled connection on close()', async () => {
    const { server, source } = await setup({ '/f': payload(10) }, { connections: 3 });
    await Promise.all([0, 1, 2].map(() => source.read({ start: 0, end: 10 }, {}, never).then(collect)));
    expect(server.stats.sessions).toBe(3);
    await source.close();
    await waitFor(() => server.stats.sessions === 0);
    expect(server.stats.commands.filter((c) => c === 'QUIT')).toHaveLength(3);
  });
});

describe('ftp source: failures', () => {
  it('turns a data drop into a retryable NETWORK error', async () => {
    const { server, source } = await setup({ '/f': payload(50_000) });
    server.switches.dropDataAfterBytes = 1000;
    const e = await failure(source.read({ start: 0, end: 50_000 }, {}, never).then(collect));
    expect(e.code).toBe('NETWORK');
    expect(e.retryable).toBe(true);
    expect(e.message).toContain('after 1000 of 50000 bytes');
    const toEnd = await failure(source.read({ start: 0 }, {}, never).then(collect));
    expect(toEnd.code).toBe('NETWORK');
    expect(toEnd.status).toBe(426);
    expect(toEnd.retryable).toBe(true);
  });

  it('detects a changed file (size or time) before reading', async () => {
    const { server, source } = await setup({ '/f': payload(1000) });
    const info = await source.probe(never);
    server.setFile('/f', payload(1000, 9)); // same size, new mtime
    const e = await failure(source.read({ start: 0, end: 1000 }, info, never));
    expect(e.code).toBe('CHANGED');
    expect(e.message).toContain('/f');
    // The server's answers were not known yet: nothing went out past the lookup.
    expect(server.stats.retrOffsets).toEqual([]);
    server.setFile('/f', payload(1001), MTIME); // same time, new size
    expect((await failure(source.read({ start: 10, end: 20 }, info, never))).code).toBe('CHANGED');
    // Now REST and RETR went out with the lookup; that transfer is closed unread, its session dropped.
    expect(server.stats.retrOffsets.length).toBeLessThanOrEqual(1);
    expect(server.stats.logins).toBe(1);
  });

  it('reports a refused login with a hint, not retryable', async () => {
    const { server, source } = await setup({ '/f': payload(10) });
    server.switches.anonymous = false;
    const e = await failure(source.probe(never));
    expect(e.code).toBe('FTP');
    expect(e.status).toBe(530);
    expect(e.retryable).toBe(false);
    expect(e.message).toContain(`127.0.0.1:${server.port}/f`);
    expect(e.message).toContain('anonymous');
    expect(e.hint).toMatch(/--ftp-user/);
  });

  it('reports 550 for a missing file and a directory as not a file', async () => {
    const { server } = await setup({ '/dir/f': payload(10) });
    for (const mlst of [true, false]) {
      server.switches.mlst = mlst;
      const missing = createFtpSource(server.url('/nope.bin'), opts());
      cleanup.push(() => missing.close());
      const e = await failure(missing.probe(never));
      expect([e.code, e.status, e.retryable]).toEqual(['FTP', 550, false]);
      expect(e.message).toContain('/nope.bin');
      expect((await failure(missing.read({ start: 0 }, {}, never))).status).toBe(550);
      const dir = createFtpSource(server.url('/dir'), opts());
      cleanup.push(() => dir.close());
      const d = await failure(dir.probe(never));
      expect([d.code, d.retryable]).toEqual(['FTP', false]);
      expect(d.message).toMatch(/\/dir: is a directory/);
    }
  });

  it('turns 421 (too many connections) into a retryable FTP error with a delay', async () => {
    const { server, source } = await setup({ '/f': payload(20_000) });
    server.switches.maxConnections = 2;
    server.switches.dataBytesPerSec = 40_000;
    const results = await Promise.allSettled([0, 1, 2].map((i) => source.read({ start: i * 100, end: 20_000 }, {}, never).then(collect)));
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected).toHaveLength(1);
    const e = rejected[0].reason as FerryError;
    expect([e.code, e.status, e.retryable]).toEqual(['FTP', 421, true]);
    expect(e.retryAfterMs).toBeGreaterThanOrEqual(1000);
    expect(server.stats.refused).toBe(1);
  });

  it('times out when data stalls', async () => {
    const { server, source } = await setup({ '/f': payload(1000) }, { timeoutMs: 300 });
    server.switches.dataBytesPerSec = 1; // one byte, then silence for a second
    const started = Date.now();
    const e = await failure(source.read({ start: 0, end: 1000 }, {}, never).then(collect));
    expect([e.code, e.retryable]).toEqual(['TIMEOUT', true]);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('stops with ABORTED when the signal fires', async () => {
    const { server, source } = await setup({ '/f': payload(100_000) });
    const aborted = new AbortController();
    aborted.abort();
    expect((await failure(source.read({ start: 0 }, {}, aborted.signal))).code).toBe('ABORTED');
    expect((await failure(source.probe(aborted.signal))).code).toBe('ABORTED');
    server.switches.dataBytesPerSec = 20_000;
    const ctl = new AbortController();
    const stream = await source.read({ start: 0, end: 100_000 }, {}, ctl.signal);
    let got = 0;
    const e = await failure(
      (async () => {
        for await (const c of stream) {
          got += c.length;
          ctl.abort();
        }
      })(),
    );
    expect(e.code).toBe('ABORTED');
    expect(got).toBeLessThan(100_000);
  });

  it('times out on a server that never greets', async () => {
    const silent = net.createServer((c) => c.on('error', () => {}));
    const sockets = new Set<net.Socket>();
    silent.on('connection', (c) => sockets.add(c));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanup.push(async () => {
      for (const c of sockets) c.destroy();
      await new Promise((r) => silent.close(r));
    });
    const { port } = silent.address() as net.AddressInfo;
    const source = createFtpSource(`ftp://127.0.0.1:${port}/f`, opts({ timeoutMs: 200 }));
    const e = await failure(source.probe(never));
    expect([e.code, e.retryable]).toEqual(['TIMEOUT', true]);
    // An abort does not wait for the timeout.
    const patient = createFtpSource(`ftp://127.0.0.1:${port}/f`, opts({ timeoutMs: 10_000 }));
    const started = Date.now();
    const e2 = await failure(patient.probe(AbortSignal.timeout(50)));
    expect(e2.code).toBe('ABORTED');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('reports a refused connection as retryable NETWORK', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const source: Source = createFtpSource(`ftp://127.0.0.1:${port}/f`, opts());
    const e = await failure(source.probe(never));
    expect([e.code, e.retryable]).toEqual(['NETWORK', true]);
    expect(e.message).toContain(`ftp://127.0.0.1:${port}/f`);
  });
});

describe('ftp source: pooled data buffers', () => {
  /** Read a range copying each chunk; count the distinct memory blocks the chunks were views of. */
  async function readRange(source: Source, start: number, end: number, release: boolean) {
    const stream = await source.read({ start, end }, {}, never);
    expect(typeof stream.release).toBe('function');
    const blocks = new Set<ArrayBufferLike>();
    const parts: Buffer[] = [];
    for await (const chunk of stream) {
      blocks.add(chunk.buffer);
      parts.push(Buffer.from(chunk));
      if (release) stream.release?.(chunk);
    }
    return { bytes: Buffer.concat(parts), blocks: blocks.size };
  }

  it('reuses released chunks for later ones, byte-exact', async () => {
    // Eight batches' worth (and 3 bytes): kept chunks need a batch each, released ones are reused.
    const body = payload(8 * FTP_BATCH_BYTES + 3, 5);
    const { source } = await setup({ '/big.bin': body }, { connections: 1 });
    const released = await readRange(source, 1, body.length, true);
    expect(sha(released.bytes)).toBe(sha(body.subarray(1)));
    expect(released.blocks).toBeLessThanOrEqual(4);
    const kept = await readRange(source, 0, body.length - 1, false);
    expect(sha(kept.bytes)).toBe(sha(body.subarray(0, body.length - 1)));
    expect(kept.blocks).toBeGreaterThanOrEqual(8);
  });
});
