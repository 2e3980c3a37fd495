import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FerryError } from '../../src/core/errors.js';
import { download } from '../../src/index.js';
import { randomBytesSeeded, sha256, startTestServer, type TestServer } from '../helpers/http-server.js';
import { waitFor } from '../helpers/wait-for.js';

const KiB = 1024;
const fast = { minSplitSize: 16 * KiB, retryWaitMs: 10, checkpointIntervalMs: 50 };

let dir: string;
let server: TestServer;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ferry-dl-'));
  server = await startTestServer();
});
afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

async function fileHash(p: string): Promise<string> {
  return sha256(await readFile(p));
}

async function leftovers(): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f.endsWith('.part') || f.endsWith('.ferry') || f.endsWith('.ferry.tmp') || f.includes('.tmp-'));
}

describe('download: sizes and connections', () => {
  it.each([0, 1, 16 * KiB - 1, 16 * KiB, 16 * KiB + 1, 300 * KiB + 7, 3 * 1024 * KiB])('%i bytes over 4 connections, byte-exact', async (size) => {
    const body = randomBytesSeeded(size, size);
    server.setFile('/f.bin', { body, etag: '"v1"', lastModified: 'Wed, 21 Oct 2015 07:28:00 GMT' });
    const h = download(server.url('/f.bin'), { dir, connections: 4, ...fast });
    const r = await h.done;
    expect(r.status).toBe('complete');
    expect(r.totalBytes).toBe(size);
    expect(await fileHash(path.join(dir, 'f.bin'))).toBe(sha256(body));
    expect(await leftovers()).toEqual([]);
    // mtime from Last-Modified, as wget does
    expect((await stat(path.join(dir, 'f.bin'))).mtime.toUTCString()).toBe('Wed, 21 Oct 2015 07:28:00 GMT');
  });

  it('uses several connections at once for a large file', async () => {
    const body = randomBytesSeeded(2 * 1024 * KiB, 7);
    server.setFile('/big', { body });
    server.setFaults({ throttleBytesPerSec: 2 * 1024 * KiB });
    const r = await download(server.url('/big'), { dir, connections: 8, ...fast }).done;
    expect(r.status).toBe('complete');
    expect(server.stats.peakActiveResponses).toBeGreaterThanOrEqual(6);
    expect(await fileHash(path.join(dir, 'big'))).toBe(sha256(body));
    // No byte requested twice beyond a little overlap: the server sent about the file once.
    expect(server.stats.bodyBytesSent).toBeLessThan(body.length * 1.3);
  });
});

describe('download: connections opened ahead', () => {
  it('opens the other connections while the probe waits for its answer', async () => {
    const body = randomBytesSeeded(2 * 1024 * KiB, 11);
    server.setFile('/f', { body });
    server.setFaults({ firstByteDelayMs: 600 });
    const h = download(server.url('/f'), { dir, connections: 4, ...fast });
    // Long before the probe's answer (600 ms) the server holds all four connections.
    await waitFor(() => server.stats.connections === 4, { ms: 500, everyMs: 5 });
    expect(server.stats.requests).toBe(1);
    const r = await h.done;
    expect(r.status).toBe('complete');
    expect(await fileHash(path.join(dir, 'f'))).toBe(sha256(body));
  });

  it('within the per-host limit, and none with one connection', async () => {
    server.setFile('/f', { body: randomBytesSeeded(64 * KiB, 12) });
    server.setFaults({ firstByteDelayMs: 300 });
    const a = download(server.url('/f'), { dir, connections: 8, maxConnectionsPerHost: 2, ...fast });
    await waitFor(() => server.stats.connections === 2, { ms: 250, everyMs: 5 });
    await new Promise((r) => setTimeout(r, 50));
    expect(server.stats.connections).toBe(2);
    expect((await a.done).status).toBe('complete');
    server.resetStats();
    const b = download(server.url('/f'), { dir, out: 'g', connections: 1, ...fast });
    expect((await b.done).status).toBe('complete');
    expect(server.stats.connections).toBe(1);
  });
});

describe('download: fallbacks', () => {
  it('a server without ranges: one connection, with a note', async () => {
    const body = randomBytesSeeded(200 * KiB, 1);
    server.setFile('/f', { body });
    server.setFaults({ ranges: false });
    const h = download(server.url('/f'), { dir, connections: 8, ...fast });
    const notes: string[] = [];
    h.on('note', (n) => notes.push(n));
    await h.done;
    expect(notes.join('\n')).toMatch(/does not support ranges/);
    expect(server.stats.requests).toBe(1);
    expect(await fileHash(path.join(dir, 'f'))).toBe(sha256(body));
  });

  it('a server without a length (chunked): streamed to the end', async () => {
    const body = randomBytesSeeded(150 * KiB, 2);
    server.setFile('/f', { body });
    server.setFaults({ length: false, ranges: false });
    await download(server.url('/f'), { dir, connections: 4, ...fast }).done;
    expect(await fileHash(path.join(dir, 'f'))).toBe(sha256(body));
  });

  it('a 200 to a range request is never written at an offset', async () => {
    const body = randomBytesSeeded(400 * KiB, 3);
    server.setFile('/f', { body });
    server.setFaults({ ignoreRange: true });
    const r = await download(server.url('/f'), { dir, connections: 4, ...fast }).done;
    expect(r.status).toBe('complete');
    expect(await fileHash(path.join(dir, 'f'))).toBe(sha256(body));
  });
});

describe('download: faults', () => {
  it('connections dropped mid-body are retried and the file is exact', async () => {
    const body = randomBytesSeeded(600 * KiB, 4);
    server.setFile('/f', { body });
    server.setFaults({ dropAfterBytes: 50 * KiB });
    const h = download(server.url('/f'), { dir, connections: 4, maxTries: 50, ...fast });
    let retries = 0;
    h.on('retry', () => retries++);
    await h.done;
    expect(retries).toBeGreaterThan(0);
    expect(await fileHash(path.join(dir, 'f'))).toBe(sha256(body));
  });

  it('503 with Retry-After is honoured', async () => {
    const body = randomBytesSeeded(10 * KiB, 5);
    server.setFile('/f', { body });
    server.setFaults({ failFirst: { count: 1, status: 503, retryAfter: 1 } });
    const h = download(server.url('/f'), { dir, ...fast });
    const delays: number[] = [];
    h.on('retry', (r) => delays.push(r.delayMs));
    await h.done;
    expect(delays[0]).toBeGreaterThanOrEqual(1000);
    expect(await fileHash(path.join(dir, 'f'))).toBe(sha256(body));
  });

  it.each([
    ['answers 503 with Retry-After to', { status: 503, retryAfter: 1 }],
    ['resets', { status: 0 }],
  ])('a server that %s extra connections gets fewer, not hammered; the file is exact', async (_how, refusal) => {
    const body = randomBytesSeeded(1024 * KiB, 6);
    server.setFile('/f', { body });
    server.setFaults({ maxConcurrent: { limit: 2, ...refusal }, throttleBytesPerSec: 1024 * KiB });
    const h = download(server.url('/f'), { dir, connections: 8, ...fast });
    const notes: string[] = [];
    h.on('note', (n) => notes.push(n));
    await h.done;
    expect(notes.join('\n')).toMatch(/refused more connections/);
    expect(server.stats.requests).toBeLessThan(40);
    expect(await fileHash(path.join(dir, 'f'))).toBe(sha256(body));
  });

  it('a stalled connection is replaced', async () => {
    const body = randomBytesSeeded(300 * KiB, 8);
    server.setFile('/f', { body });
    server.setFaults({ stallAfterBytes: 100 * KiB });
    const h = download(server.url('/f'), { dir, connections: 2, timeoutMs: 300, maxTries: 50, ...fast });
    await h.done;
    expect(await fileHash(path.join(dir, 'f'))).toBe(sha256(body));
  });

  it('a wrong Content-Range fails clearly and writes nothing as complete', async () => {
    const body = randomBytesSeeded(200 * KiB, 9);
    server.setFile('/f', { body });
    server.setFaults({ wrongContentRange: true });
    const err = await download(server.url('/f'), { dir, connections: 4, ...fast }).done.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FerryError);
    expect((err as FerryError).code).toBe('BAD_RESPONSE');
    await expect(stat(path.join(dir, 'f'))).rejects.toThrow();
  });

  it('a checksum mismatch fails with CHECKSUM and no final file', async () => {
    server.setFile('/f', { body: Buffer.from('hello') });
    const err = await download(server.url('/f'), { dir, checksum: { algorithm: 'sha-256', hex: '0'.repeat(64) }, ...fast }).done.catch((e: unknown) => e);
    expect((err as FerryError).code).toBe('CHECKSUM');
    await expect(stat(path.join(dir, 'f'))).rejects.toThrow();
  });

  it('a matching checksum passes', async () => {
    const body = Buffer.from('hello');
    server.setFile('/f', { body });
    const r = await download(server.url('/f'), { dir, checksum: { algorithm: 'sha-256', hex: sha256(body) }, ...fast }).done;
    expect(r.status).toBe('complete');
  });
});

describe('download: resume', () => {
  it('stop mid-transfer, then a new run continues byte-exact without fetching much twice', async () => {
    const body = randomBytesSeeded(1536 * KiB, 10);
    server.setFile('/f', { body, etag: '"a"' });
    server.setFaults({ throttleBytesPerSec: 512 * KiB });
    const first = download(server.url('/f'), { dir, connections: 4, ...fast });
    await new Promise((r) => setTimeout(r, 600));
    const stopped = await first.stop();
    expect(stopped?.status).toBe('stopped');
    expect((await readdir(dir)).sort()).toEqual(['f.ferry', 'f.part']);
    const sentBefore = server.stats.bodyBytesSent;
    server.setFaults({ throttleBytesPerSec: undefined });
    const second = await download(server.url('/f'), { dir, connections: 4, ...fast }).done;
    expect(second.status).toBe('complete');
    expect(second.resumedBytes).toBeGreaterThan(0);
    expect(await fileHash(path.join(dir, 'f'))).toBe(sha256(body));
    const total = server.stats.bodyBytesSent;
    expect(total - sentBefore).toBeLessThanOrEqual(body.length - second.resumedBytes + 256 * KiB);
  });

  it('a file changed on the server between runs restarts from zero, never spliced', async () => {
    const v1 = randomBytesSeeded(1024 * KiB, 11);
    const v2 = randomBytesSeeded(1024 * KiB, 12);
    server.setFile('/f', { body: v1, etag: '"v1"' });
    server.setFaults({ throttleBytesPerSec: 512 * KiB });
    const first = download(server.url('/f'), { dir, connections: 2, ...fast });
    await new Promise((r) => setTimeout(r, 500));
    await first.stop();
    server.setFile('/f', { body: v2, etag: '"v2"' });
    server.setFaults({ throttleBytesPerSec: undefined });
    const h = download(server.url('/f'), { dir, connections: 2, ...fast });
    const notes: string[] = [];
    h.on('note', (n) => notes.push(n));
    const r = await h.done;
    expect(r.resumedBytes).toBe(0);
    expect(notes.join('\n')).toMatch(/changed/);
    expect(await fileHash(path.join(dir, 'f'))).toBe(sha256(v2));
  });

  it('a file changed during the download restarts cleanly (If-Range)', async () => {
    const v1 = randomBytesSeeded(800 * KiB, 13);
    const v2 = randomBytesSeeded(800 * KiB, 14);
    server.setFile('/f', { body: v1, etag: '"v1"' });
    server.setFaults({ changeAfterRequests: { count: 2, body: v2, etag: '"v2"' } });
    const h = download(server.url('/f'), { dir, connections: 4, ...fast });
    await h.done;
    expect(await fileHash(path.join(dir, 'f'))).toBe(sha256(v2));
  });

  it('cancel removes the partial and control files', async () => {
    server.setFile('/f', { body: randomBytesSeeded(1024 * KiB, 15) });
    server.setFaults({ throttleBytesPerSec: 256 * KiB });
    const h = download(server.url('/f'), { dir, connections: 2, ...fast });
    await new Promise((r) => setTimeout(r, 300));
    const r = await h.cancel();
    expect(r?.status).toBe('cancelled');
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('download: the output file', () => {
  it('an existing file is never clobbered silently; --overwrite replaces it', async () => {
    const body = randomBytesSeeded(1000, 16);
    server.setFile('/f', { body });
    await writeFile(path.join(dir, 'f'), 'mine');
    const err = await download(server.url('/f'), { dir, autoFileRenaming: false, ...fast }).done.catch((e: unknown) => e);
    expect((err as FerryError).code).toBe('FILE_EXISTS');
    expect((err as FerryError).hint).toMatch(/--overwrite/);
    expect(await readFile(path.join(dir, 'f'), 'utf8')).toBe('mine');
    await download(server.url('/f'), { dir, overwrite: true, ...fast }).done;
    expect(await fileHash(path.join(dir, 'f'))).toBe(sha256(body));
  });

  it('a rerun of a completed download is already complete', async () => {
    server.setFile('/f', { body: randomBytesSeeded(1000, 17), lastModified: 'Wed, 21 Oct 2015 07:28:00 GMT' });
    await download(server.url('/f'), { dir, ...fast }).done;
    const requests = server.stats.requests;
    const r = await download(server.url('/f'), { dir, ...fast }).done;
    expect(r.status).toBe('already-complete');
    expect(server.stats.requests).toBe(requests + 1);
  });

  it.each([
    ['attachment; filename="../../evil.txt"', 'evil.txt'],
    ["attachment; filename*=UTF-8''..%2F..%2Fx.bin", 'x.bin'],
    ['attachment; filename="a\\\\b.txt"', 'b.txt'],
  ])('hostile Content-Disposition %s stays inside the directory', async (cd, expected) => {
    server.setFile('/dl', { body: Buffer.from('x'), contentDisposition: cd });
    const r = await download(server.url('/dl'), { dir, ...fast }).done;
    expect(path.dirname(r.path)).toBe(dir);
    expect(path.basename(r.path)).toBe(expected);
  });
});
