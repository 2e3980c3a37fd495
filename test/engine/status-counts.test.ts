import { describe, expect, it } from 'vitest';
import { FerryError } from '../../src/core/errors.js';
import { QUEUE_STATUSES } from '../../src/core/queue-transitions.js';
import { StatusCounts } from '../../src/engine/status-counts.js';
import { createEngine } from '../../src/index.js';
import { seededRandom } from '../helpers/seeded-random.js';

describe('StatusCounts', () => {
  it('counts arrivals, changes and removals by kind', () => {
    const c = new StatusCounts();
    c.change(undefined, 'waiting');
    c.change(undefined, 'waiting');
    c.change(undefined, 'paused');
    expect([c.active, c.waiting]).toEqual([0, 2]);
    c.change('waiting', 'running');
    expect([c.active, c.waiting]).toEqual([1, 1]);
    c.change('running', 'stopping-pause');
    expect([c.active, c.waiting]).toEqual([1, 1]);
    c.change('stopping-pause', 'paused');
    c.change('waiting', 'running');
    c.change('running', 'complete');
    expect([c.active, c.waiting]).toEqual([0, 0]);
    c.change('complete', undefined);
    expect([c.active, c.waiting]).toEqual([0, 0]);
  });

  it('agrees with a scan after every change of a random walk over all statuses', () => {
    const c = new StatusCounts();
    const items: (string | undefined)[] = Array.from({ length: 20 }, () => undefined);
    const rnd = seededRandom(7);
    for (let step = 0; step < 2000; step++) {
      const i = rnd(items.length);
      const to = rnd(QUEUE_STATUSES.length + 1);
      const next = to === QUEUE_STATUSES.length ? undefined : QUEUE_STATUSES[to];
      c.change(items[i] as never, next);
      items[i] = next;
      const active = items.filter(
        (s) => s !== undefined && s !== 'waiting' && ['running', 'stopping-pause', 'stopping-restart', 'stopping-cancel'].includes(s),
      ).length;
      const waiting = items.filter((s) => s === 'waiting').length;
      expect([c.active, c.waiting]).toEqual([active, waiting]);
    }
  });
});

describe('a long queue', () => {
  it('starts and ends 3000 downloads without a scan of the queue per start (was cubic: minutes)', async () => {
    let live = 0;
    let most = 0;
    const engine = createEngine(
      { maxActive: 16, maxTries: 1, dir: '/nonexistent-ferry-dir' },
      {
        createSource: () => ({
          probe: async () => {
            live++;
            most = Math.max(most, live);
            await Promise.resolve();
            live--;
            throw new FerryError('HTTP_STATUS', 'gone');
          },
          read: () => {
            throw new Error('not reached');
          },
          close: async () => undefined,
        }),
      },
    );
    const started = performance.now();
    for (let i = 0; i < 3000; i++) engine.add(`http://127.0.0.1:9/f${i}`);
    await engine.whenIdle();
    const ms = performance.now() - started;
    const states = engine.list().map((d) => d.state);
    await engine.close();
    expect(states.filter((s) => s === 'error')).toHaveLength(3000);
    expect(most).toBeLessThanOrEqual(16);
    // About 1 s on a loaded machine; the old scheduler needed minutes for the same queue.
    expect(ms).toBeLessThan(30_000);
  }, 60_000);
});
