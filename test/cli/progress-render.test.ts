import { describe, expect, it } from 'vitest';
import { rowsTaken } from '../../src/cli/live-view.js';
import {
  type ConnectionView,
  displayWidth,
  IDLE_CELL,
  type ProgressModel,
  RETRY_CELL,
  renderLine,
  renderSummary,
  renderTty,
} from '../../src/cli/progress-render.js';
import { stripSgr, unsafeIn } from '../helpers/terminal.js';

const MiB = 1024 * 1024;

function conn(id: number, state: ConnectionView['state'], start: number, end: number, received: number): ConnectionView {
  return { id, state, start, end, received, speed: 100 };
}

/** 10 MiB, half done at 1 MiB/s: 3 active connections and one idle. */
const half: ProgressModel = {
  name: 'file.bin',
  totalBytes: 10 * MiB,
  completedBytes: 5 * MiB,
  speed: MiB,
  elapsedMs: 5000,
  connections: [conn(1, 'active', 0, 100, 100), conn(2, 'active', 100, 200, 50), conn(3, 'active', 200, 300, 0), conn(4, 'idle', 300, 300, 0)],
};

const many = (n: number): ConnectionView[] => Array.from({ length: n }, (_, i) => conn(i, 'active', i * 64, i * 64 + 64, i));

const models: Record<string, ProgressModel> = {
  half,
  unknown: { ...half, totalBytes: undefined },
  zeroBytes: { name: 'empty', totalBytes: 0, completedBytes: 0, speed: 0, elapsedMs: 0, connections: [] },
  oneByte: { ...half, totalBytes: 1, completedBytes: 0, speed: 0, connections: [conn(1, 'active', 0, 1, 0)] },
  connections64: { ...half, connections: many(64) },
  connections1000: { ...half, connections: many(1000) },
  longName: { ...half, name: `${'x'.repeat(300)}.iso`, note: 'n'.repeat(300) },
  wideName: { ...half, name: '日本語のファイル名'.repeat(10), note: '再開しました' },
  hostile: { ...half, name: '\u001b[2J\u001b[Hevil\u202e\r\n.bin', note: 'bad\u0007note\u001b]0;title\u0007' },
  overComplete: { ...half, completedBytes: 20 * MiB },
  garbage: { ...half, completedBytes: NaN, speed: -1, elapsedMs: Infinity, totalBytes: NaN },
};

describe('renderTty invariants', () => {
  const widths = [1, 2, 3, 10, 20, 39, 40, 41, 80, 120, 300];
  for (const [label, model] of Object.entries(models)) {
    it(`${label}: three lines within every width, nothing unsafe`, () => {
      for (const width of widths) {
        const lines = renderTty(model, width);
        expect(lines).toHaveLength(3);
        for (const line of lines) {
          expect(displayWidth(line), `width ${width}: ${JSON.stringify(line)}`).toBeLessThanOrEqual(width);
          expect(unsafeIn(line)).toEqual([]);
          expect(line).not.toMatch(/[\u202a-\u202e]/);
        }
        const coloured = renderTty(model, width, { color: true });
        expect(coloured.map((l) => stripSgr(l))).toEqual(lines);
      }
    });
  }

  it('odd widths are floored and a non-finite width means 80 columns', () => {
    expect(renderTty(half, 40.9)).toEqual(renderTty(half, 40));
    expect(renderTty(half, NaN)).toEqual(renderTty(half, 80));
    expect(renderTty(half, 0)).toEqual(renderTty(half, 1));
  });
});

describe('renderTty lines', () => {
  it('width 80: everything', () => {
    const stats = ' 50%  5.0 MiB / 10.0 MiB  1.0 MiB/s  ETA 5s  3 conn';
    const inner = 80 - stats.length - 1 - 2;
    expect(renderTty(half, 80)).toEqual(['file.bin', `[${'█'.repeat(inner / 2)}${' '.repeat(inner / 2)}] ${stats}`, `█▄▁${IDLE_CELL}`]);
  });

  it('width 40: the least important fields go first', () => {
    expect(renderTty(half, 40)[1]).toBe(`[${'█'.repeat(7)}${' '.repeat(7)}]  50%  1.0 MiB/s  ETA 5s`);
    expect(displayWidth(renderTty(half, 40)[1])).toBe(40);
  });

  it('the bar never grows past 60 columns', () => {
    const line = renderTty(half, 300)[1];
    expect(line.indexOf(']')).toBe(59);
  });

  it('partial cells use eighth blocks', () => {
    // Stats are dropped at width 12; 9/16 of 10 inner columns = 45 eighths = 5 full cells + 5/8.
    expect(renderTty({ ...half, completedBytes: (10 * MiB * 9) / 16 }, 12)[1]).toBe('[█████▋    ]');
    expect(renderTty({ ...half, completedBytes: (10 * MiB * 1) / 80 }, 12)[1]).toBe('[▏         ]');
  });

  it('percent is floored: 99.9% shows 99%, done shows 100%', () => {
    expect(renderTty({ ...half, completedBytes: 10 * MiB - 1 }, 80)[1]).toContain(' 99%');
    const done = renderTty({ ...half, completedBytes: 10 * MiB }, 80)[1];
    expect(done).toContain('100%  10.0 MiB / 10.0 MiB');
    expect(done).toContain('ETA 0s');
    expect(done).not.toMatch(/\[[^\]]* \]/); // a full bar has no gap
  });

  it('a 0-byte file is complete', () => {
    const [name, bar, strip] = renderTty(models.zeroBytes, 40);
    expect(name).toBe('empty');
    expect(bar).toMatch(/^\[█+\] 100% {2}0 B\/s {2}ETA 0s$/);
    expect(bar.length).toBe(40);
    expect(strip).toBe('');
    expect(renderTty(models.zeroBytes, 80)[1]).toMatch(/^\[█+\] 100% {2}0 B \/ 0 B {2}0 B\/s {2}ETA 0s {2}0 conn$/);
  });

  it('1 byte, nothing received yet, no speed: ETA unknown', () => {
    expect(renderTty(models.oneByte, 80)[1]).toMatch(/^\[ +\] {3}0% {2}0 B \/ 1 B {2}0 B\/s {2}ETA -- {2}1 conn$/);
  });

  it('unknown size: a moving block, no percent, no ETA', () => {
    const at = (elapsedMs: number): string => renderTty({ ...half, totalBytes: undefined, elapsedMs }, 40)[1];
    expect(at(0)).toMatch(/^\[███ +\] 5\.0 MiB {2}1\.0 MiB\/s {2}3 conn$/);
    expect(at(0)).not.toMatch(/%|ETA/);
    expect(at(300)).not.toBe(at(0));
    expect(at(300).indexOf('█')).toBe(4); // three steps of 100 ms
    // It bounces: positions stay inside the bar and come back.
    const bar = /^\[[^\]]*\]/;
    const positions = Array.from({ length: 200 }, (_, i) => at(i * 100).indexOf('█'));
    const width = (bar.exec(at(0)) as RegExpExecArray)[0].length;
    expect(Math.min(...positions)).toBe(1);
    expect(Math.max(...positions)).toBe(width - 4);
    for (let i = 0; i < 200; i++) expect((bar.exec(at(i * 100)) as RegExpExecArray)[0].length).toBe(width);
  });

  it('name and note share line 1; a long name is cut in the middle and keeps its extension', () => {
    expect(renderTty({ ...half, note: 'one connection' }, 80)[0]).toBe('file.bin  one connection');
    const line = renderTty(models.longName, 40)[0];
    expect(line).toBe(`${'x'.repeat(10)}…${'x'.repeat(5)}.iso  ${'n'.repeat(17)}…`);
    expect(displayWidth(line)).toBe(40);
  });

  it('wide characters count two columns', () => {
    expect(displayWidth('日本')).toBe(4);
    expect(displayWidth('e\u0301')).toBe(1);
    const line = renderTty(models.wideName, 40)[0];
    expect(displayWidth(line)).toBeLessThanOrEqual(40);
    expect(displayWidth(line)).toBeGreaterThanOrEqual(39);
  });

  it('control characters from names and notes are neutralised', () => {
    const line = renderTty(models.hostile, 200)[0];
    // Escape sequences go whole (payloads too), line breaks become spaces, the bidi override a `?`.
    expect(line).toBe('evil?  .bin  bad?note');
    expect(renderLine(models.hostile)).toMatch(/^evil\? {2}\.bin: .* \(bad\?note\)$/);
    expect(renderSummary({ name: models.hostile.name, path: 'dl/\u009b2Jx', bytes: 1, elapsedMs: 1 })).toMatch(/^evil\? {2}\.bin: .* -> dl\/x$/);
  });

  it('a URL shown as the name has its password hidden', () => {
    const model = { ...half, name: 'ftp://ann:s3cret@host/f.bin', note: 'retrying: host: ftp://ann:s3cret@host/f.bin failed' };
    for (const text of [...renderTty(model, 200), renderLine(model)]) expect(text).not.toContain('s3cret');
    expect(renderTty(model, 200)[0]).toBe('ftp://ann:***@host/f.bin  retrying: host: ftp://ann:***@host/f.bin failed');
    expect(renderSummary({ name: model.name, path: model.name, bytes: 1, elapsedMs: 1 })).toMatch(/^ftp:\/\/ann:\*\*\*@host\/f\.bin: /);
  });
});

describe('connection strip', () => {
  it('one cell per connection, ordered by segment start, heights by segment progress', () => {
    const cs = [
      conn(7, 'active', 800, 900, 100),
      conn(1, 'active', 0, 800, 0),
      conn(3, 'retrying', 900, 1000, 10),
      conn(2, 'active', 1000, 1008, 1),
      conn(9, 'active', 1008, 1008, 0), // empty segment counts as complete
      conn(4, 'idle', 1008, 1008, 0),
      conn(5, 'active', 2000, 2008, 7),
      conn(6, 'active', 3000, 3008, 4),
    ];
    expect(renderTty({ ...half, connections: cs }, 80)[2]).toBe(`▁█${RETRY_CELL}▁${IDLE_CELL}█▇▄`);
  });

  it('64 connections fill 64 cells at width 80', () => {
    const strip = renderTty(models.connections64, 80)[2];
    expect(Array.from(strip)).toHaveLength(64);
    expect(Array.from(strip)[0]).toBe('▁'); // 0 of 64
    expect(Array.from(strip)[63]).toBe('▇'); // 63 of 64: not complete, so not the full block
  });

  it('64 connections at width 40: two per cell, 32 cells', () => {
    const strip = Array.from(renderTty(models.connections64, 40)[2]);
    expect(strip).toHaveLength(32);
    expect(strip[0]).toBe('▁'); // (0 + 1) / 128
    expect(strip[16]).toBe('▄'); // (32 + 33) / 128 = 0.51
  });

  it('a group with a retrying connection shows as retrying; an all-idle group as idle', () => {
    const cs = [conn(1, 'active', 0, 10, 10), conn(2, 'retrying', 10, 20, 0), conn(3, 'idle', 20, 20, 0), conn(4, 'idle', 30, 30, 0)];
    expect(renderTty({ ...half, connections: cs }, 2)[2]).toBe(`${RETRY_CELL}${IDLE_CELL}`);
  });

  it('1000 connections at width 40 still fit', () => {
    expect(Array.from(renderTty(models.connections1000, 40)[2]).length).toBeLessThanOrEqual(40);
  });
});

describe('renderLine', () => {
  it.each<[ProgressModel, string]>([
    [half, 'file.bin: 50% 5.0 MiB / 10.0 MiB 1.0 MiB/s ETA 5s 3 conn'],
    [{ ...half, note: 'retrying: timeout' }, 'file.bin: 50% 5.0 MiB / 10.0 MiB 1.0 MiB/s ETA 5s 3 conn (retrying: timeout)'],
    [models.unknown, 'file.bin: 5.0 MiB 1.0 MiB/s 3 conn'],
    [models.zeroBytes, 'empty: 100% 0 B / 0 B 0 B/s ETA 0s 0 conn'],
    [models.oneByte, 'file.bin: 0% 0 B / 1 B 0 B/s ETA -- 1 conn'],
    [{ ...half, name: 'a\u001bb\u0007', note: 'x\ny' }, 'a?: 50% 5.0 MiB / 10.0 MiB 1.0 MiB/s ETA 5s 3 conn (x y)'],
  ])('%#', (model, line) => {
    expect(renderLine(model)).toBe(line);
  });

  it('is short even for a 1000-character name', () => {
    const line = renderLine({ ...half, name: 'n'.repeat(1000) });
    expect(line.length).toBeLessThan(120);
    expect(line).toContain('…');
  });
});

describe('renderSummary', () => {
  it.each<[Parameters<typeof renderSummary>[0], string]>([
    [{ name: 'a.iso', path: 'dl/a.iso', bytes: 30 * MiB, elapsedMs: 15_000 }, 'a.iso: 30.0 MiB in 15s, 2.0 MiB/s average -> dl/a.iso'],
    [
      { name: 'a.iso', path: 'dl/a.iso', bytes: 30 * MiB, elapsedMs: 125_000, resumedBytes: 5 * MiB },
      'a.iso: 30.0 MiB in 2m05s, 204.8 KiB/s average (5.0 MiB resumed) -> dl/a.iso',
    ],
    [{ name: 'e', path: 'dl/e', bytes: 0, elapsedMs: 3 }, 'e: 0 B in 0.0s, 0 B/s average -> dl/e'],
    [{ name: 'e', path: 'e', bytes: 0, elapsedMs: 0 }, 'e: 0 B in 0.0s'],
    [{ name: 'one', path: 'one', bytes: 1, elapsedMs: 500 }, 'one: 1 B in 0.5s, 2 B/s average'],
    [{ name: 'r', path: 'r', bytes: 10, elapsedMs: 1000, resumedBytes: 10 }, 'r: 10 B in 1.0s, 0 B/s average (10 B resumed)'],
    [{ name: 'x\u001b', path: '/t/x\u001b', bytes: 1024, elapsedMs: 60_000 }, 'x: 1.0 KiB in 1m00s, 17 B/s average -> /t/x'],
  ])('%#', (summary, line) => {
    expect(renderSummary(summary)).toBe(line);
  });
});

describe('renderSummary within a width', () => {
  const longName = `${'a'.repeat(70)}.iso`;
  const longPath = `/home/someone/${'d'.repeat(60)}/${longName}`;
  const lines = (s: string): string[] => s.split('\n');

  it.each([80, 60, 100])('a long name and path: every line fits %i columns, the path on its own line, both extensions visible', (width) => {
    const text = renderSummary({ name: longName, path: longPath, bytes: 3 * MiB, elapsedMs: 1500, resumedBytes: MiB }, width);
    for (const l of lines(text)) expect(displayWidth(l)).toBeLessThanOrEqual(width);
    const [first, second] = lines(text);
    expect(first).toMatch(/^a+…a*\.iso: 3\.0 MiB in 1\.5s/);
    expect(second).toMatch(/^ {2}-> \/home\/.*…a*\.iso$/);
    if (width >= 100) expect(first).toMatch(/, 1\.3 MiB\/s average \(1\.0 MiB resumed\)$/);
  });

  it('a path alone (name = path) is cut in the middle on one line; a line that fits is left as it is', () => {
    const text = renderSummary({ name: longPath, path: longPath, bytes: 1, elapsedMs: 1 });
    expect(lines(text)).toHaveLength(1);
    expect(displayWidth(text)).toBeLessThanOrEqual(80);
    expect(text).toMatch(/^\/home\/.*….*\.iso: 1 B in 0\.0s, 1000 B\/s average$/);
    const short = { name: 'a.iso', path: 'dl/a.iso', bytes: 30 * MiB, elapsedMs: 15_000 };
    expect(renderSummary(short, 80)).toBe('a.iso: 30.0 MiB in 15s, 2.0 MiB/s average -> dl/a.iso');
  });
});

describe('rowsTaken (what the live view erases)', () => {
  it.each<[number[], number, number]>([
    [[119, 119, 40], 120, 3],
    [[119, 119, 40], 60, 2 + 2 + 1],
    [[0, 1, 60, 61], 60, 1 + 1 + 1 + 2],
    [[79], 1, 79],
  ])('%j at %i columns: %i rows', (widths, columns, rows) => {
    expect(rowsTaken(widths, columns)).toBe(rows);
  });
});
