/**
 * Against a real loopback server: the probe's response stalls, the other connections take over its
 * range, and the stalled response is closed at the takeover instead of holding its socket (and
 * the download) until the read timeout.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { download } from '../../src/index.js';
import { randomBytesSeeded, sha256, startTestServer, type TestServer } from '../helpers/http-server.js';

const KiB = 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let dir: string;
let server: TestServer;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ferry-takeover-'));
  server = await startTestServer();
});
afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

async function waitFor(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await sleep(2);
  }
}

describe('takeover of a stalled probe connection', () => {
  it('the stalled probe response is closed at the takeover: the download ends long before the read timeout', async () => {
    const body = randomBytesSeeded(3 * 448 * KiB, 'stall');
    server.setFile('/f', { body, etag: '"s"' });
    // Only the probe's response stalls; the two range requests run at 64 KiB/s for several seconds,
    // so that one of them still moves when the probe's connection has been silent for more than the
    // 5 s stall limit and the other asks for work.
    server.setFaults({ stallAfterBytes: 32 * KiB, throttleBytesPerSec: 64 * KiB });
    const started = Date.now();
    const h = download(server.url('/f'), { dir, connections: 3, minSplitSize: 16 * KiB, timeoutMs: 25_000, retryWaitMs: 10 });
    await waitFor(() => server.stats.requests >= 1);
    server.setFaults({ stallAfterBytes: undefined });
    const r = await h.done;
    const elapsed = Date.now() - started;
    expect(r.status).toBe('complete');
    expect(sha256(await readFile(path.join(dir, 'f')))).toBe(sha256(body));
    expect(elapsed).toBeLessThan(18_000);
  }, 40_000);
});
