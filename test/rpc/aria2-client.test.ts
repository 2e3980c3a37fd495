/**
 * The npm `aria2` client (written by others, used by Motrix-like front ends) drives ferry's RPC
 * server over HTTP and WebSocket, unchanged.
 */
import Aria2 from 'aria2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RpcServer, startRpcServer } from '../../src/rpc/server.js';
import { FakeService } from './fake-service.js';

const SECRET = 'client-secret';
let service: FakeService;
let server: RpcServer;

beforeEach(async () => {
  service = new FakeService();
  server = await startRpcServer({ service, downloadRoot: '/srv/dl', secret: SECRET, version: '0.1.0', port: 0, progressIntervalMs: 50 });
});
afterEach(async () => {
  await server.close();
});

function client(secret = SECRET): Aria2 {
  return new Aria2({ host: '127.0.0.1', port: server.port, secure: false, secret, path: '/jsonrpc' });
}

describe.each(['http', 'websocket'])('the npm aria2 client over %s', (transport) => {
  it('adds, pauses, unpauses, removes, reads status, multicalls', async () => {
    const aria2 = client();
    if (transport === 'websocket') await aria2.open();
    try {
      const gid = await aria2.call<string>('addUri', ['http://127.0.0.1/file.bin'], { split: '4' });
      expect(gid).toMatch(/^[0-9a-f]{16}$/);
      expect(service.get(gid)?.options.connections).toBe(4);
      service.activate(gid, 2048, '/srv/dl/file.bin');
      service.progress(gid, 1024, 512);
      const status = await aria2.call('tellStatus', gid, ['gid', 'status', 'completedLength', 'totalLength']);
      expect(status).toEqual({ gid, status: 'active', completedLength: '1024', totalLength: '2048' });
      expect(await aria2.call('pause', gid)).toBe(gid);
      expect(service.get(gid)?.state).toBe('paused');
      expect(await aria2.call('unpause', gid)).toBe(gid);
      expect(service.get(gid)?.state).toBe('waiting');
      const multi = await aria2.multicall([
        ['tellActive', ['gid']],
        ['tellWaiting', 0, 20, ['gid', 'status']],
        ['addUri', ['http://127.0.0.1/second.bin']],
      ]);
      expect(multi[0]).toEqual([[]]);
      expect(multi[1]).toEqual([[{ gid, status: 'waiting' }]]);
      expect(multi[2][0]).toMatch(/^[0-9a-f]{16}$/);
      expect(await aria2.call('remove', gid)).toBe(gid);
      expect(service.get(gid)?.state).toBe('cancelled');
      expect(await aria2.listNotifications()).toContain('onDownloadStart');
      await expect(aria2.call('tellStatus', '0123456789abcdef')).rejects.toThrow('GID 0123456789abcdef is not found');
    } finally {
      if (transport === 'websocket') await aria2.close();
    }
  });

  it('a wrong secret is Unauthorized', async () => {
    const aria2 = client('wrong');
    if (transport === 'websocket') await aria2.open();
    try {
      await expect(aria2.call('getGlobalStat')).rejects.toThrow('Unauthorized');
    } finally {
      if (transport === 'websocket') await aria2.close();
    }
  });
});

describe('notifications through the npm aria2 client', () => {
  it('receives onDownloadStart, onDownloadPause, onDownloadComplete, onDownloadError and ferry.onProgress', async () => {
    const aria2 = client();
    await aria2.open();
    const seen: [string, unknown][] = [];
    for (const e of ['onDownloadStart', 'onDownloadPause', 'onDownloadComplete', 'onDownloadError']) aria2.on(e, (params: unknown) => seen.push([e, params]));
    aria2.on('ferry.onProgress', (params: unknown) => seen.push(['ferry.onProgress', params]));
    try {
      const a = await aria2.call<string>('addUri', ['http://127.0.0.1/a']);
      const b = await aria2.call<string>('addUri', ['http://127.0.0.1/b']);
      service.activate(a, 10);
      service.progress(a, 5, 1);
      await aria2.call('pause', a);
      service.activate(b, 10);
      service.finish(b);
      await aria2.call('unpause', a);
      service.activate(a, 10);
      service.fail(a, 'TIMEOUT', 'no bytes for 30 s');
      const deadline = Date.now() + 5000;
      while (seen.length < 7 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(seen).toEqual([
        ['onDownloadStart', [{ gid: a }]],
        ['ferry.onProgress', [{ gid: a, completedLength: '5', totalLength: '10', downloadSpeed: '1', connections: '2' }]],
        ['onDownloadPause', [{ gid: a }]],
        ['onDownloadStart', [{ gid: b }]],
        ['onDownloadComplete', [{ gid: b }]],
        ['onDownloadStart', [{ gid: a }]],
        ['onDownloadError', [{ gid: a }]],
      ]);
      expect(await aria2.call('tellStatus', a, ['errorCode'])).toEqual({ errorCode: '2' });
    } finally {
      await aria2.close();
    }
  });
});
