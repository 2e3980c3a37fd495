/**
 * The daemon's service in process (a real engine, a real store in a temp dir, the real RPC
 * server), for what the process tests do not reach: positions, pause to the front, changeOption
 * of waiting and active downloads, changeUri keeping progress, getOption of stopped downloads,
 * ferry.getSegments, unpause of a failed download, saveSession, purge; and the pure queue helpers.
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseInputFile } from '../../src/core/input-file.js';
import { DaemonService } from '../../src/daemon/service.js';
import { changedUris, movedPlace, orderIndexFor } from '../../src/daemon/service-queue.js';
import { createEngine, type Engine } from '../../src/engine/engine.js';
import { type RpcServer, startRpcServer } from '../../src/rpc/server.js';
import { openStore, type Store } from '../../src/store/index.js';
import { randomBytesSeeded, sha256, startTestServer, type TestServer } from '../helpers/http-server.js';
import { rawCall } from '../helpers/rpc-daemon.js';
import { until } from './ferry-daemon.js';

const KiB = 1024;
let base: string;
let dir: string;
let server: TestServer;
let engine: Engine;
let store: Store;
let service: DaemonService;
let rpc: RpcServer;
let shutdowns: boolean[];

beforeEach(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'ferry-svc-'));
  dir = path.join(base, 'dl');
  server = await startTestServer();
  store = openStore(path.join(base, 'state', 'ferry.db'));
  engine = createEngine({ dir, maxActive: 2, minSplitSize: 16 * KiB, retryWaitMs: 10, checkpointIntervalMs: 50 });
  shutdowns = [];
  service = new DaemonService({ engine, store, global: { dir, maxActive: 2 }, shutdown: (f) => shutdowns.push(f), progressIntervalMs: 100 });
  rpc = await startRpcServer({ service, downloadRoot: dir, version: '0.1.0', port: 0 });
});
afterEach(async () => {
  await rpc.close();
  await service.close(false);
  store.close();
  await server.close();
  await rm(base, { recursive: true, force: true });
});

async function call<T = unknown>(method: string, ...params: unknown[]): Promise<T> {
  const r = await rawCall(`http://127.0.0.1:${rpc.port}/jsonrpc`, method, params);
  if (r.error) throw new Error(r.error.message);
  return r.result as T;
}
const status = (gid: string, keys = ['status']) => call<Record<string, string>>('aria2.tellStatus', gid, keys);
const waitingGids = async () => (await call<{ gid: string }[]>('aria2.tellWaiting', 0, 100, ['gid'])).map((w) => w.gid);

describe('DaemonService', () => {
  it('positions: add at a place of the waiting queue, changePosition, a paused active one goes to the front', async () => {
    server.setFile('/slow.bin', { body: randomBytesSeeded(512 * KiB, 'slow') });
    server.setFaults({ throttleBytesPerSec: 16 * KiB });
    const a = await call<string>('aria2.addUri', [server.url('/slow.bin')], { out: 'a.bin' });
    const b = await call<string>('aria2.addUri', [server.url('/slow.bin')], { out: 'b.bin' });
    await until(async () => (await status(b)).status === 'active');
    const w1 = await call<string>('aria2.addUri', ['http://127.0.0.1:9/1'], { pause: 'true' });
    const w2 = await call<string>('aria2.addUri', ['http://127.0.0.1:9/2'], { pause: 'true' });
    const w0 = await call<string>('aria2.addUri', ['http://127.0.0.1:9/0'], { pause: 'true' }, 0);
    expect(await waitingGids()).toEqual([w0, w1, w2]);
    expect(await call('aria2.changePosition', w2, -5, 'POS_CUR')).toBe(0);
    expect(await waitingGids()).toEqual([w2, w0, w1]);
    await call('aria2.pause', b);
    expect(await waitingGids()).toEqual([b, w2, w0, w1]);
    expect(store.queue().map((d) => d.gid)).toEqual(engine.list().map((d) => d.id));
    expect((await status(b)).status).toBe('paused');
    expect(Number((await status(b, ['completedLength'])).completedLength)).toBeGreaterThan(0);
    expect((await status(a)).status).toBe('active');
    const segments = await call<{ start: string; end: string }[]>('ferry.getSegments', a);
    expect(segments.length).toBeGreaterThan(0);
    server.setFaults({ throttleBytesPerSec: undefined });
  });

  it('changeOption on a paused and an active download; changeUri keeps progress; getOption of a stopped one', async () => {
    const body = randomBytesSeeded(640 * KiB, 'opt');
    server.setFile('/old/o.bin', { body });
    server.setFile('/new/o.bin', { body });
    server.setFaults({ throttleBytesPerSec: 32 * KiB });
    const p = await call<string>('aria2.addUri', ['http://127.0.0.1:9/p'], { pause: 'true', split: '2' });
    expect(await call('aria2.changeOption', p, { split: '5', 'max-download-limit': '100K' })).toBe('OK');
    expect(await call('aria2.getOption', p)).toMatchObject({ split: '5', 'max-download-limit': String(100 * KiB) });
    expect(store.get(p)?.options).toMatchObject({ connections: 5, limitRate: 100 * KiB });

    const g = await call<string>('aria2.addUri', [server.url('/old/o.bin')], { split: '1' });
    await until(async () => Number((await status(g, ['completedLength'])).completedLength) > 64 * KiB);
    expect(await call('aria2.changeOption', g, { split: '4' })).toBe('OK');
    await expect(call('aria2.changeOption', g, { out: 'x.bin' })).rejects.toThrow(/while it is active/);
    await until(async () => (await call<unknown[]>('ferry.getSegments', g).catch(() => [])).length > 1, 20_000, 'four connections');
    expect(await call('aria2.changeUri', g, 1, [server.url('/old/o.bin')], [server.url('/new/o.bin')])).toEqual([1, 1]);
    server.setFaults({ throttleBytesPerSec: undefined });
    let resumed = -1;
    engine.on('complete', (d, r) => {
      if (d.id === g) resumed = r.resumedBytes;
    });
    await until(async () => (await status(g)).status === 'complete');
    expect(resumed).toBeGreaterThan(0);
    expect(sha256(await readFile(path.join(dir, 'o.bin')))).toBe(sha256(body));
    expect(await call('aria2.getOption', g)).toEqual({ split: '4', dir });
    expect(store.get(g)?.uris).toEqual([server.url('/new/o.bin')]);
  });

  it('a failed download: in the history with its error; unpause is refused (as aria2); removeDownloadResult and purge', async () => {
    const bad = await call<string>('aria2.addUri', [server.url('/missing')], { 'max-tries': '1' });
    await until(async () => (await status(bad)).status === 'error');
    expect(await status(bad, ['status', 'errorCode', 'errorMessage'])).toMatchObject({ status: 'error', errorCode: '3' });
    await expect(call('aria2.unpause', bad)).rejects.toThrow(`GID#${bad} cannot be unpaused now`);
    expect(engine.get(bad)).toBeUndefined();
    expect(await call('aria2.getGlobalStat')).toMatchObject({ numStopped: '1', numStoppedTotal: '1' });
    server.setFile('/ok', { body: randomBytesSeeded(1, 'ok') });
    const ok = await call<string>('aria2.addUri', [server.url('/ok')]);
    await until(async () => (await status(ok)).status === 'complete');
    expect(await call('aria2.removeDownloadResult', bad)).toBe('OK');
    expect((await call<{ gid: string }[]>('aria2.tellStopped', 0, 10, ['gid'])).map((s) => s.gid)).toEqual([ok]);
    expect(await call('aria2.purgeDownloadResult')).toBe('OK');
    expect(await call('aria2.tellStopped', 0, 10)).toEqual([]);
    expect(await call('aria2.getGlobalStat')).toMatchObject({ numStopped: '0', numStoppedTotal: '2' });
  });

  it('saveSession writes the unfinished downloads in aria2 input format; shutdown answers then stops', async () => {
    await call('aria2.addUri', ['http://127.0.0.1:9/s1'], { pause: 'true', split: '3' });
    await call('aria2.addUri', ['http://127.0.0.1:9/s2', 'http://127.0.0.1:9/s2m'], { pause: 'true' });
    await call('aria2.changeGlobalOption', { 'save-session': 'session.txt' });
    expect(store.setting('save-session')).toBe(path.join(dir, 'session.txt'));
    await mkdir(dir, { recursive: true });
    expect(await call('aria2.saveSession')).toBe('OK');
    const parsed = parseInputFile(await readFile(path.join(dir, 'session.txt'), 'utf8'), 'session.txt');
    expect(parsed.entries.map((e) => e.urls)).toEqual([['http://127.0.0.1:9/s1'], ['http://127.0.0.1:9/s2', 'http://127.0.0.1:9/s2m']]);
    expect(parsed.entries[0].options).toMatchObject({ connections: 3, dir });
    expect(await call('aria2.shutdown')).toBe('OK');
    await until(() => shutdowns.length === 1);
    expect(shutdowns).toEqual([false]);
  });
});

describe('DaemonService.restore', () => {
  it('restores the stored queue in order; an entry the engine refuses goes to the history as failed', async () => {
    const a = store.add({ uris: ['http://127.0.0.1:9/a'], options: { dir, out: 'same.bin' }, status: 'paused' }).gid;
    const b = store.add({ uris: ['http://127.0.0.1:9/b'], options: { dir, out: 'same.bin' }, status: 'paused' }).gid;
    const c = store.add({ uris: ['http://127.0.0.1:9/c'], options: { dir }, status: 'paused', completedBytes: 5, totalBytes: 10 }).gid;
    expect(service.restore()).toBe(2);
    expect(await waitingGids()).toEqual([a, c]);
    expect(await status(b, ['status', 'errorMessage'])).toMatchObject({ status: 'error' });
    expect((await status(b, ['errorMessage'])).errorMessage).toMatch(/^not restored: /);
    expect(await status(c, ['completedLength', 'totalLength'])).toEqual({ completedLength: '5', totalLength: '10' });
  });
});

describe('queue places (pure)', () => {
  const order = [
    { id: 'a', waiting: false },
    { id: 'w1', waiting: true },
    { id: 'b', waiting: false },
    { id: 'w2', waiting: true },
  ];
  it('orderIndexFor', () => {
    expect(orderIndexFor(order, 0)).toBe(1);
    expect(orderIndexFor(order, 1)).toBe(3);
    expect(orderIndexFor(order, 2)).toBe(4);
    expect(orderIndexFor(order, 99)).toBe(4);
    expect(orderIndexFor(order, 0, 'b')).toBe(1);
    expect(orderIndexFor(order, 1, 'w1')).toBe(3);
    expect(orderIndexFor([], 0)).toBe(0);
  });
  it('movedPlace', () => {
    expect(movedPlace('POS_SET', 1, 3, 5)).toBe(1);
    expect(movedPlace('POS_CUR', -10, 3, 5)).toBe(0);
    expect(movedPlace('POS_END', 0, 0, 5)).toBe(4);
    expect(movedPlace('POS_END', 7, 0, 5)).toBe(4);
  });
  it('changedUris', () => {
    expect(changedUris(['a', 'b', 'a'], ['a', 'a', 'x'], ['c'], 0)).toEqual({ uris: ['c', 'b'], removed: 2 });
    expect(changedUris(['a'], [], ['b', 'c'])).toEqual({ uris: ['a', 'b', 'c'], removed: 0 });
    expect(changedUris(['a'], [], ['b'], 9)).toEqual({ uris: ['a', 'b'], removed: 0 });
  });
});
