import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/types.js';
import { tempDir } from './helpers.js';

let cleanup: () => Promise<void>;
let store: Store;
beforeEach(async () => {
  const t = await tempDir();
  cleanup = t.cleanup;
  store = openStore(path.join(t.dir, 'ferry.db'));
});
afterEach(async () => {
  store.close();
  await cleanup();
});

/** Milliseconds `fn` takes. */
function time(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

describe('scale (measured and printed; the bounds only catch a pathology)', () => {
  it('1,000 adds, a 1,000-row history page, a 1,000-download progress batch', { timeout: 120_000 }, () => {
    const n = 1000;
    const gids: string[] = [];
    const addMs = time(() => {
      for (let i = 0; i < n; i++)
        gids.push(
          store.add({ uris: [`http://127.0.0.1/${i}`], options: { connections: 4, headers: { Authorization: 'Bearer x' } } }, i % 7 === 0 ? 0 : undefined).gid,
        );
    });
    const queueMs = time(() => expect(store.queue()).toHaveLength(n));
    const progressMs = time(() => store.saveProgress(gids.map((gid, i) => ({ gid, completedBytes: i * 1000, totalBytes: 1e9 }))));
    const moveMs = time(() => {
      for (let i = 0; i < 100; i++) store.move(gids[i], n - 1 - i);
    });
    const stopMs = time(() => {
      for (const gid of gids) store.setStatus(gid, 'complete');
    });
    let page: ReturnType<Store['stopped']> = [];
    const pageMs = time(() => {
      page = store.stopped(0, 1000, { newestFirst: true });
    });
    expect(page).toHaveLength(n);
    expect(page[0].gid).toBe(gids[n - 1]);
    expect(store.stoppedCount()).toBe(n);
    console.log(
      `store scale: ${n} adds ${addMs.toFixed(0)} ms (${((addMs / n) * 1000).toFixed(0)} us each), queue() ${queueMs.toFixed(1)} ms, ` +
        `progress batch of ${n} ${progressMs.toFixed(1)} ms, 100 moves ${moveMs.toFixed(0)} ms, ${n} stops ${stopMs.toFixed(0)} ms, ` +
        `stopped(0, 1000) ${pageMs.toFixed(1)} ms`,
    );
    expect(addMs).toBeLessThan(60_000);
    expect(pageMs).toBeLessThan(10_000);
  });
});
