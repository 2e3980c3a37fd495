import http from 'node:http';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RpcServer, type RpcServerOptions, startRpcServer } from '../../src/rpc/server.js';
import { MAX_IN_FLIGHT } from '../../src/rpc/ws.js';
import { FakeService } from './fake-service.js';
import { post, raw, WsClient } from './rpc-client.js';

const SECRET = 's3cret';
const T = `token:${SECRET}`;
let service: FakeService;
let server: RpcServer;
const clients: WsClient[] = [];

async function start(extra: Partial<RpcServerOptions> = {}): Promise<void> {
  await server?.close();
  server = await startRpcServer({
    service,
    downloadRoot: '/srv/dl',
    secret: SECRET,
    version: '0.1.0',
    port: 0,
    maxBodyBytes: 64 * 1024,
    readTimeoutMs: 600,
    maxWebSockets: 3,
    auth: { delayMs: 300, maxFailures: 3, windowMs: 60_000 },
    progressIntervalMs: 100,
    ...extra,
  });
}

beforeEach(async () => {
  service = new FakeService();
  await start();
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await server.close();
});

const open = async (headers: Record<string, string> = {}): Promise<WsClient> => {
  const c = await WsClient.open(server.port, headers);
  clients.push(c);
  return c;
};
const stat = { id: 1, method: 'aria2.getGlobalStat', params: [T] };

describe('HTTP transport', () => {
  it('POST answers application/json-rpc with aria2 status codes; other paths are 404', async () => {
    const r = await post(server.port, stat);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json-rpc');
    expect(r.json()).toMatchObject({ id: 1, jsonrpc: '2.0', result: { numActive: '0' } });
    expect((await post(server.port, { id: 1, method: 'aria2.tellStatus', params: [T, '0123456789abcdef'] })).status).toBe(400);
    expect((await post(server.port, { method: 'aria2.getVersion' })).status).toBe(400);
    expect((await post(server.port, { id: 1, method: 'aria2.getVersion', params: 'x' })).status).toBe(500);
    expect((await raw(server.port, { body: '{nope' })).status).toBe(500);
    expect((await raw(server.port, { path: '/other', body: JSON.stringify(stat) })).status).toBe(404);
    expect((await raw(server.port, { method: 'PUT' })).status).toBe(405);
  });

  it('GET with base64 params, JSONP, and a base64 batch', async () => {
    const params = Buffer.from(JSON.stringify([T])).toString('base64');
    const r = await raw(server.port, { method: 'GET', path: `/jsonrpc?method=aria2.getGlobalStat&id=7&params=${encodeURIComponent(params)}` });
    expect(r.json()).toMatchObject({ id: '7', result: { numWaiting: '0' } });
    const p = await raw(server.port, { method: 'GET', path: `/jsonrpc?method=aria2.getGlobalStat&id=7&params=${encodeURIComponent(params)}&jsoncallback=cb` });
    expect(p.headers['content-type']).toBe('text/javascript');
    expect(p.text).toMatch(/^cb\(\{"id":"7","jsonrpc":"2.0","result":\{/);
    expect(p.text.endsWith('})')).toBe(true);
    const batch = Buffer.from(JSON.stringify([{ id: 'a', method: 'aria2.getGlobalStat', params: [T] }])).toString('base64');
    const b = await raw(server.port, { method: 'GET', path: `/jsonrpc?params=${encodeURIComponent(batch)}` });
    expect(b.json()).toMatchObject([{ id: 'a', result: { numActive: '0' } }]);
    const evil = await raw(server.port, { method: 'GET', path: `/jsonrpc?method=aria2.getVersion&id=1&jsoncallback=${encodeURIComponent('alert(1);x')}` });
    expect(evil.status).toBe(400);
    const badB64 = await raw(server.port, { method: 'GET', path: '/jsonrpc?method=aria2.getVersion&id=1&params=%%%' });
    expect(badB64.json()).toMatchObject({ error: { code: -32700 } });
  });

  it('shutdown answers OK first, then stops (HTTP and WebSocket)', async () => {
    const r = await post(server.port, { id: 1, method: 'aria2.shutdown', params: [T] });
    expect(r.json()).toMatchObject({ result: 'OK' });
    await sleep(50);
    expect(service.shutdowns).toEqual([false]);
    const ws = await open();
    expect(await ws.call('f', 'aria2.forceShutdown', [T])).toMatchObject({ result: 'OK' });
    await sleep(50);
    expect(service.shutdowns).toEqual([false, true]);
  });

  it('a missing or wrong token is answered late; the address is then refused, other addresses are not', async () => {
    // A long delay, so that "at once" has a generous margin on a loaded machine.
    await start({ auth: { delayMs: 1500, maxFailures: 3, windowMs: 60_000 } });
    const t0 = Date.now();
    const r = await post(server.port, { id: 1, method: 'aria2.getGlobalStat', params: ['token:bad'] });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1450);
    expect(r.json()).toMatchObject({ error: { code: 1, message: 'Unauthorized' } });
    const t1 = Date.now();
    expect((await post(server.port, stat)).status).toBe(200);
    expect(Date.now() - t1).toBeLessThan(1000);
    await Promise.all([
      post(server.port, { id: 2, method: 'aria2.tellActive', params: [] }),
      post(server.port, { id: 3, method: 'aria2.tellActive', params: ['token:x'] }),
    ]);
    // Three failures: even the right token is refused from this address now, at once.
    const t2 = Date.now();
    const blocked = await post(server.port, stat);
    expect(Date.now() - t2).toBeLessThan(1000);
    expect(blocked.status).toBe(429);
    expect(blocked.json()).toMatchObject({ error: { code: 1, message: expect.stringMatching(/^Too many failed authentication attempts from 127\.0\.0\.1/) } });
    expect((await post(server.port, stat, {}, '127.0.0.2')).status).toBe(200);
  });
  it('parallel failed attempts never get past the limit (run many times)', async () => {
    for (let round = 0; round < 5; round++) {
      await start({ auth: { delayMs: 50, maxFailures: 3, windowMs: 60_000 } });
      const answers = await Promise.all(
        Array.from({ length: 30 }, (_, i) => post(server.port, { id: i, method: 'aria2.tellActive', params: ['token:guess'] })),
      );
      const messages = answers.map((r) => (r.json() as { error: { message: string } }).error.message);
      expect(messages.filter((m) => m === 'Unauthorized')).toHaveLength(3);
      expect(answers.filter((r) => r.status === 429)).toHaveLength(27);
    }
  });
});

describe('browsers and hosts (ferry is stricter than aria2 here)', () => {
  it('refuses a foreign Origin on HTTP and on the WebSocket upgrade; allows its own page and listed origins', async () => {
    const evil = await post(server.port, stat, { Origin: 'http://evil.example' });
    expect(evil.status).toBe(403);
    expect(evil.json()).toMatchObject({
      error: { code: 1, message: 'Origin http://evil.example is not allowed: start the daemon with --rpc-allow-origin http://evil.example to allow it.' },
    });
    await expect(WsClient.open(server.port, { Origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
    const own = await post(server.port, stat, { Origin: `http://127.0.0.1:${server.port}` });
    expect(own.status).toBe(200);
    expect(own.headers['access-control-allow-origin']).toBe(`http://127.0.0.1:${server.port}`);
    expect((await post(server.port, stat, { Origin: 'null' })).status).toBe(403);
    await start({ allowOrigins: ['null', 'chrome-extension://abc'] });
    expect((await post(server.port, stat, { Origin: 'null' })).status).toBe(200);
    const ws = await open({ Origin: 'chrome-extension://abc' });
    expect(await ws.call(9, 'aria2.getVersion', [T])).toMatchObject({ result: { version: '0.1.0' } });
    const pre = await raw(server.port, { method: 'OPTIONS', headers: { Origin: 'null', 'Access-Control-Request-Headers': 'content-type' } });
    expect(pre.status).toBe(200);
    expect(pre.headers).toMatchObject({
      'access-control-allow-origin': 'null',
      'access-control-allow-methods': 'POST, GET, OPTIONS',
      'access-control-allow-headers': 'content-type',
    });
    expect((await raw(server.port, { method: 'OPTIONS', headers: { Origin: 'http://evil.example' } })).status).toBe(403);
  });

  it('allows * only with a secret', async () => {
    await expect(startRpcServer({ service, downloadRoot: '/srv', version: '0', port: 0, allowOrigins: ['*'] })).rejects.toThrow(/--rpc-allow-origin \*/);
    await start({ allowOrigins: ['*'] });
    expect((await post(server.port, stat, { Origin: 'http://any.example' })).status).toBe(200);
  });

  it('refuses a Host that is not the listen address (DNS rebinding), on HTTP and WebSocket', async () => {
    for (const host of ['evil.example', `evil.example:${server.port}`, `127.0.0.1:${server.port + 1}`]) {
      const r = await post(server.port, stat, { Host: host });
      expect(r.status, host).toBe(403);
      expect(r.json()).toMatchObject({ error: { message: expect.stringMatching(/^Host .* is not this server/) } });
    }
    await expect(WsClient.open(server.port, { Host: `rebind.example:${server.port}` })).rejects.toThrow('HTTP 403');
    expect((await post(server.port, stat, { Host: `localhost:${server.port}` })).status).toBe(200);
    await start({ hosts: ['nas.lan'] });
    expect((await post(server.port, stat, { Host: `nas.lan:${server.port}` })).status).toBe(200);
  });
});

describe('limits', () => {
  it('refuses an oversized body (declared or streamed) and keeps answering', async () => {
    const big = JSON.stringify({ id: 1, method: 'aria2.addUri', params: [T, ['http://h/x'], { header: 'x'.repeat(100 * 1024) }] });
    const r = await raw(server.port, { body: big });
    expect(r.status).toBe(413);
    expect(r.json()).toMatchObject({ id: null, error: { code: 1, message: 'The request is larger than 65536 bytes.' } });
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: server.port, method: 'POST', path: '/jsonrpc', agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      for (let i = 0; i < 10; i++) req.write('x'.repeat(16 * 1024));
      req.end();
    });
    expect(chunked).toBe(413);
    expect((await post(server.port, stat)).status).toBe(200);
  });

  it('a body that arrives too slowly hits the read timeout', async () => {
    const answer = await new Promise<string>((resolve) => {
      const s = net.connect(server.port, '127.0.0.1', () => {
        s.write(`POST /jsonrpc HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nContent-Length: 100\r\n\r\n{"id":1,`);
      });
      let text = '';
      s.on('data', (d) => {
        text += String(d);
      });
      s.on('close', () => resolve(text));
      s.on('error', () => resolve(text));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(answer).toContain('"message":"The request was not received within 0.6 s."');
    expect((await post(server.port, stat)).status).toBe(200);
  });

  it('caps WebSocket connections, and frees a place when one closes', async () => {
    const ws = [await open(), await open(), await open()];
    await expect(WsClient.open(server.port)).rejects.toThrow('HTTP 503');
    ws[0].close();
    await sleep(100);
    const again = await open();
    expect(await again.call('k', 'aria2.getVersion', [T])).toMatchObject({ id: 'k', result: {} });
  });

  it('many upgrades at once never exceed the cap', async () => {
    for (let round = 0; round < 5; round++) {
      const results = await Promise.allSettled(Array.from({ length: 8 }, () => open()));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
      for (const c of clients.splice(0)) c.close();
      await sleep(100);
    }
  });
});

describe('WebSocket transport and notifications', () => {
  it('a WebSocket client cannot pile up unanswered requests: reading stops at the in-flight cap', async () => {
    for (let round = 0; round < 3; round++) {
      let release: () => void = () => {};
      const gate = new Promise<void>((r) => {
        release = r;
      });
      let started = 0;
      const add = service.add.bind(service);
      service.add = async (...args) => {
        started++;
        await gate;
        return add(...args);
      };
      const ws = await open();
      for (let i = 0; i < 100; i++) ws.ws.send(JSON.stringify({ id: i, method: 'aria2.addUri', params: [T, [`http://h/${i}`]] }));
      await sleep(300);
      expect(started).toBeLessThanOrEqual(MAX_IN_FLIGHT);
      expect(started).toBeGreaterThan(0);
      release();
      await ws.next(() => ws.messages.filter((m) => 'result' in m).length === 100, 10_000);
      expect(new Set(ws.messages.filter((m) => 'result' in m).map((m) => m.id)).size).toBe(100);
      service = new FakeService();
      await start();
    }
  });

  it('a message over the size limit closes that connection (1009) and the server keeps serving', async () => {
    const ws = await open();
    const closed = new Promise<number>((resolve) => ws.ws.once('close', (code) => resolve(code)));
    ws.ws.send('x'.repeat(65 * 1024));
    expect(await closed).toBe(1009);
    const again = await open();
    expect(await again.call(1, 'aria2.getVersion', [T])).toMatchObject({ result: {} });
  });

  it('answers requests, batches and unauthorized calls (late) over WebSocket', async () => {
    const ws = await open();
    expect(await ws.call(0, 'aria2.getVersion', [T])).toEqual({
      id: 0,
      jsonrpc: '2.0',
      result: { version: '0.1.0', enabledFeatures: ['HTTPS', 'Message Digest'] },
    });
    ws.ws.send(JSON.stringify([{ id: 'b1', method: 'aria2.tellActive', params: [T] }]));
    expect(await ws.next((m) => Array.isArray(m))).toEqual([{ id: 'b1', jsonrpc: '2.0', result: [] }]);
    const t0 = Date.now();
    expect(await ws.call('u', 'aria2.tellActive', ['token:no'])).toMatchObject({ error: { message: 'Unauthorized' } });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(280);
    ws.ws.send('{bad json');
    expect(await ws.next((m) => (m.error as { code?: number })?.code === -32700)).toMatchObject({ id: null });
  });

  it('sends aria2 notifications and ferry added/removed/progress (progress batched and throttled)', async () => {
    const ws = await open();
    const note = (method: string, gid: string) => ws.next((m) => m.method === method && (m.params as { gid: string }[])[0]?.gid === gid);
    const a = (await ws.call('a', 'aria2.addUri', [T, ['http://h/a']])).result as string;
    const b = (await ws.call('b', 'aria2.addUri', [T, ['http://h/b']])).result as string;
    expect(await note('ferry.onDownloadAdded', a)).toEqual({ jsonrpc: '2.0', method: 'ferry.onDownloadAdded', params: [{ gid: a }] });
    service.activate(a, 100);
    service.activate(b, 100);
    expect(await note('aria2.onDownloadStart', a)).not.toHaveProperty('id');
    const before = ws.messages.length;
    for (let i = 1; i <= 50; i++) {
      service.progress(a, i, 10);
      service.progress(b, i * 2, 20);
    }
    const progress = await ws.next((m, i = ws.messages.indexOf(m)) => i >= before && m.method === 'ferry.onProgress');
    expect(progress.params).toEqual([
      { gid: a, completedLength: '50', totalLength: '100', downloadSpeed: '10', connections: '2' },
      { gid: b, completedLength: '100', totalLength: '100', downloadSpeed: '20', connections: '2' },
    ]);
    await sleep(300);
    expect(ws.messages.filter((m) => m.method === 'ferry.onProgress')).toHaveLength(1);
    await ws.call('p', 'aria2.pause', [T, a]);
    await note('aria2.onDownloadPause', a);
    service.finish(b);
    await note('aria2.onDownloadComplete', b);
    await ws.call('u', 'aria2.unpause', [T, a]);
    service.activate(a, 100);
    service.fail(a, 'NETWORK', 'connection reset');
    await note('aria2.onDownloadError', a);
    const c = (await ws.call('c', 'aria2.addUri', [T, ['http://h/c']])).result as string;
    service.activate(c, 5);
    await ws.call('r', 'aria2.remove', [T, c]);
    await note('aria2.onDownloadStop', c);
    await note('ferry.onDownloadRemoved', c);
    expect(ws.messages.filter((m) => 'method' in m).every((m) => !('id' in m))).toBe(true);
  });
});

describe('hostile input', () => {
  it('a fuzz of malformed JSON, deep nesting, wrong types and unknown methods never crashes or stalls the server', async () => {
    // Some shapes carry no token: failures are delayed only briefly here, and never block.
    await start({ auth: { delayMs: 5, maxFailures: 1_000_000 } });
    let seed = 42;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const shapes: (() => string)[] = [
      () => '['.repeat(100_000 / 2),
      () => `${'['.repeat(10_000)}${']'.repeat(10_000)}`,
      () => `{"id":1,"method":"aria2.tellStatus","params":${'['.repeat(5000)}${']'.repeat(5000)}}`,
      () => JSON.stringify({ id: 1, method: ['aria2.getVersion'] }),
      () => JSON.stringify({ id: 1, method: 'aria2.addUri', params: [T, [1, 2], 'x', -1] }),
      () => JSON.stringify({ id: 1, method: 'aria2.changeGlobalOption', params: [T, { dir: { a: 1 }, header: [1] }] }),
      () => JSON.stringify({ id: 1, method: 'system.multicall', params: [T, 'x'] }),
      () => JSON.stringify({ id: 1, method: 'system.multicall', params: [[{ methodName: 'aria2.tellWaiting', params: [T, -1e308, 1e308] }]] }),
      () => JSON.stringify({ id: 1, method: `aria2.${'x'.repeat(rand(1000))}`, params: [T] }),
      () => JSON.stringify({ id: 1, method: 'aria2.tellStopped', params: [T, -9007199254740991, 9007199254740991, [null, 5, 'gid']] }),
      () => JSON.stringify({ id: 1, method: '__proto__', params: [T] }),
      () => Buffer.from(Array.from({ length: rand(300) }, () => rand(256))).toString('latin1'),
      () => JSON.stringify(Array.from({ length: 2000 }, (_, i) => ({ id: i, method: 'aria2.getVersion', params: [T] }))),
      () => `\u0000${JSON.stringify(stat)}`,
      () => JSON.stringify({ id: 1, method: 'aria2.changePosition', params: [T, 'zzzz', 'x', 1] }),
    ];
    const ws = await open();
    let sent = 0;
    for (let i = 0; i < 120; i++) {
      const body = shapes[rand(shapes.length)]();
      const r = await raw(server.port, { body });
      expect([200, 400, 404, 413, 500], body.slice(0, 80)).toContain(r.status);
      expect(() => r.json()).not.toThrow();
      if (Buffer.byteLength(body) <= 64 * 1024) {
        ws.ws.send(body);
        sent++;
      }
    }
    // Every WebSocket message got exactly one answer.
    await ws.next(() => ws.messages.length >= sent, 15_000);
    expect(ws.messages).toHaveLength(sent);
    expect(await ws.call('after-fuzz', 'aria2.getVersion', [T])).toMatchObject({ result: { version: '0.1.0' } });
    expect((await post(server.port, stat)).status).toBe(200);
  });
});
