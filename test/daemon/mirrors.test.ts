/** aria2.addUri with several URIs: the daemon reads the one file from all of them at once. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { randomBytesSeeded, sha256, startTestServer, type TestServer } from '../helpers/http-server.js';
import { call, type FerryDaemon, startFerryDaemon, until } from './ferry-daemon.js';

const KiB = 1024;
let servers: TestServer[];
let daemon: FerryDaemon | undefined;

beforeEach(async () => {
  servers = await Promise.all(['127.0.0.1', '127.0.0.2', '127.0.0.3'].map((host) => startTestServer({ host })));
});
afterEach(async () => {
  await daemon?.stop();
  daemon = undefined;
  await Promise.all(servers.map((s) => s.close()));
});

describe('ferry daemon: mirrors', () => {
  it('aria2.addUri with three URIs and split=6: all three serve ranges, the file is exact', { timeout: 60_000 }, async () => {
    const body = randomBytesSeeded(2 * 1024 * KiB + 3, 'daemon-mirrors');
    for (const s of servers) {
      s.setFile('/d.bin', { body, etag: `"${s.origin}"` });
      s.setFaults({ throttleBytesPerSec: 512 * KiB });
    }
    const d = await startFerryDaemon({ args: ['--min-split-size', '64k'] });
    daemon = d;
    const gid = await call<string>(
      d,
      'aria2.addUri',
      servers.map((s) => s.url('/d.bin')),
      { split: '6', 'max-connection-per-server': '2', out: 'd.bin' },
    );
    await until(async () => (await call<{ status: string }>(d, 'aria2.tellStatus', gid, ['status'])).status === 'complete', 30_000);
    expect(sha256(await readFile(path.join(d.dir, 'd.bin')))).toBe(sha256(body));
    for (const s of servers) {
      expect(s.stats.bodyBytesSent).toBeGreaterThan(128 * KiB);
      expect(s.stats.peakActiveResponses).toBeLessThanOrEqual(2);
    }
    const files = await call<{ uris: { uri: string }[] }[]>(d, 'aria2.getFiles', gid);
    expect(files[0].uris.map((u) => u.uri)).toEqual(servers.map((s) => s.url('/d.bin')));
  });
});
