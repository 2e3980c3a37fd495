import { describe, expect, it } from 'vitest';
import { FerryError } from '../../src/core/errors.js';
import { DEFAULT_OPTIONS } from '../../src/core/options.js';
import { createHttpClient, type HttpSourceOptions } from '../../src/sources/http/client.js';
import type { HttpPool, PoolOptions } from '../../src/sources/http/pool.js';
import { requestHead } from '../../src/sources/http/request.js';
import { endpointOf } from '../../src/sources/net/socket.js';
import type { ResponseBody } from '../../src/sources/stream/response-body.js';
import { sleep, waitFor } from '../helpers/wait-for.js';
import { lengthResponse } from './http-raw-server.js';
import { useWireFixture } from './http-wire-fixture.js';

const wire = useWireFixture({ timeoutMs: 1000, batchCount: 16 });
const { server, get } = wire;
const pool = (opts?: Partial<PoolOptions>): HttpPool => wire.pool(opts).pool;

const until = (cond: () => boolean, ms = 2000): Promise<void> => waitFor(cond, { ms, everyMs: 5 });

async function text(body: ResponseBody): Promise<string> {
  let out = '';
  for (let c = await body.read(); c !== null; c = await body.read()) {
    out += c.toString('latin1');
    body.release(c);
  }
  return out;
}

const stats = (p: HttpPool, origin: string): { open: number; idle: number } => p.stats(endpointOf(new URL(origin)));

describe('keep-alive', () => {
  it('reuses one connection for sequential requests, and sends Host and Connection: keep-alive', async () => {
    const heads: string[] = [];
    const s = await server((req) => {
      heads.push(req.text);
      req.socket.write(lengthResponse(Buffer.from(`r${req.index}`)));
    });
    const p = pool();
    for (let i = 0; i < 3; i++) expect(await text((await get(p, s.origin, `/f?i=${i}`)).body)).toBe(`r${i}`);
    expect(s.stats.connections).toBe(1);
    expect(heads[2]).toBe(`GET /f?i=2 HTTP/1.1\r\nHost: ${new URL(s.origin).host}\r\nConnection: keep-alive\r\n\r\n`);
    // A finished connection is idle in the pool one turn of the event loop later (stray bytes
    // after a response are looked for first).
    await until(() => stats(p, s.origin).idle === 1);
    expect(stats(p, s.origin)).toEqual({ open: 1, idle: 1 });
  });

  it.each([
    ['Connection: close', lengthResponse(Buffer.from('ab'), 'Connection: close\r\n')],
    ['HTTP/1.0', Buffer.from('HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nab')],
  ])('does not reuse a connection after %s', async (_name, response) => {
    const s = await server((req) => req.socket.write(response));
    const p = pool();
    for (let i = 0; i < 3; i++) expect(await text((await get(p, s.origin)).body)).toBe('ab');
    expect(s.stats.connections).toBe(3);
    await until(() => s.stats.open === 0);
    expect(stats(p, s.origin).open).toBe(0);
  });

  it('does not reuse a connection whose body was cancelled before its end', async () => {
    const s = await server((req) => req.socket.write(`HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n${'x'.repeat(100)}`));
    const p = pool();
    const res = await get(p, s.origin);
    res.body.cancel();
    await until(() => s.stats.open === 0);
    expect(stats(p, s.origin).open).toBe(0);
  });

  it('closes idle connections after the idle timeout, and all of them on close()', async () => {
    const s = await server((req) => req.socket.write(lengthResponse(Buffer.from('ok'))));
    const p = pool({ idleTimeoutMs: 60 });
    await text((await get(p, s.origin)).body);
    expect(s.stats.open).toBe(1);
    await until(() => s.stats.open === 0, 1000);
    expect(stats(p, s.origin)).toEqual({ open: 0, idle: 0 });

    const q = pool();
    await Promise.all([0, 1].map(async () => text((await get(q, s.origin)).body)));
    await until(() => stats(q, s.origin).idle === 2);
    q.close();
    await until(() => s.stats.open === 0);
    await expect(get(q, s.origin)).rejects.toMatchObject({ code: 'ABORTED' });
  });
});

describe('pool limit', () => {
  it('never opens more than `connections` sockets to an origin; queued requests go in order', async () => {
    const s = await server((req) => void sleep(20).then(() => req.socket.write(lengthResponse(Buffer.from(req.path)))));
    const p = pool({ connections: 2 });
    const paths = ['/0', '/1', '/2', '/3', '/4'];
    const got = await Promise.all(paths.map(async (path) => text((await get(p, s.origin, path)).body)));
    expect(got).toEqual(paths);
    expect(s.stats.peakOpen).toBe(2);
    expect(s.stats.connections).toBe(2);
  });

  it('an abort while queued rejects with ABORTED and leaves the queue working', async () => {
    const s = await server((req) => void sleep(30).then(() => req.socket.write(lengthResponse(Buffer.from('ok')))));
    const p = pool({ connections: 1 });
    const first = get(p, s.origin);
    const ctrl = new AbortController();
    const queued = get(p, s.origin, '/', ctrl.signal);
    const after = get(p, s.origin);
    ctrl.abort();
    await expect(queued).rejects.toMatchObject({ code: 'ABORTED' });
    expect(await text((await first).body)).toBe('ok');
    expect(await text((await after).body)).toBe('ok');
    expect(s.stats.requests).toBe(2);
  });
});

describe('warm', () => {
  it('opens the connections before their requests, within the limit, and the requests take them', async () => {
    const s = await server((req) => void sleep(10).then(() => req.socket.write(lengthResponse(Buffer.from(req.path)))));
    const p = pool({ connections: 3 });
    const endpoint = endpointOf(new URL(s.origin));
    p.warm(endpoint, 5);
    await until(() => s.stats.connections === 3);
    expect(s.stats.requests).toBe(0);
    expect(stats(p, s.origin)).toEqual({ open: 3, idle: 3 });
    const leases = await Promise.all([0, 1, 2].map(() => p.acquire(endpoint, new AbortController().signal)));
    // None of them carried a request: a failure on one is not taken for a stale keep-alive.
    expect(leases.map((l) => l.reused)).toEqual([false, false, false]);
    const got = await Promise.all(
      ['/a', '/b', '/c'].map(async (path, i) =>
        text((await leases[i].conn.request(requestHead(new URL(s.origin + path), {}), new AbortController().signal)).body),
      ),
    );
    expect(got).toEqual(['/a', '/b', '/c']);
    expect(s.stats.connections).toBe(3);
    p.warm(endpoint, 2);
    await sleep(30);
    expect(s.stats.connections).toBe(3);
  });

  it('takes connections that already carried a response before warmed ones', async () => {
    const s = await server((req) => req.socket.write(lengthResponse(Buffer.from('ok'))));
    const p = pool({ connections: 4 });
    const endpoint = endpointOf(new URL(s.origin));
    await text((await get(p, s.origin)).body);
    await until(() => stats(p, s.origin).idle === 1);
    p.warm(endpoint, 2);
    await until(() => s.stats.connections === 3);
    const lease = await p.acquire(endpoint, new AbortController().signal);
    expect(lease.reused).toBe(true);
  });

  it('closes a warmed connection nobody used after the idle timeout', async () => {
    const s = await server((req) => req.socket.write(lengthResponse(Buffer.from('ok'))));
    const p = pool({ idleTimeoutMs: 60 });
    p.warm(endpointOf(new URL(s.origin)), 2);
    await until(() => s.stats.open === 2);
    await until(() => s.stats.open === 0, 1000);
    expect(stats(p, s.origin)).toEqual({ open: 0, idle: 0 });
    expect(s.stats.requests).toBe(0);
  });

  it('a warmed connection that cannot connect is dropped without a word, and requests still work', async () => {
    const s = await server((req) => req.socket.write(lengthResponse(Buffer.from('ok'))));
    const p = pool();
    const closed = 'http://127.0.0.1:1';
    p.warm(endpointOf(new URL(closed)), 2);
    await until(() => stats(p, closed).open === 0);
    expect(await text((await get(p, s.origin)).body)).toBe('ok');
  });
});

describe('a reused connection the server closed meanwhile', () => {
  const options = (): HttpSourceOptions => ({ ...DEFAULT_OPTIONS, connections: 2, timeoutMs: 1000, connectTimeoutMs: 1000 });

  async function fetchText(origin: string): Promise<string> {
    const client = createHttpClient(options(), origin);
    wire.defer(() => client.close());
    const first = await client.get(`${origin}/a`, {}, new AbortController().signal);
    const one = await text(first.res.body);
    const second = await client.get(`${origin}/b`, {}, new AbortController().signal);
    return `${one} ${await text(second.res.body)}`;
  }

  it('is retried once on a fresh connection when it failed before any response byte', async () => {
    // Every second request on a connection finds it closed, as after a server's keep-alive timeout.
    const s = await server((req) => (req.index > 0 ? req.socket.destroy() : req.socket.write(lengthResponse(Buffer.from(req.path)))));
    expect(await fetchText(s.origin)).toBe('/a /b');
    expect([s.stats.connections, s.stats.requests]).toEqual([2, 3]);
  });

  it('is retried only once', async () => {
    const s = await server((req) => (req.index > 0 || req.connection > 0 ? req.socket.destroy() : req.socket.write(lengthResponse(Buffer.from('a')))));
    const err = await fetchText(s.origin).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(FerryError);
    expect(err).toMatchObject({ code: 'NETWORK', retryable: true });
    expect(s.stats.requests).toBe(3);
  });

  it('is not retried once response bytes arrived', async () => {
    const s = await server((req) => (req.index > 0 ? req.socket.end('HTTP/1.1 200 O') : req.socket.write(lengthResponse(Buffer.from('a')))));
    await expect(fetchText(s.origin)).rejects.toMatchObject({ code: 'NETWORK' });
    expect(s.stats.requests).toBe(2);
  });
});
