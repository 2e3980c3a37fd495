/**
 * The engine commands a daemon needs: restoring under a known id (paused or not), forgetting
 * stopped downloads, removing with and without the files, changing options and URLs of a
 * download at any moment, defaults, and the snapshot of a running one. Real loopback server,
 * SHA-256 of every file.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/index.js';
import { randomBytesSeeded, sha256, startTestServer, type TestServer } from '../helpers/http-server.js';

const KiB = 1024;
const fast = { minSplitSize: 16 * KiB, retryWaitMs: 10, checkpointIntervalMs: 50 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let dir: string;
let server: TestServer;
let engine: Engine;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ferry-dc-'));
  server = await startTestServer();
});
afterEach(async () => {
  await engine?.close();
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

async function waitFor(cond: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await sleep(10);
  }
}

/** The bytes each download's final run resumed from its control file. */
function track(e: Engine): Record<string, number> {
  const resumed: Record<string, number> = {};
  e.on('complete', (d, r) => {
    resumed[d.id] = r.resumedBytes;
  });
  return resumed;
}

const done = (id: string) => () => engine.get(id)?.state === 'complete';

describe('engine commands for the daemon', () => {
  it('add() restores under a given id, paused ones stay paused; a duplicate id is refused', async () => {
    const body = randomBytesSeeded(40 * KiB, 'a');
    server.setFile('/a', { body });
    engine = createEngine({ dir, ...fast });
    const events: string[] = [];
    engine.on('pause', (d) => events.push(`pause ${d.id}`));
    expect(engine.add(server.url('/a'), {}, undefined, { id: '00000000000000a1', paused: true })).toBe('00000000000000a1');
    expect(() => engine.add(server.url('/a'), {}, undefined, { id: '00000000000000a1' })).toThrow(/already queued/);
    await sleep(200);
    expect(engine.get('00000000000000a1')?.state).toBe('paused');
    expect(server.stats.requests).toBe(0);
    expect(events).toEqual([]);
    engine.resume('00000000000000a1');
    await waitFor(done('00000000000000a1'));
    expect(sha256(await readFile(path.join(dir, 'a')))).toBe(sha256(body));
  });

  it('forget() drops stopped downloads only', async () => {
    server.setFile('/f', { body: randomBytesSeeded(1, 'one') });
    engine = createEngine({ dir, ...fast });
    const a = engine.add(server.url('/f'));
    const b = engine.add(server.url('/f'), { out: 'b' }, undefined, { paused: true });
    await waitFor(done(a));
    expect(sha256(await readFile(path.join(dir, 'f')))).toBe(sha256(randomBytesSeeded(1, 'one')));
    expect(engine.forget(b)).toBe(false);
    expect(engine.forget(a)).toBe(true);
    expect(engine.get(a)).toBeUndefined();
    expect(engine.list().map((d) => d.id)).toEqual([b]);
    expect(engine.forget(a)).toBe(false);
  });

  it('remove() keeps the partial and control files; remove({deleteFiles}) deletes them', async () => {
    const body = randomBytesSeeded(512 * KiB, 'r');
    server.setFile('/keep', { body });
    server.setFile('/drop', { body });
    server.setFaults({ throttleBytesPerSec: 64 * KiB });
    engine = createEngine({ dir, ...fast, connections: 2 });
    const keep = engine.add(server.url('/keep'));
    const drop = engine.add(server.url('/drop'));
    await waitFor(() => (engine.get(keep)?.completedBytes ?? 0) > 32 * KiB && (engine.get(drop)?.completedBytes ?? 0) > 32 * KiB);
    await engine.remove(keep);
    await engine.remove(drop, { deleteFiles: true });
    expect(engine.get(keep)?.state).toBe('cancelled');
    expect(engine.get(drop)?.state).toBe('cancelled');
    const files = (await readdir(dir)).sort();
    expect(files.filter((f) => f.startsWith('keep')).length).toBeGreaterThanOrEqual(2);
    expect(files.filter((f) => f.startsWith('drop'))).toEqual([]);
  });

  it('remove() of a waiting or paused download touches no file and fires cancel', async () => {
    server.setFile('/w', { body: randomBytesSeeded(10, 'w') });
    engine = createEngine({ dir, ...fast });
    const cancelled: string[] = [];
    engine.on('cancel', (d) => cancelled.push(d.id));
    const p = engine.add(server.url('/w'), {}, undefined, { paused: true });
    await engine.remove(p);
    expect(cancelled).toEqual([p]);
    expect(engine.get(p)?.state).toBe('cancelled');
    expect(server.stats.requests).toBe(0);
  });

  it('setUris() to a mirror of the same file keeps the progress made on the old URL', async () => {
    const body = randomBytesSeeded(768 * KiB, 'm');
    server.setFile('/old/file.bin', { body, etag: '"v1"' });
    server.setFile('/new/file.bin', { body, etag: '"v1"' });
    server.setFaults({ throttleBytesPerSec: 128 * KiB });
    engine = createEngine({ dir, ...fast, connections: 2 });
    const resumed = track(engine);
    const id = engine.add(server.url('/old/file.bin'));
    await waitFor(() => (engine.get(id)?.completedBytes ?? 0) > 200 * KiB);
    await engine.pause(id);
    const kept = engine.get(id)?.completedBytes ?? 0;
    await engine.setUris(id, [server.url('/new/file.bin')]);
    server.setFaults({ throttleBytesPerSec: undefined });
    server.resetStats();
    engine.resume(id);
    await waitFor(done(id));
    expect(sha256(await readFile(path.join(dir, 'file.bin')))).toBe(sha256(body));
    // The run on the new URL resumed what the old one had saved.
    expect(resumed[id]).toBe(kept);
    expect(engine.get(id)?.url).toBe(server.url('/new/file.bin'));
  });

  it('setUris() of a running download whose URL went away restarts it on the new one, keeping progress', async () => {
    const body = randomBytesSeeded(768 * KiB, 'n');
    server.setFile('/a/x.bin', { body });
    server.setFile('/b/x.bin', { body });
    server.setFaults({ throttleBytesPerSec: 128 * KiB });
    engine = createEngine({ dir, ...fast, connections: 2 });
    const resumed = track(engine);
    const id = engine.add(server.url('/a/x.bin'));
    await waitFor(() => (engine.get(id)?.completedBytes ?? 0) > 200 * KiB);
    const before = engine.get(id)?.completedBytes ?? 0;
    await engine.setUris(id, [server.url('/b/x.bin')]);
    server.resetStats();
    server.setFaults({ throttleBytesPerSec: undefined });
    await waitFor(done(id));
    expect(sha256(await readFile(path.join(dir, 'x.bin')))).toBe(sha256(body));
    expect(resumed[id]).toBeGreaterThan(0);
    expect(resumed[id]).toBeGreaterThanOrEqual(before);
    expect(engine.get(id)?.url).toBe(server.url('/b/x.bin'));
  });

  it('setOptions() on a running download restarts it from its control file with the new options', async () => {
    const body = randomBytesSeeded(1024 * KiB, 'o');
    server.setFile('/o.bin', { body });
    server.setFaults({ throttleBytesPerSec: 128 * KiB });
    engine = createEngine({ dir, ...fast, connections: 1 });
    const starts: string[] = [];
    engine.on('start', (d) => starts.push(d.id));
    const id = engine.add(server.url('/o.bin'), { connections: 1 });
    await waitFor(() => (engine.get(id)?.completedBytes ?? 0) > 128 * KiB);
    const before = engine.get(id)?.completedBytes ?? 0;
    await engine.setOptions(id, { connections: 4 });
    expect(engine.get(id)?.options).toEqual({ connections: 4 });
    await waitFor(() => starts.length === 2);
    await waitFor(() => (engine.snapshot(id)?.connections.length ?? 0) > 1);
    server.setFaults({ throttleBytesPerSec: undefined });
    await waitFor(done(id));
    expect(engine.get(id)?.completedBytes).toBe(body.length);
    expect(before).toBeGreaterThan(0);
    expect(sha256(await readFile(path.join(dir, 'o.bin')))).toBe(sha256(body));
    await expect(engine.setOptions(id, { connections: 2 })).resolves.toBeUndefined();
  });

  it('setOptions() refuses to move a running download, and moves a waiting one', async () => {
    server.setFile('/s.bin', { body: randomBytesSeeded(256 * KiB, 's') });
    server.setFaults({ throttleBytesPerSec: 64 * KiB });
    engine = createEngine({ dir, ...fast, maxActive: 1 });
    const a = engine.add(server.url('/s.bin'));
    const b = engine.add(server.url('/s.bin'), { out: 'b.bin' });
    await waitFor(() => engine.get(a)?.state === 'active');
    await expect(engine.setOptions(a, { dir: path.join(dir, 'x') })).rejects.toThrow(/while it runs/);
    await engine.setOptions(b, { out: 'c.bin' });
    expect(engine.get(b)?.name).toBe('c.bin');
    server.setFaults({ throttleBytesPerSec: undefined });
    await waitFor(() => engine.get(b)?.state === 'complete');
    expect(existsSync(path.join(dir, 'c.bin'))).toBe(true);
    expect(existsSync(path.join(dir, 'b.bin'))).toBe(false);
  });

  it('setDefaults() applies to downloads started afterwards', async () => {
    server.setFile('/d.bin', { body: randomBytesSeeded(100, 'd') });
    engine = createEngine({ dir, ...fast });
    const sub = path.join(dir, 'sub');
    engine.setDefaults({ dir: sub });
    expect(engine.getDefaults().dir).toBe(sub);
    const id = engine.add(server.url('/d.bin'));
    await waitFor(done(id));
    expect(sha256(await readFile(path.join(sub, 'd.bin')))).toBe(sha256(randomBytesSeeded(100, 'd')));
  });
});
