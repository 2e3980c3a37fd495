import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { walSync } from '../../src/store/wal-sync.js';
import { steppingClock, tempDir } from './helpers.js';

/** A FileSync whose syncs end when the test says. */
function manualSync() {
  const calls: { file: string; done: () => void; fail: (e: Error) => void }[] = [];
  const sync = (file: string) =>
    new Promise<void>((resolve, reject) => {
      calls.push({ file, done: resolve, fail: reject });
    });
  return { calls, sync };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('grouped syncs of the write-ahead log', () => {
  it('syncs FILE-wal; callers during a sync share exactly one more, which starts after it', async () => {
    const m = manualSync();
    const durable = walSync('/x/state.db', m.sync);
    const order: string[] = [];
    const a = durable().then(() => order.push('a'));
    await tick();
    expect(m.calls.map((c) => c.file)).toEqual(['/x/state.db-wal']);
    // b and c commit while a's sync runs: that sync may have started before their commits.
    const b = durable().then(() => order.push('b'));
    const c = durable().then(() => order.push('c'));
    await tick();
    expect(m.calls).toHaveLength(1);
    m.calls[0].done();
    await a;
    await tick();
    expect(order).toEqual(['a']);
    expect(m.calls).toHaveLength(2);
    m.calls[1].done();
    await Promise.all([b, c]);
    expect(order).toEqual(['a', 'b', 'c']);
    // Nothing in flight: the next caller starts its own at once.
    const d = durable();
    await tick();
    expect(m.calls).toHaveLength(3);
    m.calls[2].done();
    await d;
  });

  it('a failed sync rejects its callers only; the next one syncs again', async () => {
    const m = manualSync();
    const durable = walSync('/x/db', m.sync);
    const a = durable();
    const b = durable();
    await tick();
    m.calls[0].fail(new Error('EIO'));
    await expect(a).rejects.toThrow('EIO');
    await tick();
    m.calls[1].done();
    await expect(b).resolves.toBeUndefined();
  });

  it('a real store: commits return at once, durable() syncs its log; every row is there after reopening', async () => {
    const t = await tempDir();
    try {
      const file = `${t.dir}/state.db`;
      const synced: string[] = [];
      const store = openStore(file, { now: steppingClock(), syncFile: async (f) => void synced.push(f) });
      const gids = Array.from({ length: 5 }, (_, i) => store.add({ uris: [`http://h/${i}`], options: {}, status: 'waiting' }).gid);
      expect(synced).toEqual([]);
      await store.durable();
      expect(synced).toEqual([`${file}-wal`]);
      store.close();
      const again = openStore(file, { now: steppingClock() });
      expect(again.queue().map((d) => d.gid)).toEqual(gids);
      // The default sync (fdatasync of the log) works on a real file, and without a log at all.
      again.add({ uris: ['http://h/x'], options: {}, status: 'waiting' });
      await again.durable();
      again.close();
    } finally {
      await t.cleanup();
    }
  });
});
