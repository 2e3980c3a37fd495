/**
 * Small files the probe's response carries whole: no control file and no `.part` at any moment,
 * only a temp file of their own until the rename; a stop leaves nothing; a leftover temp file of
 * a crashed run is replaced. Larger files keep their control file.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DirSyncs } from '../../src/disk/dir-sync.js';
import { fsyncDir } from '../../src/disk/file-ops.js';
import { useEngineFixture } from '../helpers/engine-fixture.js';
import { randomBytesSeeded, sha256 } from '../helpers/http-server.js';
import { namesDuring } from '../helpers/names-during.js';

const KiB = 1024;
const fast = { minSplitSize: 16 * KiB, retryWaitMs: 10, checkpointIntervalMs: 50 };
const DATE = 'Wed, 21 Oct 2015 07:28:00 GMT';

const fx = useEngineFixture('ferry-small-');

const hashOf = async (name: string): Promise<string> => sha256(await readFile(path.join(fx.dir, name)));

describe('small files', () => {
  it('at the edges (0, 1, split-1, split bytes): byte-exact, never a control file or a .part, only NAME.ferry-tmp before the rename', async () => {
    const sizes = [0, 1, 16 * KiB - 1, 16 * KiB];
    const bodies = sizes.map((n, i) => randomBytesSeeded(n, `small-${i}`));
    for (const [i, body] of bodies.entries()) fx.server.setFile(`/f${i}`, { body, etag: `"e${i}"`, lastModified: DATE });
    // Slow enough that the watcher sees each file while it downloads.
    fx.server.setFaults({ throttleBytesPerSec: 64 * KiB });
    const e = fx.engine({ maxActive: 4, connections: 4, ...fast });
    const seen = await namesDuring(fx.dir, async () => {
      for (let i = 0; i < sizes.length; i++) e.add(fx.server.url(`/f${i}`));
      await e.whenIdle();
    });
    expect(e.list().map((d) => d.state)).toEqual(Array(sizes.length).fill('complete'));
    for (let i = 0; i < sizes.length; i++) expect(await hashOf(`f${i}`)).toBe(sha256(bodies[i]));
    expect([...seen].filter((n) => n.endsWith('.ferry') || n.includes('.ferry.tmp') || n.endsWith('.part'))).toEqual([]);
    expect(seen.has('f3.ferry-tmp')).toBe(true);
    expect((await readdir(fx.dir)).sort()).toEqual(['f0', 'f1', 'f2', 'f3']);
    // The modification time is the server's, so a rerun finds them complete.
    const again = fx.engine({ maxActive: 4, ...fast });
    const results: string[] = [];
    again.on('complete', (_d, r) => results.push(r.status));
    for (let i = 0; i < sizes.length; i++) again.add(fx.server.url(`/f${i}`));
    await again.whenIdle();
    await again.close();
    expect(results).toEqual(Array(sizes.length).fill('already-complete'));
  });

  it('one byte over the split size keeps its control file and .part', async () => {
    const body = randomBytesSeeded(16 * KiB + 1, 'over');
    fx.server.setFile('/over', { body, lastModified: DATE });
    fx.server.setFaults({ throttleBytesPerSec: 64 * KiB });
    const e = fx.engine({ maxActive: 1, connections: 1, ...fast });
    const seen = await namesDuring(fx.dir, async () => {
      e.add(fx.server.url('/over'));
      await e.whenIdle();
    });
    expect(await hashOf('over')).toBe(sha256(body));
    expect(seen.has('over.ferry')).toBe(true);
    expect(seen.has('over.part')).toBe(true);
    expect(seen.has('over.ferry-tmp')).toBe(false);
  });

  it('a pause leaves nothing on disk; the resume downloads it again, byte-exact', async () => {
    const body = randomBytesSeeded(16 * KiB, 'paused');
    fx.server.setFile('/p', { body, lastModified: DATE });
    fx.server.setFaults({ throttleBytesPerSec: 16 * KiB });
    const engine = fx.engine({ maxActive: 1, ...fast }, { progressIntervalMs: 10 });
    const id = engine.add(fx.server.url('/p'));
    await new Promise<void>((resolve) => engine.on('progress', (_d, p) => p.completedBytes > 2 * KiB && resolve()));
    await engine.pause(id);
    expect(engine.get(id)?.state).toBe('paused');
    expect(await readdir(fx.dir)).toEqual([]);
    fx.server.setFaults({});
    engine.resume(id);
    await engine.whenIdle();
    expect(engine.get(id)?.state).toBe('complete');
    expect(await hashOf('p')).toBe(sha256(body));
    expect(await readdir(fx.dir)).toEqual(['p']);
  });

  it('a connection dropped mid-body is retried into the same temp file, byte-exact, still without a control file', async () => {
    const body = randomBytesSeeded(12 * KiB + 5, 'drop');
    fx.server.setFile('/d', { body, lastModified: DATE });
    fx.server.setFaults({ dropAfterBytes: 5000 });
    const e = fx.engine({ maxActive: 1, maxTries: 10, ...fast });
    const seen = await namesDuring(fx.dir, async () => {
      e.add(fx.server.url('/d'));
      await e.whenIdle();
    });
    expect(e.list()[0]?.state).toBe('complete');
    expect(await hashOf('d')).toBe(sha256(body));
    expect([...seen].filter((n) => n !== 'd' && n !== 'd.ferry-tmp')).toEqual([]);
  });

  it('a leftover NAME.ferry-tmp of a crashed run is replaced: the right bytes under the asked name', async () => {
    const body = randomBytesSeeded(3 * KiB, 'left');
    fx.server.setFile('/l', { body, lastModified: DATE });
    await writeFile(path.join(fx.dir, 'l.ferry-tmp'), randomBytesSeeded(20 * KiB, 'junk'));
    const engine = fx.engine({ maxActive: 1, ...fast });
    engine.add(fx.server.url('/l'));
    await engine.whenIdle();
    expect(await hashOf('l')).toBe(sha256(body));
    expect(await readdir(fx.dir)).toEqual(['l']);
  });
});

describe('durable finish', () => {
  it('a file is reported complete only after a sync of its directory that began after its rename', async () => {
    const n = 24;
    const bodies = Array.from({ length: n }, (_, i) => randomBytesSeeded(1 + i * 300, `dur-${i}`));
    for (const [i, body] of bodies.entries()) fx.server.setFile(`/g${i}`, { body, lastModified: DATE });
    const synced = new Set<string>();
    let syncs = 0;
    const slowSync = async (d: string): Promise<void> => {
      syncs++;
      // What the sync covers: every name already renamed into place when it begins.
      const before = (await readdir(d)).filter((x) => !x.includes('.'));
      await new Promise((r) => setTimeout(r, 15));
      await fsyncDir(d);
      for (const x of before) synced.add(x);
    };
    const reportedUnsynced: string[] = [];
    const engine = fx.engine({ maxActive: 8, ...fast }, { dirSyncs: new DirSyncs(slowSync) });
    engine.on('complete', (d) => {
      if (d.name === undefined || !synced.has(d.name)) reportedUnsynced.push(d.name ?? '?');
    });
    for (let i = 0; i < n; i++) engine.add(fx.server.url(`/g${i}`));
    await engine.whenIdle();
    for (let i = 0; i < n; i++) expect(await hashOf(`g${i}`)).toBe(sha256(bodies[i]));
    expect(reportedUnsynced).toEqual([]);
    // Grouped: fewer directory syncs than files.
    expect(syncs).toBeLessThan(n);
  });

  it('--no-fsync syncs no directory', async () => {
    fx.server.setFile('/x', { body: randomBytesSeeded(100, 'x') });
    let syncs = 0;
    const engine = fx.engine({ fsync: false, ...fast }, { dirSyncs: new DirSyncs(async () => void syncs++) });
    engine.add(fx.server.url('/x'));
    await engine.whenIdle();
    expect(engine.list()[0]?.state).toBe('complete');
    expect(syncs).toBe(0);
  });
});

describe('a finished download leaves no timer behind', () => {
  it('every sleep it started (the stall watch included) has ended when it resolves, 20 times', async () => {
    for (let round = 0; round < 20; round++) {
      const name = `/t${round}`;
      const body = randomBytesSeeded(round * 700, `t${round}`);
      fx.server.setFile(name, { body });
      let pending = 0;
      const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
        new Promise<void>((resolve, reject) => {
          pending++;
          const done = (): void => {
            pending--;
            clearTimeout(t);
            signal.removeEventListener('abort', onAbort);
          };
          const onAbort = (): void => {
            done();
            reject(new Error('aborted'));
          };
          const t = setTimeout(() => {
            done();
            resolve();
          }, ms);
          if (signal.aborted) onAbort();
          else signal.addEventListener('abort', onAbort);
        });
      const e = fx.engine(fast, { sleep });
      e.add(fx.server.url(name));
      await e.whenIdle();
      expect(e.list()[0]?.state).toBe('complete');
      expect(await hashOf(name.slice(1))).toBe(sha256(body));
      expect(pending).toBe(0);
      await e.close();
    }
  });
});

describe('a small file whose checksum does not match', () => {
  it('fails with CHECKSUM and leaves nothing behind (no final file, no temp file)', async () => {
    const body = randomBytesSeeded(2 * KiB, 'sum');
    fx.server.setFile('/c', { body });
    const engine = fx.engine({ ...fast, checksum: { algorithm: 'sha-256', hex: '0'.repeat(64) } });
    engine.add(fx.server.url('/c'));
    await engine.whenIdle();
    expect(engine.list()[0]?.errorCode).toBe('CHECKSUM');
    expect(await readdir(fx.dir)).toEqual([]);
  });
});
