import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FerryError } from '../../src/core/errors.js';
import { isGid } from '../../src/store/gid.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/types.js';
import { thrown } from '../helpers/assertions.js';
import { seededRandom } from '../helpers/seeded-random.js';
import { steppingClock, tempDir } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
let file: string;
let store: Store;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  file = path.join(dir, 'ferry.db');
  store = openStore(file, { now: steppingClock(1000) });
});
afterEach(async () => {
  store.close();
  await cleanup();
});

const uri = (n: number | string) => `http://127.0.0.1/${n}`;
const order = () => store.queue().map((d) => d.uris[0]);
const positions = () => store.queue().map((d) => d.position);

const usage = (fn: () => unknown): FerryError => thrown(fn, 'USAGE');

describe('add / get', () => {
  it('stores every field and returns the stored record', () => {
    const options = { connections: 4, headers: { Authorization: 'Bearer s3cret' }, checksum: { algorithm: 'sha-256' as const, hex: 'ab' }, dir: '/d' };
    const added = store.add({ uris: [uri('a'), 'ftp://127.0.0.1/a'], options, dir: '/d', path: '/d/a', totalBytes: 10, completedBytes: 3 });
    expect(isGid(added.gid)).toBe(true);
    expect(added).toEqual({
      gid: added.gid,
      uris: [uri('a'), 'ftp://127.0.0.1/a'],
      options,
      status: 'waiting',
      position: 0,
      dir: '/d',
      path: '/d/a',
      totalBytes: 10,
      completedBytes: 3,
      createdAt: 1000,
    });
    expect(store.get(added.gid)).toEqual(added);
  });

  it('leaves absent fields absent and defaults options to {}', () => {
    const d = store.add({ uris: [uri(1)] });
    expect(d).toEqual({ gid: d.gid, uris: [uri(1)], options: {}, status: 'waiting', position: 0, completedBytes: 0, createdAt: 1000 });
    expect(store.get('0123456789abcdef')).toBeUndefined();
  });

  it('adds paused when asked', () => {
    expect(store.add({ uris: [uri(1)], status: 'paused' }).status).toBe('paused');
  });

  it('inserts at a position, shifting the others, clamped to 0..length', () => {
    store.add({ uris: [uri('a')] });
    store.add({ uris: [uri('b')] });
    expect(store.add({ uris: [uri('c')] }, 1).position).toBe(1);
    expect(order()).toEqual([uri('a'), uri('c'), uri('b')]);
    expect(store.add({ uris: [uri('d')] }, 0).position).toBe(0);
    expect(store.add({ uris: [uri('e')] }, 99).position).toBe(4);
    expect(store.add({ uris: [uri('f')] }, -5).position).toBe(0);
    expect(order()).toEqual([uri('f'), uri('d'), uri('a'), uri('c'), uri('b'), uri('e')]);
    expect(positions()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('uses a given gid, refuses a malformed or used one, and needs URIs', () => {
    const d = store.add({ gid: '00000000000000a1', uris: [uri(1)] });
    expect(d.gid).toBe('00000000000000a1');
    expect(usage(() => store.add({ gid: '00000000000000a1', uris: [uri(2)] })).message).toMatch(/already in use/);
    expect(usage(() => store.add({ gid: '00000000000000A1', uris: [uri(2)] })).message).toMatch(/16 lowercase hex/);
    expect(usage(() => store.add({ gid: '0000000000000000', uris: [uri(2)] })).message).toMatch(/16 lowercase hex/);
    usage(() => store.add({ uris: [] }));
    usage(() => store.add({ uris: [''] }));
    // Nothing of the refused adds was written.
    expect(store.queue().map((q) => q.gid)).toEqual(['00000000000000a1']);
  });

  it('draws a new gid when the generator repeats a used one', async () => {
    store.close();
    const gids = ['00000000000000aa', '00000000000000aa', '00000000000000bb'];
    store = openStore(file, { newGid: () => gids.shift() as string });
    expect(store.add({ uris: [uri(1)] }).gid).toBe('00000000000000aa');
    expect(store.add({ uris: [uri(2)] }).gid).toBe('00000000000000bb');
  });
});

describe('findByPrefix', () => {
  it('finds one, none, ambiguous, and refuses non-hex', () => {
    store.add({ gid: 'abcdef0000000001', uris: [uri(1)] });
    store.add({ gid: 'abcdef0000000002', uris: [uri(2)] });
    store.add({ gid: 'f000000000000000', uris: [uri(3)] });
    const one = store.findByPrefix('abcdef0000000002');
    expect(one.kind === 'one' && one.download.uris).toEqual([uri(2)]);
    const short = store.findByPrefix('F');
    expect(short.kind === 'one' && short.download.gid).toBe('f000000000000000');
    expect(store.findByPrefix('abc')).toEqual({ kind: 'ambiguous', gids: ['abcdef0000000001', 'abcdef0000000002'] });
    expect(store.findByPrefix('abd')).toEqual({ kind: 'none' });
    expect(store.findByPrefix('0')).toEqual({ kind: 'none' });
    for (const bad of ['', 'xyz', 'abcdef00000000011', 'ab%', 'ab_']) expect(store.findByPrefix(bad)).toEqual({ kind: 'invalid' });
  });
});

describe('move', () => {
  it('moves up and down, clamped, and renumbers the others', () => {
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((n) => store.add({ uris: [uri(n)] }).gid);
    expect(store.move(d, 0)).toBe(0);
    expect(order()).toEqual([uri('d'), uri('a'), uri('b'), uri('c')]);
    expect(store.move(d, 2)).toBe(2);
    expect(order()).toEqual([uri('a'), uri('b'), uri('d'), uri('c')]);
    expect(store.move(a, 100)).toBe(3);
    expect(store.move(c, -1)).toBe(0);
    expect(store.move(b, 1)).toBe(1);
    expect(order()).toEqual([uri('c'), uri('b'), uri('d'), uri('a')]);
    expect(positions()).toEqual([0, 1, 2, 3]);
    expect(store.move('0123456789abcdef', 0)).toBeUndefined();
  });

  it('does not move a stopped download', () => {
    const a = store.add({ uris: [uri('a')] }).gid;
    store.setStatus(a, 'complete');
    expect(store.move(a, 0)).toBeUndefined();
    expect(store.get(a)?.position).toBeUndefined();
  });
});

describe('setStatus', () => {
  it('keeps the place among unfinished statuses and stamps startedAt once', () => {
    const [a, b] = ['a', 'b'].map((n) => store.add({ uris: [uri(n)] }).gid);
    const active = store.setStatus(b, 'active');
    expect(active).toMatchObject({ status: 'active', position: 1, startedAt: 1002 });
    expect(store.setStatus(b, 'paused')).toMatchObject({ status: 'paused', position: 1, startedAt: 1002 });
    expect(store.setStatus(b, 'active')?.startedAt).toBe(1002);
    expect(store.get(a)?.position).toBe(0);
    expect(store.setStatus('0123456789abcdef', 'active')).toBeUndefined();
  });

  it('stopping takes it out of the order, stamps finishedAt, records the error, appends to history', () => {
    const [a, b, c] = ['a', 'b', 'c'].map((n) => store.add({ uris: [uri(n)] }).gid);
    const failed = store.setStatus(a, 'error', { errorCode: '3', errorMessage: 'not found', completedBytes: 5, totalBytes: 9, path: '/d/a' });
    expect(failed).toMatchObject({ status: 'error', errorCode: '3', errorMessage: 'not found', completedBytes: 5, totalBytes: 9, path: '/d/a' });
    expect(failed?.position).toBeUndefined();
    expect(failed?.finishedAt).toBe(1003);
    expect(order()).toEqual([uri('b'), uri('c')]);
    expect(positions()).toEqual([0, 1]);
    store.setStatus(c, 'complete');
    expect(store.stopped(0, 10).map((d) => d.gid)).toEqual([a, c]);
    expect(store.get(c)?.errorCode).toBeUndefined();
    expect(positions()).toEqual([0]);
    expect(store.get(b)?.position).toBe(0);
  });

  it('a stopped download changed to another stopped status keeps its place in history', () => {
    const [a, b] = ['a', 'b'].map((n) => store.add({ uris: [uri(n)] }).gid);
    store.setStatus(a, 'error', { errorCode: '1' });
    store.setStatus(b, 'complete');
    const finishedAt = store.get(a)?.finishedAt;
    expect(store.setStatus(a, 'removed')).toMatchObject({ status: 'removed', finishedAt });
    expect(store.stopped(0, 10).map((d) => d.gid)).toEqual([a, b]);
  });

  it('a stopped download made waiting again goes to the end of the queue, out of history', () => {
    const [a, b] = ['a', 'b'].map((n) => store.add({ uris: [uri(n)] }).gid);
    store.setStatus(a, 'error', { errorCode: '6', errorMessage: 'reset' });
    const again = store.setStatus(a, 'waiting');
    expect(again).toMatchObject({ status: 'waiting', position: 1 });
    expect(again?.finishedAt).toBeUndefined();
    expect(again?.errorCode).toBeUndefined();
    expect(store.queue().map((d) => d.gid)).toEqual([b, a]);
    expect(store.stoppedCount()).toBe(0);
  });
});

describe('queue order through stops (positions with gaps)', () => {
  it('random adds, moves, stops and restarts, with and without a reopen: the order, places and answers match a plain list', () => {
    const rnd = seededRandom(99);
    const queue: string[] = [];
    const stopped: string[] = [];
    for (let step = 0; step < 1500; step++) {
      const op = rnd(10);
      if (op < 3 || queue.length === 0) {
        const atEnd = rnd(3) === 0;
        const at = rnd(queue.length + 3) - 1;
        const d = store.add({ uris: [uri(step)] }, atEnd ? undefined : at);
        expect(d.position).toBe(atEnd ? queue.length : Math.min(Math.max(at, 0), queue.length));
        queue.splice(d.position as number, 0, d.gid);
      } else if (op < 5) {
        const gid = queue[rnd(queue.length)];
        const to = rnd(queue.length + 2) - 1;
        const placed = store.move(gid, to);
        const want = Math.min(Math.max(to, 0), queue.length - 1);
        expect(placed).toBe(want);
        queue.splice(queue.indexOf(gid), 1);
        queue.splice(want, 0, gid);
      } else if (op < 8) {
        const gid = queue[rnd(queue.length)];
        store.setStatus(gid, (['complete', 'error', 'removed'] as const)[rnd(3)]);
        queue.splice(queue.indexOf(gid), 1);
        stopped.push(gid);
      } else if (op < 9 && stopped.length > 0) {
        const gid = stopped.splice(rnd(stopped.length), 1)[0];
        expect(store.setStatus(gid, 'waiting')?.position).toBe(queue.length);
        queue.push(gid);
      } else if (queue.length > 0) {
        const gid = queue[rnd(queue.length)];
        expect(store.setStatus(gid, (['active', 'paused', 'waiting'] as const)[rnd(3)])?.position).toBe(queue.indexOf(gid));
      }
      if (step % 500 === 499) {
        store.close();
        store = openStore(file, { now: steppingClock(5000) });
      }
      const q = store.queue();
      expect(q.map((d) => d.gid)).toEqual(queue);
      expect(q.map((d) => d.position)).toEqual(queue.map((_, i) => i));
      const probe = queue[rnd(queue.length)];
      if (probe !== undefined) expect(store.get(probe)?.position).toBe(queue.indexOf(probe));
    }
    expect(
      store
        .stopped(0, 5000)
        .map((d) => d.gid)
        .sort(),
    ).toEqual([...stopped].sort());
  });
});

describe('saveProgress / setOptions / setUris', () => {
  it('records many downloads at once and skips unknown gids', () => {
    const [a, b] = ['a', 'b'].map((n) => store.add({ uris: [uri(n)] }).gid);
    store.saveProgress([
      { gid: a, completedBytes: 10, totalBytes: 100, path: '/d/a' },
      { gid: b, completedBytes: 1 },
      { gid: '0123456789abcdef', completedBytes: 5 },
    ]);
    store.saveProgress([{ gid: a, completedBytes: 20 }]);
    store.saveProgress([]);
    expect(store.get(a)).toMatchObject({ completedBytes: 20, totalBytes: 100, path: '/d/a' });
    expect(store.get(b)).toMatchObject({ completedBytes: 1 });
    expect(store.get(b)?.totalBytes).toBeUndefined();
  });

  it('replaces options and URIs', () => {
    const a = store.add({ uris: [uri('a')], options: { connections: 2 } }).gid;
    expect(store.setOptions(a, { limitRate: 1024, ftpPassword: 'pw' })).toBe(true);
    expect(store.get(a)?.options).toEqual({ limitRate: 1024, ftpPassword: 'pw' });
    expect(store.setUris(a, [uri('b'), uri('c')])).toBe(true);
    expect(store.get(a)?.uris).toEqual([uri('b'), uri('c')]);
    usage(() => store.setUris(a, []));
    expect(store.get(a)?.uris).toEqual([uri('b'), uri('c')]);
    expect(store.setOptions('0123456789abcdef', {})).toBe(false);
    expect(store.setUris('0123456789abcdef', [uri(1)])).toBe(false);
  });
});

describe('history', () => {
  function stopMany(n: number): string[] {
    const gids = Array.from({ length: n }, (_, i) => store.add({ uris: [uri(i)] }).gid);
    for (const g of gids) store.setStatus(g, 'complete');
    return gids;
  }

  it('pages oldest first, newest first, and counts', () => {
    const gids = stopMany(5);
    expect(store.stoppedCount()).toBe(5);
    expect(store.stopped(0, 2).map((d) => d.gid)).toEqual(gids.slice(0, 2));
    expect(store.stopped(3, 10).map((d) => d.gid)).toEqual(gids.slice(3));
    expect(store.stopped(5, 10)).toEqual([]);
    expect(store.stopped(0, 0)).toEqual([]);
    // aria2's tellStopped(-1, 2): the newest two, newest first.
    expect(store.stopped(0, 2, { newestFirst: true }).map((d) => d.gid)).toEqual([gids[4], gids[3]]);
    expect(store.stopped(1, 2, { newestFirst: true }).map((d) => d.gid)).toEqual([gids[3], gids[2]]);
    expect(store.stopped(-3, 1).map((d) => d.gid)).toEqual([gids[0]]);
    expect(store.queue()).toEqual([]);
  });

  it('stoppedSince gives what a copy up to a stop order is missing, in stop order; orders are never given twice', () => {
    const first = stopMany(3);
    const all = store.stoppedSince(0);
    expect(all.map((e) => e.download.gid)).toEqual(first);
    const orders = all.map((e) => e.stopOrder);
    expect(orders).toEqual([...orders].sort((x, y) => x - y));
    expect(all[1].download).toEqual(store.get(first[1]));
    expect(store.stoppedSince(orders[2])).toEqual([]);
    expect(store.stoppedSince(orders[0]).map((e) => e.download.gid)).toEqual(first.slice(1));
    // Removing the newest, or everything, does not let a later stop take an order seen before.
    store.removeResult(first[2]);
    const later = stopMany(1);
    expect(store.stoppedSince(orders[2]).map((e) => e.download.gid)).toEqual(later);
    const seen = store.stoppedSince(0).at(-1)?.stopOrder as number;
    store.purgeResults();
    const last = stopMany(1);
    expect(store.stoppedSince(seen).map((e) => e.download.gid)).toEqual(last);
  });

  it('removes one result and purges all, never touching the queue', () => {
    const gids = stopMany(3);
    const waiting = store.add({ uris: [uri('w')] }).gid;
    expect(store.removeResult(gids[1])).toBe(true);
    expect(store.removeResult(gids[1])).toBe(false);
    expect(store.removeResult(waiting)).toBe(false);
    expect(store.stopped(0, 10).map((d) => d.gid)).toEqual([gids[0], gids[2]]);
    expect(store.purgeResults()).toBe(2);
    expect(store.stoppedCount()).toBe(0);
    expect(store.purgeResults()).toBe(0);
    expect(store.queue().map((d) => d.gid)).toEqual([waiting]);
  });

  it('keeps more than aria2s 1000 results', () => {
    stopMany(1005);
    expect(store.stoppedCount()).toBe(1005);
    expect(store.stopped(1000, 10)).toHaveLength(5);
  });
});

describe('settings', () => {
  it('sets, replaces and deletes in one call, and reads back', () => {
    expect(store.setting('dir')).toBeUndefined();
    expect(store.settings()).toEqual({});
    store.setSettings({ dir: '/data', 'max-concurrent-downloads': '5' });
    store.setSettings({ dir: '/other', 'max-overall-download-limit': '1M', 'max-concurrent-downloads': undefined });
    expect(store.setting('dir')).toBe('/other');
    expect(store.settings()).toEqual({ dir: '/other', 'max-overall-download-limit': '1M' });
  });

  it('survives a reopen, as does everything else', () => {
    store.setSettings({ dir: '/data' });
    const a = store.add({ uris: [uri('a')], options: { userAgent: 'x' } });
    const b = store.add({ uris: [uri('b')] });
    store.setStatus(b.gid, 'complete');
    store.close();
    store = openStore(file);
    expect(store.setting('dir')).toBe('/data');
    expect(store.queue()).toEqual([a]);
    expect(store.stopped(0, 1)[0]).toMatchObject({ gid: b.gid, status: 'complete' });
  });
});

describe('open and close', () => {
  it('brings active downloads back as waiting, in their place', () => {
    const [a, b, c] = ['a', 'b', 'c'].map((n) => store.add({ uris: [uri(n)] }).gid);
    store.setStatus(b, 'active');
    store.setStatus(c, 'paused');
    store.close();
    store = openStore(file);
    expect(store.queue().map((d) => [d.gid, d.status, d.position])).toEqual([
      [a, 'waiting', 0],
      [b, 'waiting', 1],
      [c, 'paused', 2],
    ]);
  });

  it('close is idempotent and later calls fail with a FerryError', () => {
    store.close();
    store.close();
    expect(() => store.queue()).toThrow(FerryError);
    expect(() => store.add({ uris: [uri(1)] })).toThrow(FerryError);
    expect(() => store.saveProgress([{ gid: '0123456789abcdef', completedBytes: 1 }])).toThrow(FerryError);
  });
});
