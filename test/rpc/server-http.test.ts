import http from 'node:http';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { startRpcServer } from '../../src/rpc/server.js';
import { post, raw, WsClient } from './rpc-client.js';
import { stat, T, useTestServer } from './test-server.js';

const t = useTestServer();

describe('HTTP transport', () => {
  it('POST answers application/json-rpc with aria2 status codes; other paths are 404', async () => {
    const r = await post(t.server.port, stat);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json-rpc');
    expect(r.json()).toMatchObject({ id: 1, jsonrpc: '2.0', result: { numActive: '0' } });
    expect((await post(t.server.port, { id: 1, method: 'aria2.tellStatus', params: [T, '0123456789abcdef'] })).status).toBe(400);
    expect((await post(t.server.port, { method: 'aria2.getVersion' })).status).toBe(400);
    expect((await post(t.server.port, { id: 1, method: 'aria2.getVersion', params: 'x' })).status).toBe(500);
    expect((await raw(t.server.port, { body: '{nope' })).status).toBe(500);
    expect((await raw(t.server.port, { path: '/other', body: JSON.stringify(stat) })).status).toBe(404);
    expect((await raw(t.server.port, { method: 'PUT' })).status).toBe(405);
  });

  it('GET with base64 params, JSONP, and a base64 batch', async () => {
    const params = Buffer.from(JSON.stringify([T])).toString('base64');
    const r = await raw(t.server.port, { method: 'GET', path: `/jsonrpc?method=aria2.getGlobalStat&id=7&params=${encodeURIComponent(params)}` });
    expect(r.json()).toMatchObject({ id: '7', result: { numWaiting: '0' } });
    const p = await raw(t.server.port, {
      method: 'GET',
      path: `/jsonrpc?method=aria2.getGlobalStat&id=7&params=${encodeURIComponent(params)}&jsoncallback=cb`,
    });
    expect(p.headers['content-type']).toBe('text/javascript');
    expect(p.text).toMatch(/^cb\(\{"id":"7","jsonrpc":"2.0","result":\{/);
    expect(p.text.endsWith('})')).toBe(true);
    const batch = Buffer.from(JSON.stringify([{ id: 'a', method: 'aria2.getGlobalStat', params: [T] }])).toString('base64');
    const b = await raw(t.server.port, { method: 'GET', path: `/jsonrpc?params=${encodeURIComponent(batch)}` });
    expect(b.json()).toMatchObject([{ id: 'a', result: { numActive: '0' } }]);
    const evil = await raw(t.server.port, { method: 'GET', path: `/jsonrpc?method=aria2.getVersion&id=1&jsoncallback=${encodeURIComponent('alert(1);x')}` });
    expect(evil.status).toBe(400);
    const badB64 = await raw(t.server.port, { method: 'GET', path: '/jsonrpc?method=aria2.getVersion&id=1&params=%%%' });
    expect(badB64.json()).toMatchObject({ error: { code: -32700 } });
  });

  it('shutdown answers OK first, then stops (HTTP and WebSocket)', async () => {
    const r = await post(t.server.port, { id: 1, method: 'aria2.shutdown', params: [T] });
    expect(r.json()).toMatchObject({ result: 'OK' });
    await sleep(50);
    expect(t.service.shutdowns).toEqual([false]);
    const ws = await t.open();
    expect(await ws.call('f', 'aria2.forceShutdown', [T])).toMatchObject({ result: 'OK' });
    await sleep(50);
    expect(t.service.shutdowns).toEqual([false, true]);
  });

  it('a missing or wrong token is answered late; the address is then refused, other addresses are not', async () => {
    // A long delay, so that "at once" has a generous margin on a loaded machine.
    await t.start({ auth: { delayMs: 1500, maxFailures: 3, windowMs: 60_000 } });
    const t0 = Date.now();
    const r = await post(t.server.port, { id: 1, method: 'aria2.getGlobalStat', params: ['token:bad'] });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1450);
    expect(r.json()).toMatchObject({ error: { code: 1, message: 'Unauthorized' } });
    const t1 = Date.now();
    expect((await post(t.server.port, stat)).status).toBe(200);
    expect(Date.now() - t1).toBeLessThan(1000);
    await Promise.all([
      post(t.server.port, { id: 2, method: 'aria2.tellActive', params: [] }),
      post(t.server.port, { id: 3, method: 'aria2.tellActive', params: ['token:x'] }),
    ]);
    // Three failures: even the right token is refused from this address now, at once.
    const t2 = Date.now();
    const blocked = await post(t.server.port, stat);
    expect(Date.now() - t2).toBeLessThan(1000);
    expect(blocked.status).toBe(429);
    expect(blocked.json()).toMatchObject({ error: { code: 1, message: expect.stringMatching(/^Too many failed authentication attempts from 127\.0\.0\.1/) } });
    expect((await post(t.server.port, stat, {}, '127.0.0.2')).status).toBe(200);
  });
  it('parallel failed attempts never get past the limit (run many times)', async () => {
    for (let round = 0; round < 5; round++) {
      await t.start({ auth: { delayMs: 50, maxFailures: 3, windowMs: 60_000 } });
      const answers = await Promise.all(
        Array.from({ length: 30 }, (_, i) => post(t.server.port, { id: i, method: 'aria2.tellActive', params: ['token:guess'] })),
      );
      const messages = answers.map((r) => (r.json() as { error: { message: string } }).error.message);
      expect(messages.filter((m) => m === 'Unauthorized')).toHaveLength(3);
      expect(answers.filter((r) => r.status === 429)).toHaveLength(27);
    }
  });
});

describe('browsers and hosts (ferry is stricter than aria2 here)', () => {
  it('refuses a foreign Origin on HTTP and on the WebSocket upgrade; allows its own page and listed origins', async () => {
    const evil = await post(t.server.port, stat, { Origin: 'http://evil.example' });
    expect(evil.status).toBe(403);
    expect(evil.json()).toMatchObject({
      error: { code: 1, message: 'Origin http://evil.example is not allowed: start the daemon with --rpc-allow-origin http://evil.example to allow it.' },
    });
    await expect(WsClient.open(t.server.port, { Origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
    const own = await post(t.server.port, stat, { Origin: `http://127.0.0.1:${t.server.port}` });
    expect(own.status).toBe(200);
    expect(own.headers['access-control-allow-origin']).toBe(`http://127.0.0.1:${t.server.port}`);
    expect((await post(t.server.port, stat, { Origin: 'null' })).status).toBe(403);
    await t.start({ allowOrigins: ['null', 'chrome-extension://abc'] });
    expect((await post(t.server.port, stat, { Origin: 'null' })).status).toBe(200);
    const ws = await t.open({ Origin: 'chrome-extension://abc' });
    expect(await ws.call(9, 'aria2.getVersion', [T])).toMatchObject({ result: { version: '0.1.0' } });
    const pre = await raw(t.server.port, { method: 'OPTIONS', headers: { Origin: 'null', 'Access-Control-Request-Headers': 'content-type' } });
    expect(pre.status).toBe(200);
    expect(pre.headers).toMatchObject({
      'access-control-allow-origin': 'null',
      'access-control-allow-methods': 'POST, GET, OPTIONS',
      'access-control-allow-headers': 'content-type',
    });
    expect((await raw(t.server.port, { method: 'OPTIONS', headers: { Origin: 'http://evil.example' } })).status).toBe(403);
  });

  it('allows * only with a secret', async () => {
    await expect(startRpcServer({ service: t.service, downloadRoot: '/srv', version: '0', port: 0, allowOrigins: ['*'] })).rejects.toThrow(
      /--rpc-allow-origin \*/,
    );
    await t.start({ allowOrigins: ['*'] });
    expect((await post(t.server.port, stat, { Origin: 'http://any.example' })).status).toBe(200);
  });

  it('refuses a Host that is not the listen address (DNS rebinding), on HTTP and WebSocket', async () => {
    for (const host of ['evil.example', `evil.example:${t.server.port}`, `127.0.0.1:${t.server.port + 1}`]) {
      const r = await post(t.server.port, stat, { Host: host });
      expect(r.status, host).toBe(403);
      expect(r.json()).toMatchObject({ error: { message: expect.stringMatching(/^Host .* is not this server/) } });
    }
    await expect(WsClient.open(t.server.port, { Host: `rebind.example:${t.server.port}` })).rejects.toThrow('HTTP 403');
    expect((await post(t.server.port, stat, { Host: `localhost:${t.server.port}` })).status).toBe(200);
    await t.start({ hosts: ['nas.lan'] });
    expect((await post(t.server.port, stat, { Host: `nas.lan:${t.server.port}` })).status).toBe(200);
  });
});

describe('limits', () => {
  it('refuses an oversized body (declared or streamed) and keeps answering', async () => {
    const big = JSON.stringify({ id: 1, method: 'aria2.addUri', params: [T, ['http://h/x'], { header: 'x'.repeat(100 * 1024) }] });
    const r = await raw(t.server.port, { body: big });
    expect(r.status).toBe(413);
    expect(r.json()).toMatchObject({ id: null, error: { code: 1, message: 'The request is larger than 65536 bytes.' } });
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: t.server.port, method: 'POST', path: '/jsonrpc', agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      for (let i = 0; i < 10; i++) req.write('x'.repeat(16 * 1024));
      req.end();
    });
    expect(chunked).toBe(413);
    expect((await post(t.server.port, stat)).status).toBe(200);
  });

  it('a body that arrives too slowly hits the read timeout', async () => {
    const answer = await new Promise<string>((resolve) => {
      const s = net.connect(t.server.port, '127.0.0.1', () => {
        s.write(`POST /jsonrpc HTTP/1.1\r\nHost: 127.0.0.1:${t.server.port}\r\nContent-Length: 100\r\n\r\n{"id":1,`);
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
    expect((await post(t.server.port, stat)).status).toBe(200);
  });

  it('caps WebSocket connections, and frees a place when one closes', async () => {
    const ws = [await t.open(), await t.open(), await t.open()];
    await expect(WsClient.open(t.server.port)).rejects.toThrow('HTTP 503');
    ws[0].close();
    await sleep(100);
    const again = await t.open();
    expect(await again.call('k', 'aria2.getVersion', [T])).toMatchObject({ id: 'k', result: {} });
  });

  it('many upgrades at once never exceed the cap', async () => {
    for (let round = 0; round < 5; round++) {
      const results = await Promise.allSettled(Array.from({ length: 8 }, () => t.open()));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
      for (const c of t.clients.splice(0)) c.close();
      await sleep(100);
    }
  });
});
