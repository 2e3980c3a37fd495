import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FerryError } from '../../src/core/errors.js';
import { type ControlState, decodeControl, encodeControl, loadControl, removeControl, saveControl } from '../../src/disk/control-file.js';
import { thrown } from '../helpers/assertions.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/control-v1.ferry', import.meta.url));

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ferry-control-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const fsError = (fn: () => unknown): FerryError => thrown(fn, 'FILE_SYSTEM');

const MAX = Number.MAX_SAFE_INTEGER;

const STATES: [string, ControlState][] = [
  ['minimal', { version: 1, url: 'http://127.0.0.1/f', done: [] }],
  ['size 0, nothing done', { version: 1, url: 'http://h/f', size: 0, done: [] }],
  ['1 byte, done', { version: 1, url: 'http://h/f', size: 1, done: [{ start: 0, end: 1 }] }],
  [
    'all fields',
    {
      version: 1,
      url: 'https://h/p?q="x"&r=\u00e9\u{1F600}',
      size: 1000,
      etag: 'W/"a\\b"',
      lastModified: 'Tue, 01 Oct 2024 10:00:00 GMT',
      createdAt: '2024-10-01T10:00:00.000Z',
      done: [
        { start: 0, end: 10 },
        { start: 10, end: 20 },
        { start: 999, end: 1000 },
      ],
    },
  ],
  ['unknown size', { version: 1, url: 'ftp://h/f', done: [{ start: 0, end: MAX }] }],
  ['empty etag', { version: 1, url: 'http://h/f', etag: '', size: MAX, done: [{ start: MAX - 1, end: MAX }] }],
  [
    'written ranges and boot id',
    {
      version: 1,
      url: 'http://h/f',
      size: 100,
      done: [{ start: 0, end: 10 }],
      boot: '0f6a5d1e-3c1b-4d7e-9a55-2b1f0c8e7d64',
      written: [
        { start: 10, end: 20 },
        { start: 99, end: 100 },
      ],
    },
  ],
  ['one written byte, nothing synced', { version: 1, url: 'http://h/f', size: 1, done: [], boot: 'b', written: [{ start: 0, end: 1 }] }],
];

describe('encodeControl / decodeControl', () => {
  it.each(STATES)('round-trips %s', (_name, state) => {
    const text = encodeControl(state);
    expect(decodeControl(text, 'f.ferry')).toEqual(state);
    expect(encodeControl(decodeControl(text, 'f.ferry'))).toBe(text);
  });

  it('writes the marker first, then the version, and ranges as pairs', () => {
    const text = encodeControl(STATES[3][1]);
    const keys = Object.keys(JSON.parse(text));
    expect(keys.slice(0, 3)).toEqual(['ferry', 'version', 'url']);
    expect(text.startsWith('{\n  "ferry": "control",\n  "version": 1,\n')).toBe(true);
    expect(JSON.parse(text).done).toEqual([
      [0, 10],
      [10, 20],
      [999, 1000],
    ]);
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('omits absent optional keys and drops keys it does not know', () => {
    const state = { version: 1, url: 'u', done: [], extra: 1 } as ControlState;
    expect(Object.keys(JSON.parse(encodeControl(state)))).toEqual(['ferry', 'version', 'url', 'done']);
    const decoded = decodeControl('{"ferry":"control","version":1,"url":"u","done":[],"future":{"x":1}}', 'f');
    expect(decoded).toEqual({ version: 1, url: 'u', done: [] });
  });

  it('accepts a byte order mark and any whitespace', () => {
    const text = '\uFEFF { "version" : 1 , "done" : [ [ 0 , 1 ] ] , "url" : "u" , "ferry" : "control" }';
    expect(decodeControl(text, 'f')).toEqual({ version: 1, url: 'u', done: [{ start: 0, end: 1 }] });
  });

  const base = { ferry: 'control', version: 1, url: 'http://h/f', size: 100, done: [[0, 10]] };
  const variant = (patch: Record<string, unknown>): string => JSON.stringify({ ...base, ...patch });
  it.each([
    ['not JSON', '{"ferry": "control",', 'not valid JSON'],
    ['empty text', '', 'not valid JSON'],
    ['truncated', encodeControl({ version: 1, url: 'u', done: [] }).slice(0, 30), 'not valid JSON'],
    ['an array', '[]', 'not a JSON object'],
    ['null', 'null', 'not a JSON object'],
    ['a string', '"control"', 'not a JSON object'],
    ['no marker', JSON.stringify({ ...base, ferry: undefined }), '"ferry": "control"'],
    ['wrong marker', variant({ ferry: 'aria2' }), '"ferry": "control"'],
    ['no version', JSON.stringify({ ...base, version: undefined }), '"version" must be 1'],
    ['version 0', variant({ version: 0 }), '"version" must be 1'],
    ['version "1"', variant({ version: '1' }), '"version" must be 1'],
    ['version 1.5', variant({ version: 1.5 }), '"version" must be 1'],
    ['no url', JSON.stringify({ ...base, url: undefined }), '"url"'],
    ['empty url', variant({ url: '' }), '"url"'],
    ['numeric url', variant({ url: 5 }), '"url"'],
    ['negative size', variant({ size: -1 }), '"size"'],
    ['fractional size', variant({ size: 1.5 }), '"size"'],
    ['string size', variant({ size: '100' }), '"size"'],
    ['null size', variant({ size: null }), '"size"'],
    ['unsafe size', variant({ size: 2 ** 53 }), '"size"'],
    ['numeric etag', variant({ etag: 1 }), '"etag"'],
    ['null lastModified', variant({ lastModified: null }), '"lastModified"'],
    ['object createdAt', variant({ createdAt: {} }), '"createdAt"'],
    ['no done', JSON.stringify({ ...base, done: undefined }), '"done"'],
    ['done object', variant({ done: { 0: [0, 1] } }), '"done"'],
    ['range not a pair', variant({ done: [[0, 1, 2]] }), '"done"[0]'],
    ['range an object', variant({ done: [{ start: 0, end: 1 }] }), '"done"[0]'],
    ['range of strings', variant({ done: [['0', '1']] }), '"done"[0]'],
    ['negative start', variant({ done: [[-1, 1]] }), '"done"[0]'],
    ['fractional end', variant({ done: [[0, 1.5]] }), '"done"[0]'],
    ['empty range', variant({ done: [[5, 5]] }), 'empty or reversed'],
    ['reversed range', variant({ done: [[6, 5]] }), 'empty or reversed'],
    [
      'unsorted',
      variant({
        done: [
          [20, 30],
          [0, 10],
        ],
      }),
      'overlaps or precedes',
    ],
    [
      'overlapping',
      variant({
        done: [
          [0, 10],
          [9, 20],
        ],
      }),
      'overlaps or precedes',
    ],
    [
      'duplicate',
      variant({
        done: [
          [0, 10],
          [0, 10],
        ],
      }),
      '"done"[1]',
    ],
    ['past size', variant({ done: [[90, 101]] }), 'past the size 100'],
    ['written not an array', variant({ boot: 'b', written: 5 }), '"written"'],
    ['written range not a pair', variant({ boot: 'b', written: [[10]] }), '"written"[0]'],
    ['written past size', variant({ boot: 'b', written: [[90, 101]] }), '"written"[0] [90, 101] ends past the size 100'],
    [
      'written unsorted',
      variant({
        boot: 'b',
        written: [
          [50, 60],
          [20, 30],
        ],
      }),
      '"written"[1] [20, 30] overlaps or precedes',
    ],
    ['written empty range', variant({ boot: 'b', written: [[20, 20]] }), '"written"[0] [20, 20] is empty'],
    ['numeric boot', variant({ boot: 7, written: [[20, 30]] }), '"boot"'],
    ['nothing fits size 0', variant({ size: 0, done: [[0, 1]] }), 'past the size 0'],
  ])('rejects %s', (_name, text, why) => {
    const e = fsError(() => decodeControl(text, '/dl/f.iso.ferry'));
    expect(e.message).toContain('/dl/f.iso.ferry');
    expect(e.message).toContain(why);
    expect(e.hint).toBe('delete /dl/f.iso.ferry to start over');
  });

  it('rejects a newer version with a clear message and hint', () => {
    const e = fsError(() => decodeControl(variant({ version: 2 }), '/dl/f.ferry'));
    expect(e.message).toContain('newer ferry');
    expect(e.message).toContain('version 2');
    expect(e.hint).toContain('delete /dl/f.ferry to start over');
  });

  it('refuses to encode an invalid state', () => {
    const bad: ControlState[] = [
      { version: 1, url: '', done: [] },
      { version: 2 as 1, url: 'u', done: [] },
      { version: 1, url: 'u', size: 5, done: [{ start: 0, end: 6 }] },
      { version: 1, url: 'u', done: [{ start: 3, end: 3 }] },
      {
        version: 1,
        url: 'u',
        done: [
          { start: 3, end: 4 },
          { start: 0, end: 1 },
        ],
      },
    ];
    for (const s of bad) expect(fsError(() => encodeControl(s)).message).toContain('invalid control state');
  });
});

describe('the saved version 1 fixture', () => {
  it('decodes to the expected state, forever', async () => {
    const state = decodeControl(await fs.readFile(FIXTURE, 'utf8'), FIXTURE);
    expect(state).toEqual({
      version: 1,
      url: 'https://downloads.example.org/releases/ferry-1.0.tar.gz?sig=a%2Fb&x=1',
      size: 10_485_760,
      etag: '"5f3c-61a2b7e0d4c80"',
      lastModified: 'Tue, 01 Oct 2024 10:00:00 GMT',
      createdAt: '2024-10-01T10:05:12.345Z',
      done: [
        { start: 0, end: 1_048_576 },
        { start: 2_097_152, end: 3_145_728 },
        { start: 3_145_729, end: 4_194_304 },
        { start: 10_485_759, end: 10_485_760 },
      ],
    });
    expect(await loadControl(FIXTURE)).toEqual(state);
  });
});

describe('the saved fixture with written ranges and a boot id', () => {
  it('decodes to the expected state, forever, and re-encodes to the same text', async () => {
    const file = fileURLToPath(new URL('../fixtures/control-v1-written.ferry', import.meta.url));
    const text = await fs.readFile(file, 'utf8');
    const state = decodeControl(text, file);
    expect(state).toEqual({
      version: 1,
      url: 'https://downloads.example.org/releases/ferry-1.0.tar.gz',
      size: 10_485_760,
      etag: '"5f3c-61a2b7e0d4c80"',
      createdAt: '2024-10-01T10:05:12.345Z',
      done: [{ start: 0, end: 1_048_576 }],
      boot: '0f6a5d1e-3c1b-4d7e-9a55-2b1f0c8e7d64',
      written: [
        { start: 1_048_576, end: 1_310_720 },
        { start: 5_242_880, end: 5_308_416 },
      ],
    });
    expect(encodeControl(state)).toBe(text);
  });
});

describe('saveControl / loadControl / removeControl', () => {
  const state: ControlState = { version: 1, url: 'http://h/f', size: 10, done: [{ start: 0, end: 4 }] };

  it('loads undefined when there is no control file', async () => {
    expect(await loadControl(path.join(dir, 'none.ferry'))).toBeUndefined();
  });

  it('saves atomically, leaves no temporary file, and replaces the previous state', async () => {
    const p = path.join(dir, 'f.ferry');
    await saveControl(p, state);
    expect(await loadControl(p)).toEqual(state);
    const next = {
      ...state,
      done: [
        { start: 0, end: 4 },
        { start: 6, end: 10 },
      ],
    };
    await saveControl(p, next);
    expect(await loadControl(p)).toEqual(next);
    expect(await fs.readFile(p, 'utf8')).toBe(encodeControl(next));
    expect(await fs.readdir(dir)).toEqual(['f.ferry']);
  });

  it('overwrites a stale temporary file left by an earlier crash', async () => {
    const p = path.join(dir, 'f.ferry');
    await fs.writeFile(`${p}.tmp`, 'garbage from a crash, longer than the state itself'.repeat(10));
    await saveControl(p, state);
    expect(await fs.readFile(p, 'utf8')).toBe(encodeControl(state));
    expect(await fs.readdir(dir)).toEqual(['f.ferry']);
  });

  it('survives being replaced by another file between saves', async () => {
    const p = path.join(dir, 'f.ferry');
    await saveControl(p, state);
    await fs.rm(p);
    await fs.writeFile(p, 'junk');
    await expect(loadControl(p)).rejects.toMatchObject({ code: 'FILE_SYSTEM' });
    await saveControl(p, state);
    expect(await loadControl(p)).toEqual(state);
  });

  it('leaves the old file intact when a save fails midway', async () => {
    const p = path.join(dir, 'f.ferry');
    await saveControl(p, state);
    // A directory squatting on the temporary name makes the write fail.
    await fs.mkdir(`${p}.tmp`);
    const next = { ...state, done: [{ start: 0, end: 10 }] };
    const e = await saveControl(p, next).catch((err: unknown) => err);
    expect(e).toMatchObject({ code: 'FILE_SYSTEM' });
    expect((e as FerryError).message).toContain(p);
    expect(await loadControl(p)).toEqual(state);
  });

  it('never lets a concurrent reader see a partial file', async () => {
    const p = path.join(dir, 'f.ferry');
    const states = Array.from({ length: 40 }, (_, i) => ({
      ...state,
      url: `http://h/${'x'.repeat(i * 50)}`,
      done: [{ start: 0, end: 1 + (i % 10) }],
    }));
    await saveControl(p, states[0]);
    let saving = true;
    const reads: (ControlState | undefined)[] = [];
    // loadControl reads on the calling thread: yield to the event loop between reads, so the
    // saves (whose steps run on the thread pool) go on while the reader keeps reading.
    const reader = (async () => {
      while (saving) {
        reads.push(await loadControl(p));
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    for (const s of states) await saveControl(p, s);
    saving = false;
    await reader;
    expect(reads.length).toBeGreaterThan(0);
    for (const r of reads) expect(states).toContainEqual(r);
    expect(await loadControl(p)).toEqual(states[39]);
  });

  it('does not touch the old file when the state is invalid', async () => {
    const p = path.join(dir, 'f.ferry');
    await saveControl(p, state);
    const bad = { ...state, done: [{ start: 0, end: 11 }] };
    await expect(saveControl(p, bad)).rejects.toMatchObject({ code: 'FILE_SYSTEM' });
    expect(await loadControl(p)).toEqual(state);
    expect(await fs.readdir(dir)).toEqual(['f.ferry']);
  });

  it('reports a save into a missing directory', async () => {
    const p = path.join(dir, 'missing', 'f.ferry');
    const e = await saveControl(p, state).catch((err: unknown) => err as FerryError);
    expect(e).toBeInstanceOf(FerryError);
    expect((e as FerryError).code).toBe('FILE_SYSTEM');
    expect((e as FerryError).message).toContain(p);
  });

  it('reports a corrupt or unreadable file as FILE_SYSTEM', async () => {
    const p = path.join(dir, 'f.ferry');
    await fs.writeFile(p, '{"ferry":"control","version":1,"url":"u","done":[[0,');
    await expect(loadControl(p)).rejects.toMatchObject({ code: 'FILE_SYSTEM', hint: `delete ${p} to start over` });
    await expect(loadControl(dir)).rejects.toMatchObject({ code: 'FILE_SYSTEM' });
  });

  it('removes the control file and leftover temporary files, and nothing else', async () => {
    const p = path.join(dir, 'f.ferry');
    await saveControl(p, state);
    await fs.writeFile(`${p}.tmp-12345`, 'x');
    await fs.writeFile(`${p}.tmp-notapid`, 'x');
    await fs.writeFile(`${p}.tmp`, 'x');
    await fs.writeFile(path.join(dir, 'g.ferry.tmp-1'), 'x');
    await fs.writeFile(path.join(dir, 'g.ferry.tmp'), 'x');
    await fs.writeFile(path.join(dir, 'f'), 'x');
    await removeControl(p);
    expect((await fs.readdir(dir)).sort()).toEqual(['f', 'f.ferry.tmp-notapid', 'g.ferry.tmp', 'g.ferry.tmp-1']);
    // A control file this process made: no listing, but the one temp name a crashed save of any
    // run leaves is removed all the same (a run that found no control file still cleans it).
    await saveControl(p, state);
    await fs.writeFile(`${p}.tmp`, 'x');
    await fs.writeFile(`${p}.tmp-777`, 'x');
    await removeControl(p, { leftovers: false });
    expect((await fs.readdir(dir)).sort()).toEqual(['f', 'f.ferry.tmp-777', 'f.ferry.tmp-notapid', 'g.ferry.tmp', 'g.ferry.tmp-1']);
    await removeControl(p);
    await removeControl(path.join(dir, 'missing', 'f.ferry'));
  });
});
