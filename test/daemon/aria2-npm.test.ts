/**
 * The npm `aria2` client (a client no one here wrote) drives a real `ferry daemon` process over
 * HTTP and WebSocket: add, pause, unpause, remove, tellStatus, multicall, notifications. Files are
 * downloaded from a real loopback server and checked byte for byte.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import Aria2 from 'aria2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytesSeeded, sha256, startTestServer, type TestServer } from '../helpers/http-server.js';
import { call, type FerryDaemon, startFerryDaemon, until } from './ferry-daemon.js';

const KiB = 1024;
let daemon: FerryDaemon;
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
  daemon = await startFerryDaemon({ args: ['--min-split-size', '16K', '--retry-wait', '0.05'] });
}, 60_000);
afterAll(async () => {
  await daemon?.stop();
  await server?.close();
});

function client(): Aria2 {
  return new Aria2({ host: '127.0.0.1', port: daemon.port, secure: false, secret: daemon.secret, path: '/jsonrpc' });
}

describe.each(['http', 'websocket'])('the npm aria2 client drives ferry daemon over %s', (transport) => {
  it('adds (1 byte, 0 bytes, a segmented file), pauses, unpauses, removes, tellStatus, multicall; files byte-exact', { timeout: 60_000 }, async () => {
    const big = randomBytesSeeded(384 * KiB, `big-${transport}`);
    const one = randomBytesSeeded(1, `one-${transport}`);
    server.setFile(`/${transport}/big.bin`, { body: big });
    server.setFile(`/${transport}/one.bin`, { body: one });
    server.setFile(`/${transport}/empty.bin`, { body: Buffer.alloc(0) });
    server.setFaults({ throttleBytesPerSec: 96 * KiB });
    const aria2 = client();
    if (transport === 'websocket') await aria2.open();
    try {
      const dir = path.join(daemon.dir, transport);
      const gid = await aria2.call<string>('addUri', [server.url(`/${transport}/big.bin`)], { split: '3', dir });
      expect(gid).toMatch(/^[0-9a-f]{16}$/);
      await until(async () => Number((await aria2.call<{ completedLength: string }>('tellStatus', gid, ['completedLength'])).completedLength) > 32 * KiB);
      const status = await aria2.call<Record<string, string>>('tellStatus', gid, ['gid', 'status', 'totalLength', 'dir']);
      expect(status).toEqual({ gid, status: 'active', totalLength: String(big.length), dir });
      expect(await aria2.call('pause', gid)).toBe(gid);
      expect(await aria2.call('tellStatus', gid, ['status'])).toEqual({ status: 'paused' });
      const multi = await aria2.multicall([
        ['tellActive', ['gid']],
        ['tellWaiting', 0, 20, ['gid', 'status']],
        ['addUri', [server.url(`/${transport}/one.bin`)], { dir }],
        ['addUri', [server.url(`/${transport}/empty.bin`)], { dir }],
      ]);
      expect(multi[1]).toEqual([[{ gid, status: 'paused' }]]);
      const small = [multi[2][0], multi[3][0]] as string[];
      for (const g of small) expect(g).toMatch(/^[0-9a-f]{16}$/);
      expect(await aria2.call('unpause', gid)).toBe(gid);
      server.setFaults({ throttleBytesPerSec: undefined });
      for (const g of [gid, ...small]) {
        await until(async () => (await aria2.call<{ status: string }>('tellStatus', g, ['status'])).status === 'complete', 30_000, `${g} complete`);
      }
      expect(sha256(await readFile(path.join(dir, 'big.bin')))).toBe(sha256(big));
      expect(sha256(await readFile(path.join(dir, 'one.bin')))).toBe(sha256(one));
      expect(sha256(await readFile(path.join(dir, 'empty.bin')))).toBe(sha256(Buffer.alloc(0)));
      // remove of a waiting download keeps the files of others; a removed one is in the history.
      const waiting = await aria2.call<string>('addUri', [server.url(`/${transport}/big.bin`)], { dir, pause: 'true', out: 'again.bin' });
      expect(await aria2.call('remove', waiting)).toBe(waiting);
      expect(await aria2.call('tellStatus', waiting, ['status', 'errorCode'])).toEqual({ status: 'removed', errorCode: '31' });
      const stopped = await aria2.call<{ gid: string }[]>('tellStopped', 0, 100, ['gid']);
      expect(stopped.map((s) => s.gid)).toEqual(expect.arrayContaining([gid, ...small, waiting]));
      expect(existsSync(path.join(dir, 'again.bin'))).toBe(false);
      await expect(aria2.call('tellStatus', '0123456789abcdef')).rejects.toThrow('GID 0123456789abcdef is not found');
    } finally {
      server.setFaults({ throttleBytesPerSec: undefined });
      if (transport === 'websocket') await aria2.close();
    }
  });
});

describe('notifications from ferry daemon through the npm aria2 client', () => {
  it('onDownloadStart, onDownloadPause, onDownloadComplete, onDownloadError, onDownloadStop and ferry.onProgress', { timeout: 60_000 }, async () => {
    const body = randomBytesSeeded(512 * KiB, 'notify');
    server.setFile('/n/file.bin', { body });
    server.setFaults({ throttleBytesPerSec: 16 * KiB });
    const aria2 = client();
    await aria2.open();
    const seen: [string, string][] = [];
    for (const e of ['onDownloadStart', 'onDownloadPause', 'onDownloadComplete', 'onDownloadError', 'onDownloadStop']) {
      aria2.on(e, (params: { gid: string }[]) => seen.push([e, params[0].gid]));
    }
    let progress = 0;
    aria2.on('ferry.onProgress', () => progress++);
    try {
      const dir = path.join(daemon.dir, 'n');
      const a = await aria2.call<string>('addUri', [server.url('/n/file.bin')], { dir });
      await until(() => seen.some(([e, g]) => e === 'onDownloadStart' && g === a));
      await until(() => progress > 0, 10_000, 'a progress notification');
      await aria2.call('pause', a);
      await until(() => seen.some(([e, g]) => e === 'onDownloadPause' && g === a));
      server.setFaults({ throttleBytesPerSec: undefined });
      await aria2.call('unpause', a);
      await until(() => seen.some(([e, g]) => e === 'onDownloadComplete' && g === a));
      expect(sha256(await readFile(path.join(dir, 'file.bin')))).toBe(sha256(body));
      const bad = await aria2.call<string>('addUri', [server.url('/n/missing.bin')], { dir, 'max-tries': '1' });
      await until(() => seen.some(([e, g]) => e === 'onDownloadError' && g === bad));
      expect(await aria2.call('tellStatus', bad, ['status', 'errorCode'])).toEqual({ status: 'error', errorCode: '3' });
      server.setFaults({ throttleBytesPerSec: 8 * KiB });
      const c = await aria2.call<string>('addUri', [server.url('/n/file.bin')], { dir, out: 'c.bin' });
      await until(() => seen.some(([e, g]) => e === 'onDownloadStart' && g === c));
      // Bytes on disk first (a run is active before the server has answered).
      await until(async () => Number((await aria2.call<{ completedLength: string }>('tellStatus', c, ['completedLength'])).completedLength) > 0);
      await aria2.call('remove', c);
      await until(() => seen.some(([e, g]) => e === 'onDownloadStop' && g === c));
      // aria2's remove keeps the partial file.
      expect((await readdir(dir)).filter((f) => f.startsWith('c.bin')).length).toBeGreaterThan(0);
      expect(seen.filter(([, g]) => g === a).map(([e]) => e)).toEqual(['onDownloadStart', 'onDownloadPause', 'onDownloadStart', 'onDownloadComplete']);
      expect(await call(daemon, 'aria2.tellStatus', c, ['status'])).toEqual({ status: 'removed' });
    } finally {
      server.setFaults({ throttleBytesPerSec: undefined });
      await aria2.close();
    }
  });
});
