/**
 * A stop (or cancel) asked at any moment of a Download ends the run as stopped (or cancelled),
 * never as an error: during the probe, a retry backoff, a wait for a host slot, or the transfer.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HostSlots } from '../../src/engine/host-slots.js';
import { type DownloadHandle, download } from '../../src/index.js';
import { randomBytesSeeded, startTestServer, type TestServer } from '../helpers/http-server.js';

const KiB = 1024;
const fast = { minSplitSize: 16 * KiB, retryWaitMs: 10, checkpointIntervalMs: 50 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let dir: string;
let server: TestServer;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ferry-stop-'));
  server = await startTestServer();
});
afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

/** Start, wait `ms`, then stop or cancel; the outcome and the errors the handle announced. */
async function interrupt(h: DownloadHandle, ms: number, how: 'stop' | 'cancel') {
  const errors: string[] = [];
  h.on('error', (e) => errors.push(e.message));
  await sleep(ms);
  const startedStop = Date.now();
  await (how === 'stop' ? h.stop() : h.cancel());
  const status = await h.done.then(
    (r) => r.status,
    (e: Error) => `rejected: ${e.message}`,
  );
  return { status, errors, stopMs: Date.now() - startedStop };
}

describe('stop at any moment ends as stopped, never as an error', () => {
  it.each(['stop', 'cancel'] as const)('%s during the probe', async (how) => {
    server.setFile('/f', { body: randomBytesSeeded(64 * KiB, 1) });
    server.setFaults({ firstByteDelayMs: 3000 });
    const r = await interrupt(download(server.url('/f'), { dir, ...fast }), 100, how);
    expect(r).toMatchObject({ status: how === 'stop' ? 'stopped' : 'cancelled', errors: [] });
    expect(r.stopMs).toBeLessThan(2000);
    expect(await readdir(dir)).toEqual([]);
  });

  it.each(['stop', 'cancel'] as const)("%s during the probe's retry backoff (Retry-After: 30)", async (how) => {
    server.setFile('/f', { body: randomBytesSeeded(64 * KiB, 2) });
    server.setFaults({ failFirst: { status: 503, retryAfter: 30, count: 1 } });
    const h = download(server.url('/f'), { dir, ...fast });
    const retries: number[] = [];
    h.on('retry', (x) => retries.push(x.delayMs));
    const r = await interrupt(h, 300, how);
    expect(retries.length).toBe(1);
    expect(r).toMatchObject({ status: how === 'stop' ? 'stopped' : 'cancelled', errors: [] });
    expect(r.stopMs).toBeLessThan(2000);
  });

  it.each(['stop', 'cancel'] as const)('%s while waiting for a host slot', async (how) => {
    server.setFile('/f', { body: randomBytesSeeded(64 * KiB, 3) });
    const slots = new HostSlots(2);
    const host = new URL(server.origin).host;
    // Another download of the same engine holds every slot of the host.
    expect(slots.tryAcquire(host) && slots.tryAcquire(host)).toBe(true);
    const r = await interrupt(download(server.url('/f'), { dir, ...fast, maxConnectionsPerHost: 2 }, { hostSlots: slots }), 100, how);
    expect(r).toMatchObject({ status: how === 'stop' ? 'stopped' : 'cancelled', errors: [] });
    expect(server.stats.requests).toBe(0);
    expect(slots.inUse(host)).toBe(2);
  });

  it('stop before the run has started', async () => {
    server.setFile('/f', { body: randomBytesSeeded(1, 4) });
    const h = download(server.url('/f'), { dir, ...fast });
    const r = await interrupt(h, 0, 'stop');
    expect(r).toMatchObject({ status: 'stopped', errors: [] });
    expect(server.stats.requests).toBe(0);
  });

  it('a stop at a random moment, many times: always stopped or complete, never an error', async () => {
    server.setFile('/f', { body: randomBytesSeeded(96 * KiB, 5) });
    server.setFaults({ firstByteDelayMs: 5, throttleBytesPerSec: 2048 * KiB, failFirst: { status: 503, retryAfter: 0, count: 3 } });
    const seen = new Set<string>();
    for (let i = 0; i < 40; i++) {
      if (i % 10 === 0) server.setFaults({ failFirst: { status: 503, retryAfter: 0, count: 3 } });
      const r = await interrupt(download(server.url('/f'), { dir, out: `f${i}`, connections: 3, ...fast }, {}), (i * 7) % 60, i % 3 === 0 ? 'cancel' : 'stop');
      expect(r.errors).toEqual([]);
      expect(['stopped', 'cancelled', 'complete']).toContain(r.status);
      seen.add(r.status);
    }
    expect(seen.has('stopped') || seen.has('cancelled')).toBe(true);
  });
});

describe('a stop while the checksum is verified', () => {
  it('ends stopped, renames nothing, and the next run resumes to a byte-exact, verified file', async () => {
    // Large enough that hashing it takes a while after the last byte is written.
    const size = 128 * 1024 * KiB;
    const body = randomBytesSeeded(size, 'checksum-stop');
    const hex = createHash('sha512').update(body).digest('hex');
    server.setFile('/sum.bin', { body, etag: '"sum"' });
    const checksum = { algorithm: 'sha-512' as const, hex };
    // The checkpoint interval is short, so a control file exists when the checksum starts.
    const h = download(server.url('/sum.bin'), { dir, connections: 4, ...fast, checksum });
    const errors: string[] = [];
    h.on('error', (e) => errors.push(e.message));
    // Every byte in: a moment later the run is verifying: stop it there.
    while (h.snapshot().completedBytes < size) await sleep(1);
    await sleep(40);
    await h.stop();
    const r = await h.done;
    expect(errors).toEqual([]);
    expect(r.status).toBe('stopped');
    expect(await readdir(dir)).not.toContain('sum.bin');
    const again = await download(server.url('/sum.bin'), { dir, connections: 4, ...fast, checksum }).done;
    expect(again.status).toBe('complete');
    expect(
      createHash('sha512')
        .update(await readFile(path.join(dir, 'sum.bin')))
        .digest('hex'),
    ).toBe(hex);
    expect((await readdir(dir)).sort()).toEqual(['sum.bin']);
  });
});
