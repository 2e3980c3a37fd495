import { afterEach, describe, expect, it } from 'vitest';
import { mirrorEntry, mirrorList, mirrorParticipants } from '../lib/mirror-participants.js';
import { type MirrorServer, startMirrorServer } from '../lib/mirror-server.js';
import { mirrorTargets } from '../lib/targets.js';
import type { CellSummary } from '../lib/types.js';

describe('mirror participants', () => {
  it('one aria2-style entry: TAB-separated URIs, out= and split=', () => {
    expect(mirrorList([mirrorEntry(['http://a/f', 'http://b/f'], 'f.bin')], 6)).toBe('http://a/f\thttp://b/f\n  out=f.bin\n  split=6\n');
  });

  it('ferry and aria2c: the same split, per-mirror limit and minimum split', () => {
    const [ferry, aria2c] = mirrorParticipants('ferry', { split: 6, perHost: 2, minSplit: '1M' });
    const job = { listFile: 'l', dir: 'd', jobs: 1 };
    expect(ferry.args(job)).toEqual(['-i', 'l', '-n', '6', '--max-connections-per-host', '2', '--min-split-size', '1M', '-d', 'd', '-q']);
    expect(aria2c.args(job).slice(0, 5)).toEqual(['-i', 'l', '-x2', '-s6', '--min-split-size=1M']);
  });
});

describe('mirrorTargets', () => {
  const cell = (scenario: 'mirrors' | 'mirrors-mixed', participant: string, wall: number, pct: number): CellSummary => ({
    scenario,
    participant,
    status: 'ok',
    runs: [],
    medianWallSec: wall,
    mibPerSec: 100 / wall,
    pctIdeal: pct,
  });
  it('mirrors: >= 95 % and ahead of aria2c; mixed: ahead of aria2c', () => {
    const t = mirrorTargets([
      cell('mirrors', 'ferry', 1.8, 96),
      cell('mirrors', 'aria2c', 2, 90),
      cell('mirrors-mixed', 'ferry', 3, 60),
      cell('mirrors-mixed', 'aria2c', 2.5, 70),
    ]);
    expect(t.map((x) => [x.target, x.pass])).toEqual([
      ['mirrors: >= 95 % of 60 MB/s', true],
      ['mirrors: faster than aria2c', true],
      ['mirrors-mixed: faster than aria2c', false],
    ]);
  });
  it('nothing to judge without the scenarios', () => {
    expect(mirrorTargets([])).toEqual([]);
  });
});

describe('mirror server', () => {
  let server: MirrorServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('queues requests beyond its slots, paces them, and fails mid-way until reset', async () => {
    const body = Buffer.alloc(200_000, 7);
    server = await startMirrorServer({ host: '127.0.0.2', path: '/f', body, rateBytesPerSec: 2_000_000, slots: 2, failAfterBytes: 700_000 });
    const started = performance.now();
    const all = await Promise.all([0, 1, 2].map(() => fetch(server?.url as string).then(async (r) => [r.status, (await r.arrayBuffer()).byteLength])));
    expect(all).toEqual([
      [200, 200_000],
      [200, 200_000],
      [200, 200_000],
    ]);
    // Two at once, the third after them: about 0.2 s in all at 2 MB/s per response.
    expect(performance.now() - started).toBeGreaterThan(150);
    expect(server.peakActive()).toBe(2);
    expect(server.bytesSent()).toBe(600_000);
    // The fourth response passes 700 kB: it is cut, and every later request gets 404.
    await expect(fetch(server.url).then((r) => r.arrayBuffer())).rejects.toThrow();
    expect((await fetch(server.url)).status).toBe(404);
    server.reset();
    const again = await fetch(server.url, { headers: { range: 'bytes=10-19' } });
    expect([again.status, (await again.arrayBuffer()).byteLength]).toEqual([206, 10]);
  });
});
