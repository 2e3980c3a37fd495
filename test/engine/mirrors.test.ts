import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEngine, download, type Engine, HostSlots } from '../../src/index.js';
import { randomBytesSeeded, sha256, startTestServer, type TestServer } from '../helpers/http-server.js';
import { sleep, waitFor } from '../helpers/wait-for.js';

const KiB = 1024;
/** How long (and how often) this file's waits look. */
const patience = { ms: 15_000, everyMs: 5 };
const fast = { minSplitSize: 32 * KiB, retryWaitMs: 10, checkpointIntervalMs: 50 };

let dir: string;
/** Three servers on three loopback addresses: three hosts, each with its own per-host slots. */
let servers: TestServer[];
let engine: Engine | undefined;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ferry-mirrors-'));
  servers = await Promise.all(['127.0.0.1', '127.0.0.2', '127.0.0.3'].map((host) => startTestServer({ host })));
});
afterEach(async () => {
  await engine?.close();
  engine = undefined;
  await Promise.all(servers.map((s) => s.close()));
  await rm(dir, { recursive: true, force: true });
});

/** The same file on every server, each with its own ETag. */
function serveEverywhere(name: string, body: Buffer): string[] {
  return servers.map((s, i) => {
    s.setFile(name, { body, etag: `"m${i}"` });
    return s.url(name);
  });
}

/** Range requests (not the probe's `bytes=0-`) each server received. */
const rangeBodies = (s: TestServer) => s.stats.rangesRequested.length;

async function run(urls: string[], options: Record<string, unknown> = {}) {
  const notes: string[] = [];
  const mirrorsSeen = new Set<string>();
  engine = createEngine({ dir, connections: 6, maxConnectionsPerHost: 2, ...fast, ...options }, { progressIntervalMs: 20 });
  engine.on('note', (_d, m) => notes.push(m));
  engine.on('progress', (_d, p) => {
    for (const c of p.connections) if (c.mirror !== undefined) mirrorsSeen.add(c.mirror);
  });
  const id = engine.add(urls);
  return { id, notes, mirrorsSeen, engine };
}

describe('mirrors: one file from several servers at once', () => {
  it('three throttled mirrors all serve ranges, at most 2 connections each, the file is exact', async () => {
    const body = randomBytesSeeded(3 * 1024 * KiB + 7, 'three');
    const urls = serveEverywhere('/f.bin', body);
    for (const s of servers) s.setFaults({ throttleBytesPerSec: 512 * KiB });
    const { id, mirrorsSeen, engine: e } = await run(urls);
    await e.whenIdle();
    expect(e.get(id)?.state).toBe('complete');
    expect(sha256(await readFile(path.join(dir, 'f.bin')))).toBe(sha256(body));
    for (const s of servers) {
      expect(s.stats.bodyBytesSent).toBeGreaterThan(256 * KiB);
      expect(s.stats.peakActiveResponses).toBeLessThanOrEqual(2);
    }
    // About the file once over all servers together (a little overlap at the splits).
    expect(servers.reduce((n, s) => n + s.stats.bodyBytesSent, 0)).toBeLessThan(body.length * 1.3);
    expect(mirrorsSeen).toEqual(new Set(servers.map((s) => `${s.origin}/f.bin`)));
    expect((await readdir(dir)).sort()).toEqual(['f.bin']);
  });

  it("each mirror's range requests carry its own ETag, never another's", async () => {
    const body = randomBytesSeeded(1024 * KiB, 'etags');
    const urls = serveEverywhere('/e.bin', body);
    for (const s of servers) s.setFaults({ throttleBytesPerSec: 256 * KiB });
    const { id, engine: e } = await run(urls);
    await e.whenIdle();
    expect(e.get(id)?.state).toBe('complete');
    expect(sha256(await readFile(path.join(dir, 'e.bin')))).toBe(sha256(body));
    servers.forEach((s, i) => {
      const ifRange = s.stats.requestHeaders.map((h) => h['if-range']).filter((v) => v !== undefined);
      expect(ifRange.length).toBeGreaterThan(0);
      expect(new Set(ifRange)).toEqual(new Set([`"m${i}"`]));
    });
  });

  it('a mirror with another size is not used (a note says why); the others finish the file', async () => {
    const body = randomBytesSeeded(1024 * KiB, 'size');
    const urls = serveEverywhere('/s.bin', body);
    servers[1].setFile('/s.bin', { body: body.subarray(0, 123) });
    for (const s of servers) s.setFaults({ throttleBytesPerSec: 512 * KiB });
    const { id, notes, engine: e } = await run(urls);
    await e.whenIdle();
    expect(e.get(id)?.state).toBe('complete');
    expect(sha256(await readFile(path.join(dir, 's.bin')))).toBe(sha256(body));
    expect(notes).toContain(`mirror ${servers[1].origin}/s.bin reports 123 bytes, not ${body.length}: not used`);
    // The probe only.
    expect(servers[1].stats.requests).toBe(1);
    expect(rangeBodies(servers[2])).toBeGreaterThan(1);
  });

  it('a mirror without ranges is not used', async () => {
    const body = randomBytesSeeded(512 * KiB, 'noranges');
    const urls = serveEverywhere('/r.bin', body);
    servers[2].setFaults({ ranges: false });
    const { id, notes, engine: e } = await run(urls);
    await e.whenIdle();
    expect(e.get(id)?.state).toBe('complete');
    expect(sha256(await readFile(path.join(dir, 'r.bin')))).toBe(sha256(body));
    expect(notes).toContain(`mirror ${servers[2].origin}/r.bin does not support ranges: not used`);
  });

  it.each([
    ['404', { failFirst: { status: 404, count: 1_000_000 } }],
    ['410 on the first URL', { failFirst: { status: 410, count: 1_000_000 } }],
  ])('a mirror that starts failing mid-way (%s) drops out with a note; the file completes', async (label, fault) => {
    for (let round = 0; round < 3; round++) {
      const body = randomBytesSeeded(2 * 1024 * KiB, `midway-${label}-${round}`);
      const urls = serveEverywhere(`/m${round}.bin`, body);
      for (const s of servers) {
        s.setFaults({ throttleBytesPerSec: 384 * KiB });
        s.resetStats();
      }
      const failing = label.includes('first') ? servers[0] : servers[1];
      const { id, notes, engine: e } = await run(urls);
      await waitFor(() => failing.stats.bodyBytesSent > 64 * KiB, patience);
      // The server breaks: its connections drop, and it answers every new request with the status.
      failing.setFaults(fault);
      failing.dropConnections();
      await e.whenIdle();
      expect(e.get(id)?.state).toBe('complete');
      expect(sha256(await readFile(path.join(dir, `m${round}.bin`)))).toBe(sha256(body));
      expect(notes.some((n) => n.startsWith(`mirror ${failing.origin}/m${round}.bin failed (`) && n.includes('not used any more; 2 mirrors left'))).toBe(true);
      await e.close();
      engine = undefined;
      for (const s of servers) s.setFaults({ failFirst: undefined });
    }
  });

  it('a mirror that refuses a second connection (503) keeps one; the file is exact', async () => {
    const body = randomBytesSeeded(2 * 1024 * KiB, 'refuse');
    const urls = serveEverywhere('/q.bin', body);
    for (const s of servers) s.setFaults({ throttleBytesPerSec: 512 * KiB });
    servers[1].setFaults({ maxConcurrent: { limit: 1, status: 503 } });
    const { id, notes, engine: e } = await run(urls);
    await e.whenIdle();
    expect(e.get(id)?.state).toBe('complete');
    expect(sha256(await readFile(path.join(dir, 'q.bin')))).toBe(sha256(body));
    expect(notes).toContain(`${servers[1].origin.replace('http://', '')} refused more connections (503); continuing with 1`);
    expect(servers[1].stats.bodyBytesSent).toBeGreaterThan(128 * KiB);
    expect(notes.some((n) => n.includes('not used any more'))).toBe(false);
  });

  it('a mirror that drops its connections after some bytes still helps; the file is exact', async () => {
    const body = randomBytesSeeded(2 * 1024 * KiB, 'drops');
    const urls = serveEverywhere('/d.bin', body);
    for (const s of servers) s.setFaults({ throttleBytesPerSec: 512 * KiB });
    servers[2].setFaults({ dropAfterBytes: 40 * KiB });
    const { id, engine: e } = await run(urls, { maxTries: 0 });
    await e.whenIdle();
    expect(e.get(id)?.state).toBe('complete');
    expect(sha256(await readFile(path.join(dir, 'd.bin')))).toBe(sha256(body));
    expect(servers[2].stats.bodyBytesSent).toBeGreaterThan(40 * KiB);
  });

  it('a mirror whose file changed (its ETag no longer matches) drops out; the file is the original, whole', async () => {
    const body = randomBytesSeeded(2 * 1024 * KiB, 'changed');
    const urls = serveEverywhere('/c.bin', body);
    for (const s of servers) s.setFaults({ throttleBytesPerSec: 384 * KiB });
    servers[2].setFaults({ changeAfterRequests: { count: 2, body: randomBytesSeeded(body.length, 'other'), etag: '"new"' } });
    const { id, notes, engine: e } = await run(urls);
    await e.whenIdle();
    expect(e.get(id)?.state).toBe('complete');
    expect(sha256(await readFile(path.join(dir, 'c.bin')))).toBe(sha256(body));
    expect(notes.some((n) => n.startsWith(`mirror ${servers[2].origin}/c.bin failed (`))).toBe(true);
  });

  it('a much slower mirror (the first URL) gives its work away instead of holding up the end', async () => {
    for (let round = 0; round < 2; round++) {
      const body = randomBytesSeeded(3 * 1024 * KiB, `slow-${round}`);
      const urls = serveEverywhere(`/w${round}.bin`, body);
      servers[0].setFaults({ throttleBytesPerSec: 24 * KiB });
      servers[1].setFaults({ throttleBytesPerSec: 1024 * KiB });
      servers[2].setFaults({ throttleBytesPerSec: 1024 * KiB });
      for (const s of servers) s.resetStats();
      const started = Date.now();
      const { id, engine: e } = await run(urls);
      await e.whenIdle();
      const took = Date.now() - started;
      expect(e.get(id)?.state).toBe('complete');
      expect(sha256(await readFile(path.join(dir, `w${round}.bin`)))).toBe(sha256(body));
      // Its even share (1/3 of the file) would take the slow mirror over 40 s at 2 x 24 KiB/s.
      expect(took).toBeLessThan(15_000);
      expect(servers[0].stats.bodyBytesSent).toBeLessThan(body.length / 6);
      await e.close();
      engine = undefined;
    }
  });

  it('the first URL failing before any mirror joined: the engine goes on with the next URL, as without mirrors', async () => {
    const body = randomBytesSeeded(1024 * KiB, 'early');
    const urls = serveEverywhere('/y.bin', body);
    servers[0].setFaults({ throttleBytesPerSec: 256 * KiB });
    // The mirrors answer slowly: their probes are still out when the first URL breaks.
    servers[1].setFaults({ firstByteDelayMs: 600 });
    servers[2].setFaults({ firstByteDelayMs: 600 });
    const { id, notes, engine: e } = await run(urls);
    await waitFor(() => servers[0].stats.bodyBytesSent > 16 * KiB, patience);
    servers[0].setFaults({ failFirst: { status: 404, count: 1_000_000 } });
    servers[0].dropConnections();
    await e.whenIdle();
    expect(e.get(id)?.state).toBe('complete');
    expect(sha256(await readFile(path.join(dir, 'y.bin')))).toBe(sha256(body));
    expect(notes.some((n) => n.includes(`trying mirror ${urls[1]}`))).toBe(true);
  });

  it('every mirror failing fails the download (and no mirror is tried again one by one)', async () => {
    const body = randomBytesSeeded(1024 * KiB, 'allfail');
    const urls = serveEverywhere('/a.bin', body);
    for (const s of servers) s.setFaults({ throttleBytesPerSec: 256 * KiB });
    const { id, notes, engine: e } = await run(urls);
    await waitFor(() => servers.every((s) => s.stats.bodyBytesSent > 16 * KiB), patience);
    for (const s of servers) {
      s.setFaults({ failFirst: { status: 404, count: 1_000_000 } });
      s.dropConnections();
    }
    await e.whenIdle();
    expect(e.get(id)).toMatchObject({ state: 'error', errorCode: 'HTTP_STATUS' });
    expect(notes.filter((n) => n.includes('not used any more'))).toHaveLength(2);
    expect(notes.some((n) => n.includes('trying mirror'))).toBe(false);
  });

  it('stop, then resume with the mirrors: byte-exact, little fetched twice', async () => {
    const body = randomBytesSeeded(3 * 1024 * KiB, 'resume');
    const urls = serveEverywhere('/p.bin', body);
    for (const s of servers) s.setFaults({ throttleBytesPerSec: 256 * KiB });
    const first = await run(urls);
    await waitFor(() => (first.engine.get(first.id)?.completedBytes ?? 0) > 1024 * KiB && servers.every((s) => s.stats.bodyBytesSent > 64 * KiB), patience);
    await first.engine.close();
    engine = undefined;
    expect((await readdir(dir)).sort()).toEqual(['p.bin.ferry', 'p.bin.part']);
    const sentBefore = servers.reduce((n, s) => n + s.stats.bodyBytesSent, 0);
    for (const s of servers) s.setFaults({ throttleBytesPerSec: 1024 * KiB });
    const second = await run(urls);
    await second.engine.whenIdle();
    expect(second.engine.get(second.id)?.state).toBe('complete');
    expect(sha256(await readFile(path.join(dir, 'p.bin')))).toBe(sha256(body));
    const sentAll = servers.reduce((n, s) => n + s.stats.bodyBytesSent, 0);
    expect(sentAll).toBeLessThan(body.length * 1.3);
    expect(sentAll - sentBefore).toBeLessThan(body.length - 512 * KiB);
  });

  it.each([0, 1, 2])('%i-byte file with mirrors: exact', async (size) => {
    const body = randomBytesSeeded(size, `tiny-${size}`);
    const urls = serveEverywhere('/t.bin', body);
    const { id, engine: e } = await run(urls);
    await e.whenIdle();
    expect(e.get(id)?.state).toBe('complete');
    expect(sha256(await readFile(path.join(dir, 't.bin')))).toBe(sha256(body));
    expect((await readdir(dir)).sort()).toEqual(['t.bin']);
  });

  it('no ranges on the first URL: one connection to it, the mirrors unused (as before)', async () => {
    const body = randomBytesSeeded(256 * KiB, 'single');
    const urls = serveEverywhere('/n.bin', body);
    servers[0].setFaults({ ranges: false });
    const { id, notes, engine: e } = await run(urls);
    await e.whenIdle();
    expect(e.get(id)?.state).toBe('complete');
    expect(sha256(await readFile(path.join(dir, 'n.bin')))).toBe(sha256(body));
    expect(notes).toContain('the server does not support ranges: using one connection, resume impossible');
    expect(servers[1].stats.requests + servers[2].stats.requests).toBe(0);
  });

  it('the library: download(url, options, { alternates }) reads from every URL; views name the mirror', async () => {
    const body = randomBytesSeeded(1024 * KiB + 1, 'library');
    const urls = serveEverywhere('/l.bin', body);
    for (const s of servers) s.setFaults({ throttleBytesPerSec: 512 * KiB });
    const h = download(urls[0], { dir, connections: 6, maxConnectionsPerHost: 2, ...fast }, { alternates: urls.slice(1), progressIntervalMs: 20 });
    const seen = new Set<string | undefined>();
    h.on('progress', (p) => {
      // A tick before the mirrors joined sees the first URL alone: no mirror field yet.
      for (const c of p.connections) if (c.mirror !== undefined) seen.add(c.mirror);
    });
    const r = await h.done;
    expect(r.status).toBe('complete');
    expect(sha256(await readFile(path.join(dir, 'l.bin')))).toBe(sha256(body));
    for (const s of servers) expect(s.stats.bodyBytesSent).toBeGreaterThan(64 * KiB);
    expect(seen).toEqual(new Set(urls));
  });

  it('one URL: the views carry no mirror field (as before)', async () => {
    const body = randomBytesSeeded(512 * KiB, 'one-url');
    servers[0].setFile('/o.bin', { body });
    servers[0].setFaults({ throttleBytesPerSec: 512 * KiB });
    const h = download(servers[0].url('/o.bin'), { dir, connections: 2, ...fast }, { progressIntervalMs: 20 });
    let views = 0;
    h.on('progress', (p) => {
      for (const c of p.connections) {
        views++;
        expect('mirror' in c).toBe(false);
      }
    });
    expect((await h.done).status).toBe('complete');
    expect(views).toBeGreaterThan(0);
  });

  it('a stop at any moment (probing the mirrors, joining, transferring) leaves no host slot taken; the rerun is exact', async () => {
    const body = randomBytesSeeded(1024 * KiB, 'stop-race');
    const urls = serveEverywhere('/r.bin', body);
    for (const s of servers) s.setFaults({ throttleBytesPerSec: 1024 * KiB, firstByteDelayMs: 5 });
    const slots = new HostSlots(2);
    const hosts = servers.map((s) => s.origin.replace('http://', ''));
    for (let round = 0; round < 12; round++) {
      const h = download(urls[0], { dir, connections: 6, maxConnectionsPerHost: 2, ...fast }, { alternates: urls.slice(1), hostSlots: slots });
      await sleep(round * 7);
      const r = await h.stop();
      expect(['stopped', 'complete']).toContain(r?.status);
      for (const host of hosts) expect(slots.inUse(host)).toBe(0);
      if (r?.status === 'complete') await rm(path.join(dir, 'r.bin'));
    }
    const r = await download(urls[0], { dir, connections: 6, maxConnectionsPerHost: 2, ...fast }, { alternates: urls.slice(1), hostSlots: slots }).done;
    expect(r.status).toBe('complete');
    expect(sha256(await readFile(path.join(dir, 'r.bin')))).toBe(sha256(body));
    for (const host of hosts) expect(slots.inUse(host)).toBe(0);
  });
});
