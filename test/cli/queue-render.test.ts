import { describe, expect, it } from 'vitest';
import { stripSgr, unsafeIn } from '../helpers/terminal.js';

const ESC = String.fromCharCode(0x1b);

import { keyCommand } from '../../src/cli/keys.js';
import { displayWidth } from '../../src/cli/progress-render.js';
import { QUEUE_FOOTER, type QueueItemState, type QueueItemView, type QueueRenderOptions, renderQueue, renderSummaryTable } from '../../src/cli/queue-render.js';

const MiB = 1024 * 1024;
const plain = (lines: string[]): string[] => lines.map(stripSgr);

function item(id: string, state: QueueItemState, extra: Partial<QueueItemView> = {}): QueueItemView {
  return { id, url: `http://127.0.0.1/${id}`, name: `${id}.bin`, state, completedBytes: 0, speed: 0, connections: 0, elapsedMs: 0, ...extra };
}

/** 10 MiB, half done at 1 MiB/s on 8 connections. */
const half = item('half', 'active', { totalBytes: 10 * MiB, completedBytes: 5 * MiB, speed: MiB, connections: 8, elapsedMs: 5000 });
const hostileName = '\u001b[2J\u001b[Hevil\u202e\r\n\u0007\u009b.bin';

/** A queue of `n` items in every state, in a fixed pattern. */
function queue(n: number): QueueItemView[] {
  const states: QueueItemState[] = ['active', 'waiting', 'complete', 'error', 'paused', 'waiting', 'cancelled', 'waiting'];
  return Array.from({ length: n }, (_, i) =>
    item(`f${i}`, states[i % states.length], {
      totalBytes: i % 3 === 0 ? undefined : (i + 1) * 1000,
      completedBytes: i % 4 === 0 ? 0 : i * 500,
      speed: i * 100,
      connections: i % 9,
      elapsedMs: i * 37,
      errorMessage: i % 8 === 3 ? `HTTP 404 for f${i}` : undefined,
    }),
  );
}

const sets: Record<string, QueueItemView[]> = {
  empty: [],
  one: [half],
  oneWaiting: [item('w', 'waiting')],
  zeroAndOneByte: [
    item('zero', 'active', { totalBytes: 0 }),
    item('one', 'active', { totalBytes: 1, connections: 1 }),
    item('oneDone', 'active', { totalBytes: 1, completedBytes: 1 }),
  ],
  unknownSizes: [item('u1', 'active', { completedBytes: 3 * MiB, speed: MiB, elapsedMs: 700 }), item('u2', 'waiting')],
  errors: [item('e1', 'error', { errorCode: 'NETWORK', errorMessage: 'connection refused' }), half],
  hostile: [
    { ...half, name: hostileName },
    item('h2', 'waiting', { name: undefined, url: 'http://127.0.0.1/\u001b]0;title\u0007' }),
    item('h3', 'paused', { name: '\u2066rtl\u2069', completedBytes: 10, totalBytes: 20 }),
  ],
  wide: [{ ...half, name: '日本語のファイル名'.repeat(8) }, item('w2', 'waiting', { name: '😀'.repeat(30) })],
  longNames: [{ ...half, name: `${'x'.repeat(300)}.iso` }, item('l2', 'waiting', { name: `${'y'.repeat(300)}.zip` })],
  garbage: [
    item('g', 'active', { totalBytes: NaN, completedBytes: NaN, speed: -5, connections: Infinity, elapsedMs: Infinity }),
    item('g2', 'active', { totalBytes: -1, completedBytes: -1, speed: NaN, connections: -1, elapsedMs: -1 }),
  ],
  many: queue(300),
};

describe('renderQueue invariants', () => {
  const widths = [1, 2, 5, 10, 20, 39, 40, 41, 80, 120, 300];
  const variants: QueueRenderOptions[] = [{}, { paused: true }, { maxLines: 1 }, { maxLines: 2 }, { maxLines: 3 }, { maxLines: 10 }];
  for (const [label, items] of Object.entries(sets)) {
    it(`${label}: every line within the width, within maxLines, nothing unsafe, colour only adds SGR`, () => {
      for (const width of widths) {
        for (const opts of variants) {
          const lines = renderQueue(items, width, opts);
          const where = `width ${width} ${JSON.stringify(opts)}`;
          expect(lines.length, where).toBeLessThanOrEqual(opts.maxLines ?? Infinity);
          expect(lines.length, where).toBeGreaterThanOrEqual(1);
          for (const line of lines) {
            expect(displayWidth(line), `${where}: ${JSON.stringify(line)}`).toBeLessThanOrEqual(width);
            expect(unsafeIn(line), where).toEqual([]);
            expect(line, where).not.toMatch(/NaN|Infinity|undefined/);
          }
          const coloured = renderQueue(items, width, { ...opts, color: true });
          expect(plain(coloured), where).toEqual(lines);
        }
      }
    });
  }

  it('odd widths are floored; a non-finite width means 80; 0 means 1', () => {
    const items = sets.many.slice(0, 20);
    expect(renderQueue(items, 40.9)).toEqual(renderQueue(items, 40));
    expect(renderQueue(items, NaN)).toEqual(renderQueue(items, 80));
    expect(renderQueue(items, 0)).toEqual(renderQueue(items, 1));
  });
});

/** The display column where `needle` starts in `line`. */
const col = (line: string, needle: string): number => displayWidth(line.slice(0, line.indexOf(needle)));

describe('renderQueue rows', () => {
  const mixed = [
    half,
    item('tiny', 'active', { totalBytes: 1, connections: 1 }),
    item('stream', 'active', { completedBytes: 3 * MiB, speed: 2 * MiB, connections: 1, elapsedMs: 0 }),
    item('held', 'paused', { totalBytes: 100 * MiB, completedBytes: 20 * MiB, elapsedMs: 9000 }),
    item('next', 'waiting', { totalBytes: 2 * MiB }),
    item('later', 'waiting'),
    item('fresh', 'paused'),
    item('ok', 'complete', { totalBytes: 5, completedBytes: 5 }),
    item('bad', 'error', { errorMessage: 'HTTP 404' }),
    item('gone', 'cancelled'),
  ];

  it('width 120: started downloads with bars, then the queue, the totals and the keys', () => {
    const lines = renderQueue(mixed, 120);
    expect(lines).toHaveLength(4 + 3 + 2);
    expect(lines[0]).toMatch(/^half\.bin +\[█+ +\] +50% {2}1\.0 MiB\/s {2}ETA 5s {2}8 conn$/);
    expect(lines[1]).toMatch(/^tiny\.bin +\[ +\] +0% {2,}0 B\/s {2}ETA -- {2}1 conn$/);
    expect(lines[2]).toMatch(/^stream\.bin +\[███ +\] {2}3\.0 MiB {2}2\.0 MiB\/s {2}ETA -- {2}1 conn$/);
    expect(lines[3]).toMatch(/^held\.bin +\[█+▌? +\] +20% +paused +0 conn$/);
    expect(lines[4]).toMatch(/^next\.bin +waiting {2}2\.0 MiB$/);
    expect(lines[5]).toMatch(/^later\.bin +waiting$/);
    expect(lines[6]).toMatch(/^fresh\.bin +paused$/);
    expect(lines[7]).toBe('done 1 · active 3 · paused 2 · waiting 2 · failed 1 · cancelled 1 · 3.0 MiB/s');
    expect(lines[8]).toBe(QUEUE_FOOTER);
  });

  it('columns line up across rows: bars, percent, speed, ETA, connections, queue status', () => {
    const lines = renderQueue(mixed, 120).slice(0, 7);
    for (const needle of ['[', ']']) expect(new Set(lines.slice(0, 4).map((l) => col(l, needle))).size).toBe(1);
    expect(new Set(lines.slice(0, 3).map((l) => col(l, 'ETA'))).size).toBe(1);
    expect(new Set(lines.slice(0, 4).map((l) => col(l, 'conn'))).size).toBe(1);
    // Right-aligned percent: every percent cell ends in the same column.
    expect(new Set([0, 1, 3].map((i) => col(lines[i], '%'))).size).toBe(1);
    // The queue status starts where the bars do.
    expect(col(lines[4], 'waiting')).toBe(col(lines[0], '['));
    expect(col(lines[6], 'paused')).toBe(col(lines[0], '['));
  });

  it('the bar fill follows the fraction, in eighths', () => {
    const inner = (line: string): string => (/\[([^\]]*)\]/.exec(line) as RegExpExecArray)[1];
    const at = (completedBytes: number): string => inner(renderQueue([{ ...half, completedBytes }], 120)[0]);
    const width = Array.from(at(0)).length;
    expect(width).toBeGreaterThanOrEqual(8);
    expect(at(0)).toBe(' '.repeat(width));
    expect(at(10 * MiB)).toBe('█'.repeat(width));
    expect(at(20 * MiB)).toBe('█'.repeat(width)); // more than the total is still one full bar
    const eighths = Math.floor((3 / 16) * width * 8);
    const expected = '█'.repeat(Math.floor(eighths / 8)) + ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'][eighths % 8];
    expect(at((10 * MiB * 3) / 16).trimEnd()).toBe(expected);
  });

  it('an unknown size shows the bytes received, a moving block and no ETA', () => {
    const at = (elapsedMs: number): string => renderQueue([item('u', 'active', { completedBytes: 1536, speed: 10, elapsedMs })], 80)[0];
    expect(at(0)).toMatch(/^u\.bin +\[███ +\] {2}1\.5 KiB {2}10 B\/s {2}ETA -- {2}0 conn$/);
    expect(at(0)).not.toContain('%');
    expect(at(200)).not.toBe(at(0));
    expect(col(at(200), '█') - col(at(0), '█')).toBe(2); // two steps of 100 ms
    const positions = Array.from({ length: 200 }, (_, i) => col(at(i * 100), '█'));
    const close = col(at(0), ']');
    expect(Math.min(...positions)).toBe(col(at(0), '[') + 1);
    expect(Math.max(...positions)).toBe(close - 3);
  });

  it('0 and 1 byte files', () => {
    const [zero, one, oneDone] = renderQueue(sets.zeroAndOneByte, 80);
    expect(zero).toMatch(/^zero\.bin +\[█+\] +100% {2}0 B\/s {2}ETA 0s {2}0 conn$/);
    expect(one).toMatch(/^one\.bin +\[ +\] +0% {2}0 B\/s {2}ETA -- {2}1 conn$/);
    expect(oneDone).toMatch(/^oneDone\.bin +\[█+\] +100% {2}0 B\/s {2}ETA 0s {2}0 conn$/);
  });

  it('percent is floored: one byte short of 10 MiB is 99%', () => {
    expect(renderQueue([{ ...half, completedBytes: 10 * MiB - 1 }], 80)[0]).toMatch(/ 99%/);
  });

  it('narrow widths drop connections, then ETA, then speed, then the bar; the percent stays', () => {
    const row = (w: number): string => renderQueue([half], w)[0];
    expect(row(120)).toMatch(/ETA 5s {2}8 conn$/);
    expect(row(40)).toMatch(/^half\.bin +\[[█▏▎▍▌▋▊▉ ]+\] +50% {2}1\.0 MiB\/s$/);
    expect(row(30)).toMatch(/^half\.bin \[[█▏▎▍▌▋▊▉ ]+\] +50%$/);
    expect(row(16)).toBe('half.bin  50%');
    expect(row(8)).toBe('half.bin');
    expect(row(5)).toBe('ha…in');
  });

  it('the bar stays within 40 columns however wide the terminal', () => {
    const line = renderQueue([half], 300)[0];
    expect(col(line, ']') - col(line, '[') + 1).toBe(40);
  });

  it('a long name is cut in the middle and keeps its extension', () => {
    for (const width of [40, 80, 120]) {
      const [row, queued] = renderQueue(sets.longNames, width);
      expect(row).toMatch(/^x+…x*\.iso \[/);
      expect(queued).toMatch(/^y+…y*\.zip +waiting$/);
      expect(displayWidth(row)).toBe(width);
    }
  });

  it('wide characters count two columns', () => {
    const [row] = renderQueue(sets.wide, 80);
    expect(row).toContain('日本');
    expect(displayWidth(row)).toBeLessThanOrEqual(80);
    expect(displayWidth(row)).toBeGreaterThanOrEqual(79); // a wide character may leave one column free
  });

  it('hostile names and URLs are made terminal-safe', () => {
    const lines = renderQueue(sets.hostile, 200);
    // Escape sequences go whole (the 8-bit CSI takes `.b` as its final bytes, as a terminal would).
    expect(lines[0]).toMatch(/^evil\? {2}\?in +\[/);
    expect(lines[1]).toMatch(/^\?rtl\? +\[/);
    expect(lines[2]).toMatch(/^http:\/\/127\.0\.0\.1\/ +waiting$/);
  });

  it('a URL shown until the name is known has its password hidden', () => {
    const lines = renderQueue([item('c1', 'waiting', { name: undefined, url: 'ftp://ann:s3cret@127.0.0.1/f.bin' })], 200);
    expect(lines[0]).toMatch(/^ftp:\/\/ann:\*\*\*@127\.0\.0\.1\/f\.bin +waiting$/);
    const table = renderSummaryTable([
      item('c2', 'error', { name: undefined, url: 'https://ann:s3cret@h/x', errorMessage: 'not a valid URL: https://ann:s3cret@h/x' }),
    ]);
    expect(table.join('\n')).not.toContain('s3cret');
    expect(table[1]).toMatch(/^https:\/\/ann:\*\*\*@h\/x +FAILED .* not a valid URL: https:\/\/ann:\*\*\*@h\/x$/);
  });

  it('errors, completed and cancelled downloads only count in the totals', () => {
    const lines = renderQueue(sets.errors, 80);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^half\.bin/);
    expect(lines[1]).toBe('done 0 · active 1 · waiting 0 · failed 1 · 1.0 MiB/s');
    expect(renderQueue(sets.errors, 80, { color: true })[1]).toContain('\x1b[31mfailed 1\x1b[0m');
  });
});

describe('renderQueue totals, footer and maxLines', () => {
  it('an empty queue: the totals and the keys', () => {
    expect(renderQueue([], 80)).toEqual(['done 0 · active 0 · waiting 0 · failed 0 · 0 B/s', QUEUE_FOOTER]);
  });

  it('one item', () => {
    const lines = renderQueue([half], 80);
    expect(lines).toHaveLength(3);
    expect(lines.slice(1)).toEqual(['done 0 · active 1 · waiting 0 · failed 0 · 1.0 MiB/s', QUEUE_FOOTER]);
  });

  it('the speed is the sum over active downloads; paused and waiting add nothing', () => {
    const items = [half, { ...half, id: 'b', speed: 2 * MiB }, { ...half, id: 'c', state: 'paused' as const }, item('w', 'waiting', { speed: 9 * MiB })];
    expect(renderQueue(items, 120).at(-2)).toBe('done 0 · active 2 · paused 1 · waiting 1 · failed 0 · 3.0 MiB/s');
  });

  it('a paused queue says so first', () => {
    expect(renderQueue([], 80, { paused: true })[0]).toBe('PAUSED · done 0 · active 0 · waiting 0 · failed 0 · 0 B/s');
    expect(renderQueue([], 80, { paused: true, color: true })[0]).toMatch(new RegExp(`^${ESC}\\[33mPAUSED${ESC}\\[0m · done 0`));
  });

  it('narrow totals keep PAUSED, active, failed and the speed longest', () => {
    const items = [half, item('e', 'error'), item('w', 'waiting'), item('d', 'complete')];
    expect(renderQueue(items, 80, { paused: true }).at(-2)).toBe('PAUSED · done 1 · active 1 · waiting 1 · failed 1 · 1.0 MiB/s');
    expect(renderQueue(items, 52, { paused: true }).at(-2)).toBe('PAUSED · active 1 · waiting 1 · failed 1 · 1.0 MiB/s');
    expect(renderQueue(items, 51, { paused: true }).at(-2)).toBe('PAUSED · active 1 · failed 1 · 1.0 MiB/s');
    expect(renderQueue(items, 40, { paused: true }).at(-2)).toBe('PAUSED · active 1 · failed 1 · 1.0 MiB/s');
    expect(renderQueue(items, 30, { paused: true }).at(-2)).toBe('PAUSED · active 1 · failed 1');
    expect(renderQueue(items, 5, { paused: true }).at(-2)).toBe('PAUS…');
  });

  it('the footer shortens with the width and its keys are the live keys', () => {
    expect(renderQueue([], 120).at(-1)).toBe('p pause/resume all · q quit (saves state) · ? help');
    expect(renderQueue([], 50).at(-1)).toBe('p pause/resume all · q quit (saves state) · ? help');
    expect(renderQueue([], 49).at(-1)).toBe('p pause/resume · q quit · ? help');
    expect(renderQueue([], 40).at(-1)).toBe('p pause/resume · q quit · ? help');
    expect(renderQueue([], 30).at(-1)).toBe('p pause · q quit · ? help');
    expect(renderQueue([], 10).at(-1)).toBe('p pause ·…');
    for (const hint of QUEUE_FOOTER.split(' · ')) expect(keyCommand(hint.split(' ')[0]), hint).toBeDefined();
  });

  it('300 items, no limit: one row per started or queued download', () => {
    const items = sets.many;
    const rows = items.filter((i) => i.state === 'active' || i.state === 'waiting' || i.state === 'paused').length;
    const lines = renderQueue(items, 120);
    expect(lines).toHaveLength(rows + 2);
    const count = (s: QueueItemState): number => items.filter((i) => i.state === s).length;
    const speed = items.filter((i) => i.state === 'active').reduce((sum, i) => sum + i.speed, 0);
    expect(speed).toBe(562_400); // 100 * (0 + 8 + 16 + ... + 296)
    expect(lines.at(-2)).toBe(
      `done ${count('complete')} · active ${count('active')} · paused ${count('paused')} · waiting ${count('waiting')} · failed ${count('error')} · cancelled ${count('cancelled')} · 549.2 KiB/s`,
    );
    expect(count('active')).toBe(38);
    expect(lines.slice(0, count('active')).every((l) => /\[.*\]/.test(l))).toBe(true);
  });

  it('300 items in 10 lines: started downloads first, the rest summed up', () => {
    const running = Array.from({ length: 3 }, (_, i) => ({ ...half, id: `r${i}`, name: `r${i}.bin` }));
    const waiting = Array.from({ length: 297 }, (_, i) => item(`w${i}`, 'waiting'));
    const lines = renderQueue([...waiting.slice(0, 100), ...running, ...waiting.slice(100)], 80, { maxLines: 10 });
    expect(lines).toHaveLength(10);
    expect(lines.slice(0, 3).map((l) => l.split(' ')[0])).toEqual(['r0.bin', 'r1.bin', 'r2.bin']);
    expect(lines.slice(3, 7).map((l) => l.split(' ')[0])).toEqual(['w0.bin', 'w1.bin', 'w2.bin', 'w3.bin']);
    expect(lines[7]).toBe(`… and ${297 - 4} more waiting`);
    expect(lines[8]).toBe('done 0 · active 3 · waiting 297 · failed 0 · 3.0 MiB/s');
    expect(lines[9]).toBe(QUEUE_FOOTER);
  });

  it('hidden started downloads are named in the overflow line', () => {
    const items = [half, { ...half, id: 'b' }, { ...half, id: 'c', state: 'paused' as const }, item('w', 'waiting'), item('v', 'waiting')];
    const lines = renderQueue(items, 80, { maxLines: 4 });
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^half\.bin/);
    expect(lines[1]).toBe('… and 4 more (1 active, 1 paused, 2 waiting)');
  });

  it('exactly as many rows as fit: no overflow line', () => {
    const items = [half, item('w', 'waiting')];
    expect(renderQueue(items, 80, { maxLines: 4 })).toEqual(renderQueue(items, 80));
    expect(renderQueue(items, 80, { maxLines: 3 })[0]).toBe('… and 2 more (1 active, 1 waiting)');
  });

  it('tiny limits keep the totals first, then the keys', () => {
    const items = sets.many;
    expect(renderQueue(items, 80, { maxLines: 1 })).toEqual([renderQueue(items, 80).at(-2)]);
    expect(renderQueue(items, 80, { maxLines: 2 })).toEqual(renderQueue(items, 80).slice(-2));
    expect(renderQueue(items, 80, { maxLines: 0 })).toHaveLength(1);
    expect(renderQueue(items, 80, { maxLines: -3 })).toHaveLength(1);
    expect(renderQueue(items, 80, { maxLines: NaN })).toEqual(renderQueue(items, 80));
  });
});

describe('renderSummaryTable', () => {
  const items = [
    item('ok', 'complete', { totalBytes: 1536, completedBytes: 1536, elapsedMs: 1500 }),
    item('bad', 'error', { completedBytes: 0, elapsedMs: 40, errorCode: 'HTTP_STATUS', errorMessage: 'HTTP 404 Not Found' }),
    item('half', 'active', { totalBytes: 10 * MiB, completedBytes: 5 * MiB, elapsedMs: 125_000 }),
    item('gone', 'cancelled', { completedBytes: 0 }),
    item('zero', 'complete', { totalBytes: 0 }),
    item('one', 'paused', { totalBytes: 1, completedBytes: 1, elapsedMs: 10 }),
    item('later', 'waiting'),
    item('code', 'error', { errorCode: 'TIMEOUT' }),
  ];

  it('one aligned row per download, a header and the totals', () => {
    expect(renderSummaryTable(items)).toEqual([
      'file       result                    size   time   avg speed  error',
      'ok.bin     done                   1.5 KiB   1.5s   1.0 KiB/s',
      'bad.bin    FAILED                     0 B   0.0s       0 B/s  HTTP 404 Not Found',
      'half.bin   stopped    5.0 MiB of 10.0 MiB  2m05s  41.0 KiB/s',
      'gone.bin   cancelled                  0 B   0.0s          --',
      'zero.bin   done                       0 B   0.0s          --',
      'one.bin    stopped                    1 B   0.0s     100 B/s',
      'later.bin  stopped                    0 B   0.0s          --',
      'code.bin   FAILED                     0 B   0.0s          --  TIMEOUT',
      '8 files: 2 done, 2 failed, 3 stopped, 1 cancelled · 5.0 MiB',
    ]);
  });

  it('an empty run: only the totals', () => {
    expect(renderSummaryTable([])).toEqual(['0 files: 0 done · 0 B']);
    expect(renderSummaryTable([items[0]])).toEqual([
      'file    result     size  time  avg speed',
      'ok.bin  done    1.5 KiB  1.5s  1.0 KiB/s',
      '1 file: 1 done · 1.5 KiB',
    ]);
  });

  it('an unknown size shows the bytes received', () => {
    const [, row] = renderSummaryTable([item('u', 'active', { completedBytes: 3 * MiB, elapsedMs: 3000 })]);
    expect(row).toBe('u.bin  stopped  3.0 MiB  3.0s  1.0 MiB/s');
  });

  it('columns stay aligned with wide, long and hostile names; nothing unsafe gets through', () => {
    const odd = [
      item('a', 'complete', { name: '日本語.iso', totalBytes: 1, completedBytes: 1, elapsedMs: 1 }),
      item('b', 'error', { name: hostileName, errorMessage: 'bad\r\n\u001b[31mred\u202e' }),
      item('c', 'waiting', { name: `${'z'.repeat(300)}.tar` }),
      item('d', 'cancelled', { name: undefined, url: 'ftp://127.0.0.1/\u0000x' }),
      item('e', 'error', { errorMessage: 'm'.repeat(500) }),
    ];
    const lines = renderSummaryTable(odd);
    expect(lines).toHaveLength(odd.length + 2);
    const results = ['result', 'done', 'FAILED', 'stopped', 'cancelled', 'FAILED'];
    const starts = lines.slice(0, -1).map((l, i) => col(l, `  ${results[i]}`));
    expect(new Set(starts).size).toBe(1);
    for (const line of lines) expect(unsafeIn(line)).toEqual([]);
    expect(lines[2]).toContain('bad  red?');
    expect(lines[3]).toMatch(/^z+…z*\.tar /);
    expect(col(lines[3], '…')).toBeLessThan(40);
    expect(lines[4]).toMatch(/^ftp:\/\/127\.0\.0\.1\/\?x /);
    expect(lines[5]).toMatch(/ m+…$/);
    expect(displayWidth(lines[5])).toBeLessThan(200);
  });

  it('300 downloads: 300 rows between the header and the totals', () => {
    const lines = renderSummaryTable(sets.many);
    expect(lines).toHaveLength(302);
    const count = (s: QueueItemState): number => sets.many.filter((i) => i.state === s).length;
    const stopped = count('active') + count('paused') + count('waiting');
    const bytes = sets.many.reduce((sum, i) => sum + i.completedBytes, 0);
    expect(bytes).toBe(16_875_000); // 500 * (sum of i below 300 with i % 4 != 0)
    expect(lines.at(-1)).toBe(`300 files: ${count('complete')} done, ${count('error')} failed, ${stopped} stopped, ${count('cancelled')} cancelled · 16.1 MiB`);
    // Right-aligned numbers end in one column; error messages start in one column.
    const rows = sets.many.map((it, i) => ({ it, line: lines[i + 1] }));
    const plainRows = rows.filter((r) => r.it.errorMessage === undefined);
    const errorRows = rows.filter((r) => r.it.errorMessage !== undefined);
    expect(errorRows.length).toBeGreaterThan(0);
    expect(new Set(plainRows.map((r) => displayWidth(r.line))).size).toBe(1);
    expect(new Set(errorRows.map((r) => col(r.line, 'HTTP 404')))).toEqual(new Set([displayWidth(plainRows[0].line) + 2]));
  });
});
