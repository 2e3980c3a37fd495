import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { MAX_IN_FLIGHT } from '../../src/rpc/ws.js';
import { seededRandom } from '../helpers/seeded-random.js';
import { FakeService } from './fake-service.js';
import { post, raw } from './rpc-client.js';
import { stat, T, useTestServer } from './test-server.js';

const t = useTestServer();

describe('WebSocket transport and notifications', () => {
  it('a WebSocket client cannot pile up unanswered requests: reading stops at the in-flight cap', async () => {
    for (let round = 0; round < 3; round++) {
      let release: () => void = () => {};
      const gate = new Promise<void>((r) => {
        release = r;
      });
      let started = 0;
      const add = t.service.add.bind(t.service);
      t.service.add = async (...args) => {
        started++;
        await gate;
        return add(...args);
      };
      const ws = await t.open();
      for (let i = 0; i < 100; i++) ws.ws.send(JSON.stringify({ id: i, method: 'aria2.addUri', params: [T, [`http://h/${i}`]] }));
      await sleep(300);
      expect(started).toBeLessThanOrEqual(MAX_IN_FLIGHT);
      expect(started).toBeGreaterThan(0);
      release();
      await ws.next(() => ws.messages.filter((m) => 'result' in m).length === 100, 10_000);
      expect(new Set(ws.messages.filter((m) => 'result' in m).map((m) => m.id)).size).toBe(100);
      t.service = new FakeService();
      await t.start();
    }
  });

  it('a message over the size limit closes that connection (1009) and the server keeps serving', async () => {
    const ws = await t.open();
    const closed = new Promise<number>((resolve) => ws.ws.once('close', (code) => resolve(code)));
    ws.ws.send('x'.repeat(65 * 1024));
    expect(await closed).toBe(1009);
    const again = await t.open();
    expect(await again.call(1, 'aria2.getVersion', [T])).toMatchObject({ result: {} });
  });

  it('every answer, shared ones included, is a text frame (a browser gets a string, not a Blob)', async () => {
    await t.service.add(['http://h/a'], {}, { paused: true });
    const ws = await t.open();
    const frames: boolean[] = [];
    ws.ws.on('message', (_data, isBinary) => frames.push(isBinary));
    for (let i = 0; i < 3; i++) expect(await ws.call(i, 'aria2.tellWaiting', [T, 0, 10])).toMatchObject({ id: i, result: [{ status: 'paused' }] });
    ws.ws.send(JSON.stringify([{ id: 'b', method: 'aria2.tellWaiting', params: [T, 0, 10] }]));
    await ws.next((m) => Array.isArray(m));
    expect(frames).toEqual([false, false, false, false]);
  });

  it('answers requests, batches and unauthorized calls (late) over WebSocket', async () => {
    const ws = await t.open();
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
    const ws = await t.open();
    const note = (method: string, gid: string) => ws.next((m) => m.method === method && (m.params as { gid: string }[])[0]?.gid === gid);
    const a = (await ws.call('a', 'aria2.addUri', [T, ['http://h/a']])).result as string;
    const b = (await ws.call('b', 'aria2.addUri', [T, ['http://h/b']])).result as string;
    expect(await note('ferry.onDownloadAdded', a)).toEqual({ jsonrpc: '2.0', method: 'ferry.onDownloadAdded', params: [{ gid: a }] });
    t.service.activate(a, 100);
    t.service.activate(b, 100);
    expect(await note('aria2.onDownloadStart', a)).not.toHaveProperty('id');
    const before = ws.messages.length;
    for (let i = 1; i <= 50; i++) {
      t.service.progress(a, i, 10);
      t.service.progress(b, i * 2, 20);
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
    t.service.finish(b);
    await note('aria2.onDownloadComplete', b);
    await ws.call('u', 'aria2.unpause', [T, a]);
    t.service.activate(a, 100);
    t.service.fail(a, 'NETWORK', 'connection reset');
    await note('aria2.onDownloadError', a);
    const c = (await ws.call('c', 'aria2.addUri', [T, ['http://h/c']])).result as string;
    t.service.activate(c, 5);
    await ws.call('r', 'aria2.remove', [T, c]);
    await note('aria2.onDownloadStop', c);
    await note('ferry.onDownloadRemoved', c);
    expect(ws.messages.filter((m) => 'method' in m).every((m) => !('id' in m))).toBe(true);
  });
});

describe('hostile input', () => {
  it('a fuzz of malformed JSON, deep nesting, wrong types and unknown methods never crashes or stalls the server', async () => {
    // Some shapes carry no token: failures are delayed only briefly here, and never block.
    await t.start({ auth: { delayMs: 5, maxFailures: 1_000_000 } });
    const rand = seededRandom(42);
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
    const ws = await t.open();
    let sent = 0;
    for (let i = 0; i < 120; i++) {
      const body = shapes[rand(shapes.length)]();
      const r = await raw(t.server.port, { body });
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
    expect((await post(t.server.port, stat)).status).toBe(200);
  });
});
