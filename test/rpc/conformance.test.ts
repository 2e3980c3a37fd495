/**
 * The same protocol cases against ferry's server (over the fake service), the real `ferry daemon`, and Debian's
 * `aria2c --enable-rpc`, so that they encode aria2's behaviour rather than a guess of it. Where
 * ferry differs on purpose (security), the case says so and checks each side.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARIA2_METHODS, ARIA2C, startAria2c, startFerry, startFerryDaemonTarget, T, type Target, URI } from './conformance-targets.js';
import { post, type RawResponse, raw, WsClient } from './rpc-client.js';

const kinds = existsSync(ARIA2C) ? (['ferry', 'ferry daemon', 'aria2c'] as const) : (['ferry', 'ferry daemon'] as const);

describe.each(kinds)('JSON-RPC conformance: %s', (kind) => {
  let t: Target;
  let dir: string;
  const rpc = (method: string, ...params: unknown[]): Promise<RawResponse> => post(t.port, { id: 1, method, params: [T, ...params] });
  const result = async (method: string, ...params: unknown[]): Promise<unknown> => {
    const r = (await rpc(method, ...params)).json() as { result?: unknown; error?: { message: string } };
    if (r.error) throw new Error(`${method}: ${r.error.message}`);
    return r.result;
  };
  const error = async (method: string, ...params: unknown[]): Promise<{ status: number; body: unknown }> => {
    const r = await rpc(method, ...params);
    return { status: r.status, body: r.json() };
  };
  const addPaused = async (uri = URI): Promise<string> => (await result('aria2.addUri', [uri], { pause: 'true' })) as string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ferry-rpc-'));
    t = kind === 'ferry' ? await startFerry(dir) : kind === 'ferry daemon' ? await startFerryDaemonTarget(dir) : await startAria2c(dir);
  });
  afterAll(async () => {
    await t?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('framing: ids round-trip, the jsonrpc key is not checked, Content-Type application/json-rpc', async () => {
    for (const id of [0, -1, 'x', null, { a: 1 }]) {
      const r = await post(t.port, { id, 'json-rpc': '2.0', method: 'aria2.getGlobalStat', params: [T] });
      expect(r.status).toBe(200);
      expect(r.headers['content-type']).toBe('application/json-rpc');
      expect(r.json()).toEqual({
        id,
        jsonrpc: '2.0',
        result: {
          downloadSpeed: '0',
          uploadSpeed: '0',
          numActive: '0',
          numWaiting: expect.any(String),
          numStopped: expect.any(String),
          numStoppedTotal: expect.any(String),
        },
      });
    }
  });

  it('errors: texts, codes and HTTP statuses', async () => {
    expect(await error('aria2.nope')).toEqual({ status: 400, body: { id: 1, jsonrpc: '2.0', error: { code: 1, message: 'No such method: aria2.nope' } } });
    const noId = await post(t.port, { method: 'aria2.getVersion', params: [T] });
    expect([noId.status, noId.json()]).toEqual([400, { id: null, jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request.' } }]);
    const badParams = await post(t.port, { id: 1, method: 'aria2.getVersion', params: {} });
    expect([badParams.status, badParams.json()]).toEqual([500, { id: 1, jsonrpc: '2.0', error: { code: -32602, message: 'Invalid params.' } }]);
    const parse = await raw(t.port, { body: 'garbage' });
    expect([parse.status, parse.json()]).toEqual([500, { id: null, jsonrpc: '2.0', error: { code: -32700, message: 'Parse error.' } }]);
    expect((await error('aria2.tellStatus', '0123456789abcdef')).body).toMatchObject({ error: { code: 1, message: 'GID 0123456789abcdef is not found' } });
    expect((await error('aria2.tellStatus', 'zz')).body).toMatchObject({ error: { message: 'Invalid GID zz' } });
    expect((await error('aria2.tellStatus')).body).toMatchObject({ error: { message: 'The parameter at 0 is required but missing.' } });
    expect((await error('aria2.tellStatus', 5)).body).toMatchObject({ error: { message: 'The parameter at 0 has wrong type.' } });
    expect((await error('aria2.addUri', URI)).body).toMatchObject({ error: { message: 'The parameter at 0 has wrong type.' } });
    expect((await error('aria2.addUri', [URI], {}, 'x')).body).toMatchObject({ error: { message: 'The parameter at 2 has wrong type.' } });
    expect((await error('aria2.tellWaiting', '0', 1)).body).toMatchObject({ error: { message: 'The parameter at 0 has wrong type.' } });
    expect((await error('aria2.tellWaiting', 1, -2)).body).toMatchObject({
      error: { message: 'The integer parameter at 1 has invalid value: the value must be greater than or equal to 0.' },
    });
    const split = (await error('aria2.addUri', [URI], { split: 'abc' })).body as { error: { message: string } };
    expect(split.error.message.startsWith("We encountered a problem while processing the option '--split'.")).toBe(true);
    expect((await error('aria2.removeDownloadResult', '0123456789abcdef')).body).toMatchObject({ error: { message: 'GID 0123456789abcdef is not found' } });
  });

  it('token: a wrong or missing one is Unauthorized after a delay; listMethods needs none', async () => {
    for (const params of [['token:wrong'], []]) {
      const t0 = Date.now();
      const r = await post(t.port, { id: 1, method: 'aria2.getGlobalStat', params });
      expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
      expect([r.status, r.json()]).toEqual([400, { id: 1, jsonrpc: '2.0', error: { code: 1, message: 'Unauthorized' } }]);
    }
    const methods = (await post(t.port, { id: 1, method: 'system.listMethods', params: ['token:wrong'] })).json() as { result: string[] };
    expect(methods.result).toEqual(expect.arrayContaining([...ARIA2_METHODS]));
    const notes = (await post(t.port, { id: 1, method: 'system.listNotifications' })).json() as { result: string[] };
    expect(notes.result).toEqual(
      expect.arrayContaining(['aria2.onDownloadStart', 'aria2.onDownloadPause', 'aria2.onDownloadStop', 'aria2.onDownloadComplete', 'aria2.onDownloadError']),
    );
    // ferry has no BitTorrent, so it lists no onBtDownloadComplete.
    expect(notes.result.includes('aria2.onBtDownloadComplete')).toBe(kind === 'aria2c');
  });

  it('GET with base64 params, JSONP, and a GET batch', async () => {
    const params = encodeURIComponent(Buffer.from(JSON.stringify([T])).toString('base64'));
    const g = await raw(t.port, { method: 'GET', path: `/jsonrpc?method=aria2.getGlobalStat&id=7&params=${params}` });
    expect(g.json()).toMatchObject({ id: '7', jsonrpc: '2.0', result: { numActive: '0' } });
    const p = await raw(t.port, { method: 'GET', path: `/jsonrpc?method=aria2.getGlobalStat&id=7&params=${params}&jsoncallback=cb` });
    expect([p.status, p.headers['content-type']]).toEqual([200, 'text/javascript']);
    expect(JSON.parse(p.text.replace(/^cb\((.*)\)$/s, '$1'))).toMatchObject({ id: '7', result: { numActive: '0' } });
    const batch = encodeURIComponent(Buffer.from(JSON.stringify([{ id: 'a', method: 'aria2.getGlobalStat', params: [T] }])).toString('base64'));
    expect((await raw(t.port, { method: 'GET', path: `/jsonrpc?params=${batch}` })).json()).toMatchObject([{ id: 'a', result: { numActive: '0' } }]);
    expect((await raw(t.port, { method: 'GET', path: '/elsewhere' })).status).toBe(404);
  });

  it('batches skip non-objects; multicall wraps, refuses nesting, checks each token', async () => {
    const b = await raw(t.port, { body: JSON.stringify([1, { id: 2, method: 'aria2.getVersion', params: [T] }]) });
    expect(b.status).toBe(200);
    expect(b.json()).toMatchObject([{ id: 2, jsonrpc: '2.0', result: { version: expect.any(String), enabledFeatures: expect.any(Array) } }]);
    const m = await post(t.port, {
      id: 1,
      method: 'system.multicall',
      params: [
        [
          { methodName: 'system.multicall', params: [[]] },
          { methodName: 'aria2.getGlobalStat', params: [T] },
          { methodName: 'aria2.getGlobalStat', params: [] },
          5,
          { params: [] },
        ],
      ],
    });
    expect(m.status).toBe(200);
    expect(m.json()).toMatchObject({
      id: 1,
      result: [
        { code: 1, message: 'Recursive system.multicall forbidden.' },
        [{ numActive: '0' }],
        { code: 1, message: 'Unauthorized' },
        { code: 1, message: 'system.multicall expected struct.' },
        { code: 1, message: 'Missing methodName.' },
      ],
    });
  });

  it('queue: addUri, status shapes, key filtering, prefixes, paging with negative offsets, positions', async () => {
    const g = [await addPaused(), await addPaused(), await addPaused()];
    for (const x of g) expect(x).toMatch(/^[0-9a-f]{16}$/);
    const s = (await result('aria2.tellStatus', g[0])) as Record<string, unknown>;
    for (const key of ['gid', 'status', 'totalLength', 'completedLength', 'uploadLength', 'downloadSpeed', 'uploadSpeed', 'connections', 'dir']) {
      expect(typeof s[key], key).toBe('string');
    }
    expect(s).toMatchObject({ gid: g[0], status: 'paused', totalLength: '0', completedLength: '0', connections: '0', dir });
    expect(s.files).toMatchObject([{ index: '1', length: '0', completedLength: '0', selected: 'true', uris: [{ uri: URI, status: 'waiting' }] }]);
    expect(s).not.toHaveProperty('errorCode');
    expect(await result('aria2.tellStatus', g[1].slice(0, 6), ['gid', 'nosuch', 'totalLength'])).toEqual({ gid: g[1], totalLength: '0' });
    expect((await error('aria2.tellStatus', g[1], 'gid')).body).toMatchObject({ error: { message: 'The parameter at 1 has wrong type.' } });
    expect(await result('aria2.tellWaiting', 0, 10, ['gid'])).toEqual(g.map((gid) => ({ gid })));
    expect(await result('aria2.tellWaiting', -1, 2, ['gid'])).toEqual([{ gid: g[2] }, { gid: g[1] }]);
    expect(await result('aria2.tellWaiting', -5, 2, ['gid'])).toEqual([]);
    expect(await result('aria2.tellWaiting', 3, 2, ['gid'])).toEqual([]);
    expect(await result('aria2.tellActive', ['gid'])).toEqual([]);
    expect(await result('aria2.changePosition', g[2], 0, 'POS_SET')).toBe(0);
    expect(await result('aria2.changePosition', g[2], -10, 'POS_CUR')).toBe(0);
    expect(await result('aria2.changePosition', g[2], 10, 'POS_END')).toBe(2);
    expect((await error('aria2.changePosition', g[2], 0, 'BAD')).body).toMatchObject({ error: { message: 'Illegal argument.' } });
    expect(await result('aria2.tellWaiting', 0, 10, ['gid'])).toEqual([{ gid: g[0] }, { gid: g[1] }, { gid: g[2] }]);
  });

  it('per-download methods: pause states, uris, files, servers, peers, options, changeUri, remove', async () => {
    const g = await addPaused();
    expect((await error('aria2.pause', g)).body).toMatchObject({ error: { message: `GID#${g} cannot be paused now` } });
    expect(await result('aria2.getUris', g)).toEqual([{ uri: URI, status: 'waiting' }]);
    expect(await result('aria2.getFiles', g)).toMatchObject([{ index: '1', selected: 'true', uris: [{ uri: URI, status: 'waiting' }] }]);
    expect((await error('aria2.getServers', g)).body).toMatchObject({ error: { message: `No active download for GID#${g}` } });
    expect(await result('aria2.getPeers', g)).toEqual([]);
    const options = (await result('aria2.getOption', g)) as Record<string, unknown>;
    expect(options.dir).toBe(dir);
    expect(Object.values(options).every((v) => typeof v === 'string')).toBe(true);
    expect(await result('aria2.changeUri', g, 1, [URI, 'http://127.0.0.1:9/nope'], ['http://127.0.0.1:9/other'])).toEqual([1, 1]);
    expect(await result('aria2.getUris', g)).toEqual([{ uri: 'http://127.0.0.1:9/other', status: 'waiting' }]);
    expect((await error('aria2.changeUri', g, 2, [], [])).body).toMatchObject({ error: { message: 'fileIndex is out of range' } });
    expect(await result('aria2.changeOption', g, { 'no-such-option': 'x' })).toBe('OK');
    expect(await result('aria2.remove', g)).toBe(g);
    const global = (await result('aria2.getGlobalOption')) as Record<string, unknown>;
    expect(global).not.toHaveProperty('rpc-secret');
    expect(Object.values(global).every((v) => typeof v === 'string')).toBe(true);
    expect(await result('aria2.getSessionInfo')).toEqual({ sessionId: expect.stringMatching(/^[0-9a-f]+$/) });
    expect(await result('aria2.purgeDownloadResult')).toBe('OK');
  });

  it('WebSocket: the same messages, ids and errors', async () => {
    const ws = await WsClient.open(t.port);
    try {
      expect(await ws.call(0, 'aria2.getVersion', [T])).toEqual({
        id: 0,
        jsonrpc: '2.0',
        result: { version: expect.any(String), enabledFeatures: expect.any(Array) },
      });
      expect(await ws.call('s', 'aria2.tellStatus', [T, 'zz'])).toEqual({ id: 's', jsonrpc: '2.0', error: { code: 1, message: 'Invalid GID zz' } });
      expect(await ws.call('n', 'aria2.nope', [T])).toEqual({ id: 'n', jsonrpc: '2.0', error: { code: 1, message: 'No such method: aria2.nope' } });
      ws.ws.send(JSON.stringify([{ id: 'b', method: 'aria2.tellActive', params: [T, ['gid']] }]));
      expect(await ws.next((m) => Array.isArray(m))).toEqual([{ id: 'b', jsonrpc: '2.0', result: [] }]);
      ws.ws.send('garbage');
      expect(await ws.next((m) => (m.error as { code?: number } | undefined)?.code === -32700)).toEqual({
        id: null,
        jsonrpc: '2.0',
        error: { code: -32700, message: 'Parse error.' },
      });
    } finally {
      ws.close();
    }
  });

  it('WebSocket upgrade from a foreign Origin (ferry refuses it on purpose; aria2 accepts it)', async () => {
    const opened = WsClient.open(t.port, { Origin: 'http://evil.example' });
    if (kind === 'aria2c') (await opened).close();
    else await expect(opened).rejects.toThrow('HTTP 403');
  });

  it('browsers: a foreign Origin or Host (ferry refuses both on purpose; aria2 answers them)', async () => {
    const evil = await post(t.port, { id: 1, method: 'aria2.getVersion', params: [T] }, { Origin: 'http://evil.example' });
    const rebound = await post(t.port, { id: 1, method: 'aria2.getVersion', params: [T] }, { Host: `rebind.example:${t.port}` });
    if (kind === 'aria2c') {
      expect([evil.status, rebound.status]).toEqual([200, 200]);
    } else {
      expect([evil.status, rebound.status]).toEqual([403, 403]);
      expect(evil.json()).toMatchObject({ id: null, jsonrpc: '2.0', error: { code: 1 } });
    }
  });
});
