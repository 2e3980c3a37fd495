/**
 * The status lists' kept texts: a kept text stands for a download only while everything its
 * status object is made of is unchanged. Checked field by field, then by random sequences of
 * changes, orders and key lists against lists encoded afresh.
 */
import { describe, expect, it } from 'vitest';
import type { RpcDownload } from '../../src/rpc/service.js';
import { STATUS_KEYS, sameStatusInput, statusInput, toAria2Status } from '../../src/rpc/status.js';
import { StatusTexts } from '../../src/rpc/status-texts.js';
import { seededRandom } from '../helpers/seeded-random.js';

const sample = (id: string): RpcDownload => ({
  id,
  url: 'http://h/f',
  urls: ['http://h/f', 'http://m/f'],
  path: '/dl/f.bin',
  name: 'f.bin',
  state: 'waiting',
  totalBytes: 1000,
  completedBytes: 10,
  speed: 0,
  connections: 0,
  elapsedMs: 5,
  errorCode: undefined,
  errorMessage: undefined,
  options: { connections: 2 },
  dir: '/dl',
  pieceLength: 1 << 20,
  bitfield: '80',
});

/** A changed value of each field of RpcDownload (every field, so that a new one shows up here). */
const CHANGES: { [K in keyof Required<RpcDownload>]: RpcDownload[K] } = {
  id: 'b'.repeat(16),
  url: 'http://other/f',
  urls: ['http://h/f', 'http://n/f'],
  path: '/dl/g.bin',
  name: 'g.bin',
  state: 'error',
  totalBytes: 1001,
  completedBytes: 11,
  speed: 7,
  connections: 3,
  elapsedMs: 6,
  errorCode: 'NETWORK',
  errorMessage: 'reset',
  options: { connections: 3 },
  dir: '/elsewhere',
  pieceLength: 1 << 21,
  bitfield: 'c0',
};

const fresh = (list: readonly RpcDownload[], keys?: readonly string[]) => JSON.stringify(list.map((d) => toAria2Status(d, keys)));

describe('sameStatusInput', () => {
  it.each(['waiting', 'active', 'error', 'complete'] as const)('is false for every change of a field that shows in the %s status object', (state) => {
    const d = { ...sample('a'.repeat(16)), state };
    const was = statusInput(d);
    for (const [field, value] of Object.entries(CHANGES)) {
      const changed = { ...d, [field]: value } as RpcDownload;
      const shows = JSON.stringify(toAria2Status(changed)) !== JSON.stringify(toAria2Status(d));
      if (shows) expect(sameStatusInput(was, changed), field).toBe(false);
    }
    expect(sameStatusInput(was, { ...d })).toBe(true);
  });

  it('keeps its own copy of the URLs', () => {
    const d = sample('a'.repeat(16));
    const was = statusInput(d);
    d.urls.push('http://third/f');
    expect(sameStatusInput(was, d)).toBe(false);
  });
});

describe('StatusTexts', () => {
  it('encodes exactly what a fresh encoding gives, through random changes, orders and key lists', () => {
    const rnd = seededRandom(12345);
    const texts = new StatusTexts();
    const downloads = Array.from({ length: 40 }, (_, i) => sample(i.toString(16).padStart(16, '0')));
    const keyLists = [undefined, ['gid', 'status'], ['gid', 'files', 'errorMessage'], [...STATUS_KEYS]];
    const fields = Object.keys(CHANGES) as (keyof RpcDownload)[];
    for (let step = 0; step < 3000; step++) {
      // Change some downloads in place (as a service that keeps its objects would) or replace them.
      for (let c = rnd(4); c > 0; c--) {
        const i = rnd(downloads.length);
        const field = fields[rnd(fields.length)];
        const value = rnd(2) === 0 ? CHANGES[field] : sample(downloads[i].id)[field];
        if (field === 'id') continue;
        if (rnd(2) === 0) (downloads[i] as unknown as Record<string, unknown>)[field] = Array.isArray(value) ? [...value] : value;
        else downloads[i] = { ...downloads[i], [field]: value };
        if (field === 'urls' && rnd(3) === 0) downloads[i].urls.push(`http://x${step}/f`);
      }
      const start = rnd(downloads.length);
      const list = downloads.slice(start, start + rnd(downloads.length + 1));
      if (rnd(2) === 0) list.reverse();
      const keys = keyLists[rnd(keyLists.length)];
      const kind = ['waiting', 'stopped'][rnd(2)];
      const encoded = texts.encode(kind, list, keys);
      expect(encoded.json).toBe(fresh(list, keys));
      expect(encoded.value).toEqual(JSON.parse(fresh(list, keys)));
    }
  });

  it('an active download is encoded afresh each time, also when nothing else changed', () => {
    const texts = new StatusTexts();
    const d = { ...sample('a'.repeat(16)), state: 'active' as const, speed: 5 };
    expect(texts.encode('active', [d]).json).toBe(fresh([d]));
    // A service that changes its objects in place: the kept copy must not hide the change.
    d.speed = 6;
    d.completedBytes = 20;
    expect(texts.encode('active', [d]).json).toBe(fresh([d]));
  });

  it('an empty list is []', () => {
    expect(new StatusTexts().encode('waiting', []).json).toBe('[]');
  });
});
