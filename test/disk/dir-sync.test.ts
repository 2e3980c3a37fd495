import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DirSyncs } from '../../src/disk/dir-sync.js';

/** A fake directory sync that records when each sync began and lets the test end it. */
function fakeSyncs() {
  const log: { dir: string; startedAt: number; end: (e?: Error) => void }[] = [];
  let clock = 0;
  const syncs = new DirSyncs(
    (dir) =>
      new Promise<void>((resolve, reject) => {
        log.push({ dir, startedAt: ++clock, end: (e) => (e ? reject(e) : resolve()) });
      }),
  );
  return { syncs, log, tick: () => ++clock };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('DirSyncs', () => {
  it('a caller while idle starts a sync; callers during it share one more, begun after it ends', async () => {
    const { syncs, log } = fakeSyncs();
    const done: string[] = [];
    const a = syncs.sync('/d').then(() => done.push('a'));
    expect(log).toHaveLength(1);
    // The running sync may have begun before these callers' renames: they wait for the next.
    const b = syncs.sync('/d/').then(() => done.push('b'));
    const c = syncs.sync('/d').then(() => done.push('c'));
    const d = syncs.sync('/d').then(() => done.push('d'));
    await settle();
    expect(log).toHaveLength(1);
    log[0].end();
    await settle();
    expect(done).toEqual(['a']);
    expect(log).toHaveLength(2);
    log[1].end();
    await Promise.all([a, b, c, d]);
    expect(done.sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(syncs.busy).toBe(0);
  });

  it('directories are synced apart', async () => {
    const { syncs, log } = fakeSyncs();
    const a = syncs.sync('/x');
    const b = syncs.sync('/y');
    expect(log.map((l) => l.dir)).toEqual(['/x', '/y']);
    for (const l of log) l.end();
    await Promise.all([a, b]);
  });

  it("a sync's error reaches its callers, and the next caller gets a new sync", async () => {
    const { syncs, log } = fakeSyncs();
    const a = syncs.sync('/d');
    log[0].end(new Error('EIO'));
    await expect(a).rejects.toThrow('EIO');
    await settle();
    const b = syncs.sync('/d');
    expect(log).toHaveLength(2);
    log[1].end();
    await b;
  });

  it('race, 300 times: every caller resolves only after a sync that began after its call', async () => {
    for (let round = 0; round < 300; round++) {
      const { syncs, log, tick } = fakeSyncs();
      const calls: Promise<void>[] = [];
      const bad: string[] = [];
      let seed = round + 1;
      const rnd = (n: number): number => {
        seed = (seed * 48271) % 2147483647;
        return seed % n;
      };
      for (let step = 0; step < 40; step++) {
        if (rnd(3) > 0) {
          const calledAt = tick();
          calls.push(
            syncs.sync('/d').then(() => {
              // Some completed sync began after this call.
              if (!log.some((l) => l.startedAt > calledAt && (l as { finished?: boolean }).finished)) bad.push(`call at ${calledAt}`);
            }),
          );
        } else {
          const open = log.filter((l) => !(l as { finished?: boolean }).finished);
          if (open.length > 0) {
            const l = open[0] as (typeof log)[number] & { finished?: boolean };
            l.finished = true;
            l.end();
          }
        }
        if (rnd(2) === 0) await settle();
        expect(log.filter((l) => !(l as { finished?: boolean }).finished).length).toBeLessThanOrEqual(1);
      }
      // Finish everything still pending.
      for (let i = 0; i < 100 && syncs.busy > 0; i++) {
        for (const l of log as ((typeof log)[number] & { finished?: boolean })[]) {
          if (!l.finished) {
            l.finished = true;
            l.end();
          }
        }
        await settle();
      }
      await Promise.all(calls);
      expect(bad).toEqual([]);
      expect(log.length).toBeLessThanOrEqual(calls.length);
    }
  });

  it('syncs a real directory', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'ferry-dirsync-'));
    try {
      const syncs = new DirSyncs();
      await Promise.all([syncs.sync(dir), syncs.sync(dir), syncs.sync(dir)]);
      expect(syncs.busy).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
