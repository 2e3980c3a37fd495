/**
 * The engine commands a daemon needs: restoring under a known id (paused or not), forgetting
 * stopped downloads, removing with and without the files, changing options and URLs of a
 * download at any moment, defaults, and the snapshot of a running one. Real loopback server,
 * SHA-256 of every file.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../src/index.js';
import { useEngineFixture } from '../helpers/engine-fixture.js';
import { randomBytesSeeded, sha256 } from '../helpers/http-server.js';
import { sleep, waitFor } from '../helpers/wait-for.js';

const KiB = 1024;
/** How long (and how often) this file's waits look. */
const patience = { ms: 15_000 };
const fast = { minSplitSize: 16 * KiB, retryWaitMs: 10, checkpointIntervalMs: 50 };

const fx = useEngineFixture('ferry-dc-');

/** The bytes each download's final run resumed from its control file. */
function track(e: Engine): Record<string, number> {
  const resumed: Record<string, number> = {};
  e.on('complete', (d, r) => {
    resumed[d.id] = r.resumedBytes;
  });
  return resumed;
}

const done = (engine: Engine, id: string) => () => engine.get(id)?.state === 'complete';

describe('engine commands for the daemon', () => {
  it('add() restores under a given id, paused ones stay paused; a duplicate id is refused', async () => {
    const body = randomBytesSeeded(40 * KiB, 'a');
    fx.server.setFile('/a', { body });
    const engine = fx.engine(fast);
    const events: string[] = [];
    engine.on('pause', (d) => events.push(`pause ${d.id}`));
    expect(engine.add(fx.server.url('/a'), {}, undefined, { id: '00000000000000a1', paused: true })).toBe('00000000000000a1');
    expect(() => engine.add(fx.server.url('/a'), {}, undefined, { id: '00000000000000a1' })).toThrow(/already queued/);
    await sleep(200);
    expect(engine.get('00000000000000a1')?.state).toBe('paused');
    expect(fx.server.stats.requests).toBe(0);
    expect(events).toEqual([]);
    engine.resume('00000000000000a1');
    await waitFor(done(engine, '00000000000000a1'), patience);
    expect(sha256(await readFile(path.join(fx.dir, 'a')))).toBe(sha256(body));
  });

  it('forget() drops stopped downloads only', async () => {
    const date = 'Wed, 21 Oct 2015 07:28:00 GMT';
    fx.server.setFile('/f', { body: randomBytesSeeded(1, 'one'), lastModified: date });
    const engine = fx.engine(fast);
    const a = engine.add(fx.server.url('/f'));
    const b = engine.add(fx.server.url('/f'), { out: 'b' }, undefined, { paused: true });
    await waitFor(done(engine, a), patience);
    expect(sha256(await readFile(path.join(fx.dir, 'f')))).toBe(sha256(randomBytesSeeded(1, 'one')));
    expect(engine.forget(b)).toBe(false);
    expect(engine.forget(a)).toBe(true);
    expect(engine.get(a)).toBeUndefined();
    expect(engine.list().map((d) => d.id)).toEqual([b]);
    expect(engine.forget(a)).toBe(false);
    // Forgotten, its finished file keeps its name: another download of the same name, size and
    // date is saved beside it, never taken for it.
    fx.server.setFile('/g/f', { body: randomBytesSeeded(1, 'other'), lastModified: date });
    const c = engine.add(fx.server.url('/g/f'));
    await waitFor(done(engine, c), patience);
    expect(engine.get(c)?.name).toBe('f.1');
    expect(sha256(await readFile(path.join(fx.dir, 'f.1')))).toBe(sha256(randomBytesSeeded(1, 'other')));
  });

  it('remove() keeps the partial and control files; remove({deleteFiles}) deletes them', async () => {
    const body = randomBytesSeeded(512 * KiB, 'r');
    fx.server.setFile('/keep', { body });
    fx.server.setFile('/drop', { body });
    fx.server.setFaults({ throttleBytesPerSec: 64 * KiB });
    const engine = fx.engine({ ...fast, connections: 2 });
    const keep = engine.add(fx.server.url('/keep'));
    const drop = engine.add(fx.server.url('/drop'));
    await waitFor(() => (engine.get(keep)?.completedBytes ?? 0) > 32 * KiB && (engine.get(drop)?.completedBytes ?? 0) > 32 * KiB, patience);
    await engine.remove(keep);
    await engine.remove(drop, { deleteFiles: true });
    expect(engine.get(keep)?.state).toBe('cancelled');
    expect(engine.get(drop)?.state).toBe('cancelled');
    const files = (await readdir(fx.dir)).sort();
    expect(files.filter((f) => f.startsWith('keep')).length).toBeGreaterThanOrEqual(2);
    expect(files.filter((f) => f.startsWith('drop'))).toEqual([]);
  });

  it('remove() of a waiting or paused download touches no file and fires cancel', async () => {
    fx.server.setFile('/w', { body: randomBytesSeeded(10, 'w') });
    const engine = fx.engine(fast);
    const cancelled: string[] = [];
    engine.on('cancel', (d) => cancelled.push(d.id));
    const p = engine.add(fx.server.url('/w'), {}, undefined, { paused: true });
    await engine.remove(p);
    expect(cancelled).toEqual([p]);
    expect(engine.get(p)?.state).toBe('cancelled');
    expect(fx.server.stats.requests).toBe(0);
  });

  it('setUris() to a mirror of the same file keeps the progress made on the old URL', async () => {
    const body = randomBytesSeeded(768 * KiB, 'm');
    fx.server.setFile('/old/file.bin', { body, etag: '"v1"' });
    fx.server.setFile('/new/file.bin', { body, etag: '"v1"' });
    fx.server.setFaults({ throttleBytesPerSec: 128 * KiB });
    const engine = fx.engine({ ...fast, connections: 2 });
    const resumed = track(engine);
    const id = engine.add(fx.server.url('/old/file.bin'));
    await waitFor(() => (engine.get(id)?.completedBytes ?? 0) > 200 * KiB, patience);
    await engine.pause(id);
    const kept = engine.get(id)?.completedBytes ?? 0;
    await engine.setUris(id, [fx.server.url('/new/file.bin')]);
    fx.server.setFaults({ throttleBytesPerSec: undefined });
    fx.server.resetStats();
    engine.resume(id);
    await waitFor(done(engine, id), patience);
    expect(sha256(await readFile(path.join(fx.dir, 'file.bin')))).toBe(sha256(body));
    // The run on the new URL resumed what the old one had saved.
    expect(resumed[id]).toBe(kept);
    expect(engine.get(id)?.url).toBe(fx.server.url('/new/file.bin'));
  });

  it('setUris() of a running download whose URL went away restarts it on the new one, keeping progress', async () => {
    const body = randomBytesSeeded(768 * KiB, 'n');
    fx.server.setFile('/a/x.bin', { body });
    fx.server.setFile('/b/x.bin', { body });
    fx.server.setFaults({ throttleBytesPerSec: 128 * KiB });
    const engine = fx.engine({ ...fast, connections: 2 });
    const resumed = track(engine);
    const id = engine.add(fx.server.url('/a/x.bin'));
    await waitFor(() => (engine.get(id)?.completedBytes ?? 0) > 200 * KiB, patience);
    const before = engine.get(id)?.completedBytes ?? 0;
    await engine.setUris(id, [fx.server.url('/b/x.bin')]);
    fx.server.resetStats();
    fx.server.setFaults({ throttleBytesPerSec: undefined });
    await waitFor(done(engine, id), patience);
    expect(sha256(await readFile(path.join(fx.dir, 'x.bin')))).toBe(sha256(body));
    expect(resumed[id]).toBeGreaterThan(0);
    expect(resumed[id]).toBeGreaterThanOrEqual(before);
    expect(engine.get(id)?.url).toBe(fx.server.url('/b/x.bin'));
  });

  it('setOptions() on a running download restarts it from its control file with the new options', async () => {
    const body = randomBytesSeeded(1024 * KiB, 'o');
    fx.server.setFile('/o.bin', { body });
    fx.server.setFaults({ throttleBytesPerSec: 128 * KiB });
    const engine = fx.engine({ ...fast, connections: 1 });
    const starts: string[] = [];
    engine.on('start', (d) => starts.push(d.id));
    const id = engine.add(fx.server.url('/o.bin'), { connections: 1 });
    await waitFor(() => (engine.get(id)?.completedBytes ?? 0) > 128 * KiB, patience);
    const before = engine.get(id)?.completedBytes ?? 0;
    await engine.setOptions(id, { connections: 4 });
    expect(engine.get(id)?.options).toEqual({ connections: 4 });
    await waitFor(() => starts.length === 2, patience);
    await waitFor(() => (engine.snapshot(id)?.connections.length ?? 0) > 1, patience);
    fx.server.setFaults({ throttleBytesPerSec: undefined });
    await waitFor(done(engine, id), patience);
    expect(engine.get(id)?.completedBytes).toBe(body.length);
    expect(before).toBeGreaterThan(0);
    expect(sha256(await readFile(path.join(fx.dir, 'o.bin')))).toBe(sha256(body));
    await expect(engine.setOptions(id, { connections: 2 })).resolves.toBeUndefined();
  });

  it('setOptions() refuses to move a running download, and moves a waiting one', async () => {
    fx.server.setFile('/s.bin', { body: randomBytesSeeded(256 * KiB, 's') });
    fx.server.setFaults({ throttleBytesPerSec: 64 * KiB });
    const engine = fx.engine({ ...fast, maxActive: 1 });
    const a = engine.add(fx.server.url('/s.bin'));
    const b = engine.add(fx.server.url('/s.bin'), { out: 'b.bin' });
    await waitFor(() => engine.get(a)?.state === 'active', patience);
    await expect(engine.setOptions(a, { dir: path.join(fx.dir, 'x') })).rejects.toThrow(/while it runs/);
    await engine.setOptions(b, { out: 'c.bin' });
    expect(engine.get(b)?.name).toBe('c.bin');
    fx.server.setFaults({ throttleBytesPerSec: undefined });
    await waitFor(() => engine.get(b)?.state === 'complete', patience);
    expect(existsSync(path.join(fx.dir, 'c.bin'))).toBe(true);
    expect(existsSync(path.join(fx.dir, 'b.bin'))).toBe(false);
  });

  it('setDefaults() applies to downloads started afterwards', async () => {
    fx.server.setFile('/d.bin', { body: randomBytesSeeded(100, 'd') });
    const engine = fx.engine(fast);
    const sub = path.join(fx.dir, 'sub');
    engine.setDefaults({ dir: sub });
    expect(engine.getDefaults().dir).toBe(sub);
    const id = engine.add(fx.server.url('/d.bin'));
    await waitFor(done(engine, id), patience);
    expect(sha256(await readFile(path.join(sub, 'd.bin')))).toBe(sha256(randomBytesSeeded(100, 'd')));
  });
});
