/** Markdown rendering of benchmark results. Pure functions: data in, text out. */
import type { TargetCheck } from './summary.js';
import type { CellSummary, ResumeSummary } from './types.js';
import { fmt, formatBytes } from './units.js';

/** A Markdown table; cells are escaped for `|`. */
export function markdownTable(header: string[], rows: string[][], align: ('l' | 'r')[] = []): string {
  const esc = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const rule = header.map((_, i) => (align[i] === 'r' ? '---:' : '---'));
  return [header, rule, ...rows].map((r) => `| ${r.map(esc).join(' | ')} |`).join('\n');
}

/**
 * One scenario's table. `pctLabel` names the percentage column (`% of ideal` or `% of fastest`).
 * A FAIL row shows FAIL and its reason instead of any number.
 */
export function renderCells(cells: CellSummary[], pctLabel: string): string {
  const header = ['participant', 'wall s', 'MiB/s', pctLabel, 'CPU s', 'peak RSS MiB', 'SHA-256', 'runs'];
  const rows = cells.map((c) => {
    if (c.status !== 'ok') {
      const word = c.status === 'FAIL' ? 'FAIL' : 'n/a';
      return [c.participant, word, word, word, word, word, c.status === 'FAIL' ? `FAIL: ${c.note ?? ''}` : c.note ?? 'n/a', String(c.runs.length)];
    }
    return [
      c.participant,
      fmt(c.medianWallSec, 2),
      fmt(c.mibPerSec, 1),
      fmt(c.pctIdeal, 1),
      fmt(c.medianCpuSec, 2),
      fmt(c.medianRssMiB, 1),
      'ok',
      String(c.runs.length),
    ];
  });
  return markdownTable(header, rows, ['l', 'r', 'r', 'r', 'r', 'r', 'l', 'r']);
}

/**
 * One list scenario's table: like `renderCells` with files/s first (the measure of a queue) and
 * percentages relative to the fastest.
 */
export function renderListCells(cells: CellSummary[]): string {
  const header = ['participant', 'wall s', 'files/s', 'MiB/s', '% of fastest', 'CPU s', 'peak RSS MiB', 'SHA-256', 'runs'];
  const rows = cells.map((c) => {
    if (c.status !== 'ok') {
      const word = c.status === 'FAIL' ? 'FAIL' : 'n/a';
      return [c.participant, word, word, word, word, word, word, c.status === 'FAIL' ? `FAIL: ${c.note ?? ''}` : c.note ?? 'n/a', String(c.runs.length)];
    }
    return [
      c.participant,
      fmt(c.medianWallSec, 2),
      fmt(c.filesPerSec, 0),
      fmt(c.mibPerSec, 1),
      fmt(c.pctIdeal, 1),
      fmt(c.medianCpuSec, 2),
      fmt(c.medianRssMiB, 1),
      'ok',
      String(c.runs.length),
    ];
  });
  return markdownTable(header, rows, ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'l', 'r']);
}

/** The kill -9 resume table. */
export function renderResume(rows: ResumeSummary[]): string {
  const header = ['participant', 'killed at s', 'rerun wall s', 're-downloaded', 're-downloaded s', 'SHA-256', 'runs'];
  const body = rows.map((r) => {
    if (r.status !== 'ok') {
      const word = r.status === 'FAIL' ? 'FAIL' : 'n/a';
      return [r.participant, word, word, word, word, r.status === 'FAIL' ? `FAIL: ${r.note ?? ''}` : r.note ?? 'n/a', String(r.runs.length)];
    }
    const killedAt = r.runs.map((x) => x.killedAtSec).sort((a, b) => a - b)[r.runs.length >> 1];
    return [
      r.participant,
      fmt(killedAt, 2),
      fmt(r.medianRerunWallSec, 2),
      r.medianRedownloadedBytes === undefined ? 'n/a' : formatBytes(Math.round(r.medianRedownloadedBytes)),
      fmt(r.medianRedownloadedSec, 2),
      'ok',
      String(r.runs.length),
    ];
  });
  return markdownTable(header, body, ['l', 'r', 'r', 'r', 'r', 'l', 'r']);
}

/** The target checks as a list: PASS / MISS / n/a. */
export function renderTargets(checks: TargetCheck[]): string {
  return checks
    .map((c) => `- ${c.pass === undefined ? 'n/a ' : c.pass ? 'PASS' : 'MISS'} ${c.target} (${c.detail})`)
    .join('\n');
}
