/**
 * The queue obeys the last command asked, at any moment, and never runs a download it does not
 * count: checked against a real loopback server, with a count of the runs really going on (the
 * sources the engine opened and not yet closed).
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FerryError } from '../../src/core/errors.js';
import type { Source } from '../../src/core/types.js';
import type { QueueState } from '../../src/engine/queue-types.js';
import { createSource } from '../../src/engine/source-factory.js';
import type { EngineOptions } from '../../src/index.js';
import { useEngineFixture } from '../helpers/engine-fixture.js';
import { randomBytesSeeded, sha256 } from '../helpers/http-server.js';
import { seededRandom } from '../helpers/seeded-random.js';
import { sleep, waitFor } from '../helpers/wait-for.js';

const KiB = 1024;
const fast = { minSplitSize: 16 * KiB, retryWaitMs: 10, checkpointIntervalMs: 50 };

const fx = useEngineFixture('ferry-qc-');
const STATE_SETS: QueueState[][] = [['active'], ['waiting', 'paused'], ['paused'], ['complete', 'cancelled', 'error'], []];

/** An engine whose runs are counted: a run holds its source from its start until its end. */
function countedEngine(options: EngineOptions) {
  const runs = { live: 0, started: 0 };
  const e = fx.engine(options, {
    createSource: (url, o): Source => {
      const s = createSource(url, o);
      runs.live++;
      runs.started++;
      return {
        probe: (...a) => s.probe(...a),
        read: (...a) => s.read(...a),
        close: async () => {
          await s.close();
          runs.live--;
        },
      };
    },
  });
  const errors: string[] = [];
  e.on('error', (d) => errors.push(`${d.url}: ${d.errorMessage}`));
  const notes: string[] = [];
  e.on('note', (_d, m) => notes.push(m));
  return { engine: e, runs, errors, notes };
}

describe('queue commands', () => {
  it('cancel() right after add(): cancelled at once, and no download ever runs', async () => {
    fx.server.setFile('/f', { body: randomBytesSeeded(64 * KiB, 1) });
    const { engine: e, runs } = countedEngine(fast);
    const id = e.add(fx.server.url('/f'));
    const cancelling = e.cancel(id);
    expect(e.get(id)?.state).toBe('cancelled');
    await cancelling;
    await sleep(200);
    expect(runs.started).toBe(0);
    expect(fx.server.stats.requests).toBe(0);
    expect(e.get(id)?.state).toBe('cancelled');
    expect(e.activeCount()).toBe(0);
  });

  it('resume while a pause is still stopping: it runs again and completes byte-exact', async () => {
    const body = randomBytesSeeded(256 * KiB, 2);
    fx.server.setFile('/f', { body });
    fx.server.setFaults({ firstByteDelayMs: 300 });
    const { engine: e, runs, errors } = countedEngine(fast);
    const id = e.add(fx.server.url('/f'));
    await waitFor(() => e.get(id)?.state === 'active', { everyMs: 5 });
    const pausing = e.pause(id);
    e.resume(id);
    expect(e.get(id)?.state).toBe('active');
    fx.server.setFaults({ firstByteDelayMs: undefined });
    await pausing;
    await e.whenIdle();
    expect(e.get(id)?.state).toBe('complete');
    expect(runs.started).toBe(2);
    expect(errors).toEqual([]);
    expect(sha256(await readFile(path.join(fx.dir, 'f')))).toBe(sha256(body));
  });

  it('pause, pause (resume), quit in quick succession while starting: paused, never failed, no mirror', async () => {
    for (let i = 0; i < 10; i++) {
      fx.server.setFile(`/s${i}`, { body: randomBytesSeeded(32 * KiB, i) });
      fx.server.setFaults({ firstByteDelayMs: 200 });
      const { engine: e, runs, errors, notes } = countedEngine(fast);
      const id = e.add([fx.server.url(`/s${i}`), fx.server.url(`/mirror${i}`)]);
      await waitFor(() => fx.server.stats.requests > 0 || e.get(id)?.state === 'active', { everyMs: 5 });
      await sleep(i * 5);
      void e.pauseAll();
      e.resumeAll();
      await e.close();
      expect(e.get(id)?.state).toBe('paused');
      expect(e.get(id)?.url).toBe(fx.server.url(`/s${i}`));
      expect(errors).toEqual([]);
      expect(notes.filter((n) => /mirror/.test(n))).toEqual([]);
      expect(runs.live).toBe(0);
    }
  });

  it('pause during the probe never switches to a mirror; resume continues on the same URL', async () => {
    const body = randomBytesSeeded(100 * KiB, 3);
    fx.server.setFile('/a', { body });
    fx.server.setFile('/b', { body });
    fx.server.setFaults({ firstByteDelayMs: 400 });
    const { engine: e, errors, notes } = countedEngine(fast);
    const id = e.add([fx.server.url('/a'), fx.server.url('/b')], { out: 'f' });
    await waitFor(() => fx.server.stats.requests > 0, { everyMs: 5 });
    await e.pause(id);
    expect(e.get(id)).toMatchObject({ state: 'paused', url: fx.server.url('/a') });
    fx.server.setFaults({ firstByteDelayMs: undefined });
    e.resume(id);
    await e.whenIdle();
    expect(e.get(id)).toMatchObject({ state: 'complete', url: fx.server.url('/a') });
    expect(errors).toEqual([]);
    expect(notes.filter((n) => /mirror/.test(n))).toEqual([]);
  });

  it('a run that ends ABORTED (its source closed under it) is paused, not failed, and no mirror is tried', async () => {
    fx.server.setFile('/b', { body: randomBytesSeeded(1000, 4) });
    const e = fx.engine(fast, {
      createSource: (url, o): Source => {
        const s = createSource(url, o);
        if (!url.endsWith('/a')) return s;
        return { ...s, probe: async () => Promise.reject(new FerryError('ABORTED', 'the HTTP source is closed')) };
      },
    });
    const errors: string[] = [];
    e.on('error', (d) => errors.push(d.errorMessage ?? ''));
    const id = e.add([fx.server.url('/a'), fx.server.url('/b')]);
    await waitFor(() => e.get(id)?.state === 'paused', { everyMs: 5 });
    await sleep(50);
    expect(e.get(id)).toMatchObject({ state: 'paused', url: fx.server.url('/a') });
    expect(errors).toEqual([]);
    expect(fx.server.stats.requests).toBe(0);
  });

  it('random commands, many times: the running downloads are always the ones counted active, lists by state agree; the last command wins', async () => {
    const sizes = [0, 1, 16 * KiB + 1, 200 * KiB];
    const bodies = sizes.map((n, i) => randomBytesSeeded(n, `r${i}`));
    bodies.forEach((b, i) => {
      fx.server.setFile(`/r${i}`, { body: b });
    });
    fx.server.setFaults({ firstByteDelayMs: 3, throttleBytesPerSec: 4096 * KiB });
    const rand = seededRandom(12345);
    for (let round = 0; round < 15; round++) {
      const out = path.join(fx.dir, `round${round}`);
      const { engine: e, runs, errors } = countedEngine({ dir: out, maxActive: 2, connections: 2, ...fast });
      const violations: string[] = [];
      const check = (when: string) => {
        const active = e.list().filter((d) => d.state === 'active').length;
        // Two receiving at most, and two more that only finish on disk (sync, rename).
        if (runs.live !== active || active !== e.activeCount() || active > 4) violations.push(`${when}: ${runs.live} running, ${active} counted`);
        // The lists by state are the whole list filtered, in queue order, and the counts their lengths.
        const all = e.list();
        for (const states of STATE_SETS) {
          const want = all.filter((d) => states.includes(d.state)).map((d) => d.id);
          const got = e.list(states).map((d) => d.id);
          if (got.join() !== want.join() || e.count(states) !== want.length) violations.push(`${when}: list(${states}) ${got} for ${want}`);
        }
      };
      const sampler = setInterval(() => check('sampled'), 1);
      const ids = bodies.map((_b, i) => e.add(fx.server.url(`/r${i}`)));
      const last = new Map<string, string>();
      const pending: Promise<void>[] = [];
      for (let k = 0; k < 12; k++) {
        const id = ids[rand(ids.length)];
        const c = ['pause', 'resume', 'cancel', 'move', 'pause', 'resume'][rand(6)];
        // A cancel that comes after the final rename (during the last directory sync) finds the
        // file whole: the download ends complete (see queue-transitions), so it is not obeyed.
        const late = c === 'cancel' && existsSync(path.join(out, `r${ids.indexOf(id)}`));
        if (c === 'pause') pending.push(e.pause(id));
        else if (c === 'resume') e.resume(id);
        else if (c === 'cancel') pending.push(e.cancel(id));
        else e.move(id, rand(ids.length));
        if (c !== 'move' && !late && last.get(id) !== 'cancel' && e.get(id)?.state !== 'complete') last.set(id, c);
        check(`after ${c}`);
        await sleep(rand(3) === 0 ? 0 : rand(25));
      }
      await Promise.all(pending);
      // The commands asked last are obeyed once everything has settled.
      await e.whenIdle();
      for (const [i, id] of ids.entries()) {
        const d = e.get(id);
        const asked = last.get(id);
        if (d?.state === 'complete') {
          expect(asked).not.toBe('cancel');
          expect(sha256(await readFile(path.join(out, `r${i}`)))).toBe(sha256(bodies[i]));
        } else if (asked === 'cancel') {
          expect(d?.state).toBe('cancelled');
          expect(existsSync(path.join(out, `r${i}.part`))).toBe(false);
          expect(existsSync(path.join(out, `r${i}.ferry`))).toBe(false);
        } else if (asked === 'pause') {
          expect(d?.state).toBe('paused');
        } else {
          expect({ i, asked, state: d?.state }).toEqual({ i, asked, state: 'complete' });
        }
      }
      // Everything not cancelled finishes when resumed.
      e.resumeAll();
      await e.whenIdle();
      clearInterval(sampler);
      check('end');
      expect(violations).toEqual([]);
      expect(errors).toEqual([]);
      // Never more responses at once than two receiving downloads of two connections each.
      expect(fx.server.stats.peakActiveResponses).toBeLessThanOrEqual(4);
      for (const [i, id] of ids.entries()) {
        if (e.get(id)?.state === 'cancelled') continue;
        expect(e.get(id)?.state).toBe('complete');
        expect(sha256(await readFile(path.join(out, `r${i}`)))).toBe(sha256(bodies[i]));
      }
      await e.close();
      expect(runs.live).toBe(0);
      const left = existsSync(out) ? (await readdir(out)).filter((f) => f.endsWith('.part') || f.endsWith('.ferry')) : [];
      expect(left).toEqual([]);
    }
  });
});
