/**
 * The scheduler starts waiting downloads in queue order, from the first entry that may wait: the
 * order it keeps (where its next look starts) must follow every change, including changes a
 * listener of a start makes while the scheduler is starting downloads.
 */
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../src/index.js';
import { useEngineFixture } from '../helpers/engine-fixture.js';
import { randomBytesSeeded } from '../helpers/http-server.js';

const KiB = 1024;
const fx = useEngineFixture('ferry-sched-');

/** The names of the downloads of `e` in the order they started. */
function startOrder(e: Engine): string[] {
  const order: string[] = [];
  e.on('start', (d) => order.push(d.url.slice(d.url.lastIndexOf('/') + 1)));
  return order;
}

function serve(names: string[]): void {
  for (const [i, n] of names.entries()) fx.server.setFile(`/${n}`, { body: randomBytesSeeded(4 * KiB, i + 1) });
}

describe('schedule order', () => {
  it('one at a time: a long list starts in order, and a download added at the front later goes next', async () => {
    const names = Array.from({ length: 40 }, (_, i) => `f${i}`);
    serve([...names, 'front']);
    const e = fx.engine({ maxActive: 1, connections: 1 });
    const order = startOrder(e);
    let added = false;
    e.on('complete', () => {
      // Halfway, a new download is put at position 0: every entry before it has finished.
      if (!added && order.length === 20) {
        added = true;
        e.add(fx.server.url('/front'), { out: 'front' }, 0);
      }
    });
    for (const n of names) e.add(fx.server.url(`/${n}`), { out: n });
    await e.whenIdle();
    expect(order).toEqual([...names.slice(0, 20), 'front', ...names.slice(20)]);
    expect(e.list().every((d) => d.state === 'complete')).toBe(true);
  });

  it('a listener of a start that moves, adds and forgets entries: every download still starts, in the order it left', async () => {
    const names = Array.from({ length: 12 }, (_, i) => `g${i}`);
    serve([...names, 'late']);
    for (let round = 0; round < 10; round++) {
      const e = fx.engine({ maxActive: 3, connections: 1, dir: fx.dir });
      const order = startOrder(e);
      const ids = names.map((n) => e.add(fx.server.url(`/${n}`), { out: `${round}-${n}` }));
      let changed = false;
      e.on('start', (d) => {
        if (changed || d.id !== ids[1]) return;
        changed = true;
        // Inside the scheduler's pass: the last entry to the front, one more at position 1, and
        // a finished one (if any) dropped.
        e.move(ids[11], 0);
        e.add(fx.server.url('/late'), { out: `${round}-late` }, 1);
        const done = e.list().find((x) => x.state === 'complete');
        if (done) e.forget(done.id);
      });
      await e.whenIdle();
      expect(new Set(order).size).toBe(names.length + 1);
      expect(order.slice(0, 2)).toEqual(['g0', 'g1']);
      // g11 was moved first among those still waiting, then the one added at position 1.
      expect(order.slice(2, 4)).toEqual(['g11', 'late']);
      expect(order.slice(4)).toEqual(names.slice(2, 11));
      await e.close();
    }
  });
});
