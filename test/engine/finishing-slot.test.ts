import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DirSyncs } from '../../src/disk/dir-sync.js';
import { useEngineFixture } from '../helpers/engine-fixture.js';
import { randomBytesSeeded, sha256 } from '../helpers/http-server.js';
import { sleep, waitFor } from '../helpers/wait-for.js';

const KiB = 1024;
const fast = { minSplitSize: 64 * KiB, retryWaitMs: 10, checkpointIntervalMs: 50 };

/** Directory syncs that wait until the test opens the gate (the downloads stay in their finish). */
function gatedDirSyncs(): { dirSyncs: DirSyncs; calls: () => number; open: () => void } {
  let calls = 0;
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const dirSyncs = new DirSyncs(async () => {
    calls++;
    await gate;
  });
  return { dirSyncs, calls: () => calls, open };
}

const fx = useEngineFixture('ferry-finishing-');

describe('a download that only has its disk work left', () => {
  for (const [kind, size, connections, ranges] of [
    ['small files (one response, a temp file)', 64 * KiB, 1, true],
    ['segmented files (ranges, a control file)', 512 * KiB, 2, true],
    ['files from a server without ranges (one connection)', 256 * KiB, 2, false],
  ] as const) {
    it(`gives its slot to the next entry, at most maxActive such: ${kind}`, async () => {
      fx.server.setFaults({ ranges });
      const names = ['a', 'b', 'c', 'd'];
      const bodies = names.map((n) => randomBytesSeeded(size, `${kind}-${n}`));
      // A Last-Modified lets a small file take the small path (a rerun recognizes it).
      const lastModified = new Date(Date.UTC(2024, 0, 1)).toUTCString();
      for (const [i, n] of names.entries()) fx.server.setFile(`/${n}`, { body: bodies[i], lastModified });
      const g = gatedDirSyncs();
      const engine = fx.engine({ maxActive: 1, connections, ...fast }, { dirSyncs: g.dirSyncs });
      const started: string[] = [];
      engine.on('start', (d) => started.push(path.basename(d.url)));
      const ids = names.map((n) => engine.add(fx.server.url(`/${n}`)));
      // The first is renamed and waits for its directory sync: the second starts meanwhile.
      await waitFor(() => g.calls() >= 1 && started.length >= 2);
      expect(engine.get(ids[0])?.state).toBe('active');
      // The second also gets every byte (its directory sync queues behind the first's); two
      // finishing ones never count as free slots for a third.
      await waitFor(() => fx.server.stats.bodyBytesSent >= 2 * size);
      await sleep(300);
      expect(started).toEqual(['a', 'b']);
      expect(engine.list().filter((d) => d.state === 'active')).toHaveLength(2);
      expect(fx.server.stats.peakActiveResponses).toBeLessThanOrEqual(connections);
      g.open();
      await engine.whenIdle();
      expect(started).toEqual(names);
      expect(engine.list().every((d) => d.state === 'complete')).toBe(true);
      // Never more than one download receiving at once (maxActive 1).
      expect(fx.server.stats.peakActiveResponses).toBeLessThanOrEqual(connections);
      for (const [i, n] of names.entries()) expect(sha256(await readFile(path.join(fx.dir, n)))).toBe(sha256(bodies[i]));
    });
  }

  it('a pause or cancel that meets it in its finish, while the next one runs, leaves both consistent (20 rounds)', async () => {
    const lastModified = new Date(Date.UTC(2024, 0, 1)).toUTCString();
    for (let round = 0; round < 20; round++) {
      const a = randomBytesSeeded(256 * KiB, `race-a-${round}`);
      const b = randomBytesSeeded(64 * KiB, `race-b-${round}`);
      fx.server.setFile(`/a${round}`, { body: a, lastModified });
      fx.server.setFile(`/b${round}`, { body: b, lastModified });
      const g = gatedDirSyncs();
      const engine = fx.engine({ maxActive: 1, connections: 2, ...fast }, { dirSyncs: g.dirSyncs });
      const first = engine.add(fx.server.url(`/a${round}`));
      const second = engine.add(fx.server.url(`/b${round}`));
      // The first is renamed and waits for a directory sync (its own, or the second's if that
      // small one got there first: syncs of one directory are shared) while the second runs.
      await waitFor(() => g.calls() >= 1 && existsSync(path.join(fx.dir, `a${round}`)) && engine.get(second)?.state === 'active');
      const cancel = round % 2 === 1;
      const stopping = cancel ? engine.cancel(first) : engine.pause(first);
      if (round % 4 < 2) await sleep(round % 3);
      g.open();
      await stopping;
      await engine.whenIdle();
      expect(engine.get(second)?.state).toBe('complete');
      expect(sha256(await readFile(path.join(fx.dir, `b${round}`)))).toBe(sha256(b));
      const state = engine.get(first)?.state;
      // The file was renamed before the command came: the run ends complete, and so does the
      // entry, after a pause or a cancel alike (it came too late to stop anything).
      expect(state).toBe('complete');
      // The rename came before the stop (its directory sync was under way): the file is whole
      // at its name, and nothing partial is left beside it.
      expect(sha256(await readFile(path.join(fx.dir, `a${round}`)))).toBe(sha256(a));
      expect(existsSync(path.join(fx.dir, `a${round}.part`))).toBe(false);
      expect(existsSync(path.join(fx.dir, `a${round}.ferry`))).toBe(false);
      await engine.close();
    }
  });
});
