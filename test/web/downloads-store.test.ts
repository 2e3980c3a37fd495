import { describe, expect, it } from 'vitest';
import { type Aria2Status, matches, percentOf, toDownload } from '../../web/src/store/download.js';
import { createDownloadsStore } from '../../web/src/store/downloads-store.js';

const st = (gid: string, status: string, extra: Partial<Aria2Status> = {}): Aria2Status => ({
  gid,
  status,
  totalLength: '100',
  completedLength: '40',
  downloadSpeed: '10',
  connections: '2',
  dir: '/d',
  files: [{ path: '', uris: [{ uri: `http://h/${gid}.bin`, status: 'used' }] }],
  ...extra,
});

describe('toDownload', () => {
  it('names a download from its path, else its URI, else its gid', () => {
    expect(toDownload(st('a', 'active', { files: [{ path: '/d/x y.iso', uris: [] }] })).name).toBe('x y.iso');
    expect(toDownload(st('a', 'active', { files: [{ path: '', uris: [{ uri: 'http://h/p/a%20b.bin', status: 'used' }] }] })).name).toBe('a b.bin');
    expect(toDownload(st('abc', 'waiting', { files: [] })).name).toBe('abc');
  });
  it('shows the error in words, and no speed when not active', () => {
    const d = toDownload(st('a', 'error', { errorCode: '3', errorMessage: 'Resource not found' }));
    expect(d.error).toBe('Not found on the server: Resource not found');
    expect(d.speed).toBe(0);
    expect(d.connections).toBe(0);
  });
  it('lists each URI once and says 100% for a finished 0-byte file', () => {
    const d = toDownload(
      st('a', 'complete', {
        totalLength: '0',
        completedLength: '0',
        files: [
          {
            path: '/d/z',
            uris: [
              { uri: 'http://h/z', status: 'used' },
              { uri: 'http://h/z', status: 'waiting' },
            ],
          },
        ],
      }),
    );
    expect(d.uris).toEqual(['http://h/z']);
    expect(percentOf(d)).toBe('100%');
    expect(percentOf(toDownload(st('b', 'active', { totalLength: '0' })))).toBe('--');
  });
  it('filters by state and searches names and URIs', () => {
    const d = toDownload(st('g1', 'paused'));
    expect(matches(d, 'paused', '')).toBe(true);
    expect(matches(d, 'active', '')).toBe(false);
    expect(matches(d, 'all', 'G1.BIN')).toBe(true);
    expect(matches(d, 'all', 'http://h/')).toBe(true);
    expect(matches(d, 'all', 'nope')).toBe(false);
    expect(matches(toDownload(st('x', 'removed')), 'finished', '')).toBe(true);
    expect(matches(toDownload(st('x', 'error')), 'failed', '')).toBe(true);
  });
});

describe('createDownloadsStore', () => {
  it('orders active, then the queue, then stopped ones newest first', () => {
    const s = createDownloadsStore();
    s.replaceAll([st('a1', 'active')], [st('w1', 'waiting'), st('p1', 'paused')], [st('old', 'complete'), st('new', 'error')]);
    expect(s.list().map((d) => d.gid)).toEqual(['a1', 'w1', 'p1', 'new', 'old']);
  });
  it('moves a download between groups when its state changes, and keeps the list stable otherwise', () => {
    const s = createDownloadsStore();
    s.replaceAll([st('a1', 'active')], [st('w1', 'waiting'), st('w2', 'waiting')], []);
    s.upsert(st('w1', 'waiting', { completedLength: '50' }));
    expect(s.list().map((d) => d.gid)).toEqual(['a1', 'w1', 'w2']);
    s.upsert(st('a1', 'complete'));
    expect(s.list().map((d) => d.gid)).toEqual(['w1', 'w2', 'a1']);
    s.upsert(st('n1', 'active'));
    expect(s.list().map((d) => d.gid)).toEqual(['n1', 'w1', 'w2', 'a1']);
  });
  it('applies progress to known downloads only and tells listeners', () => {
    const s = createDownloadsStore();
    s.replaceAll([st('a1', 'active')], [], []);
    let heard = 0;
    const off = s.subscribe(() => heard++);
    s.applyProgress([{ gid: 'a1', completedLength: '90', totalLength: '100', downloadSpeed: '5', connections: '3' }]);
    s.applyProgress([{ gid: 'zz', completedLength: '1', totalLength: '1', downloadSpeed: '1', connections: '1' }]);
    expect(s.get('a1')?.completed).toBe(90);
    expect(s.get('a1')?.connections).toBe(3);
    expect(heard).toBe(1);
    off();
    s.remove('a1');
    expect(heard).toBe(1);
    expect(s.list()).toEqual([]);
  });
  it('moves inside the queue, clamped', () => {
    const s = createDownloadsStore();
    s.replaceAll([], [st('q1', 'waiting'), st('q2', 'paused'), st('q3', 'waiting')], []);
    s.moveInQueue('q3', 0);
    expect(s.list().map((d) => d.gid)).toEqual(['q3', 'q1', 'q2']);
    s.moveInQueue('q3', 99);
    expect(s.list().map((d) => d.gid)).toEqual(['q1', 'q2', 'q3']);
    s.moveInQueue('nope', 0);
    expect(s.list().map((d) => d.gid)).toEqual(['q1', 'q2', 'q3']);
  });
  it('keeps 1,000 downloads in order through a full poll', () => {
    const s = createDownloadsStore();
    const waiting = Array.from({ length: 1000 }, (_, i) => st(`g${i}`, 'waiting'));
    s.replaceAll([], waiting, []);
    expect(s.list()).toHaveLength(1000);
    expect(s.list()[999].gid).toBe('g999');
    expect(s.list()).toBe(s.list());
  });
});
