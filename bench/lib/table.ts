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

/** A numeric column of a results table. */
interface Column {
  title: string;
  value(c: CellSummary): string;
}

/**
 * The participant, the numeric columns, the SHA-256 verdict and the run count. A row that is not
 * ok shows FAIL (or n/a) and its reason instead of any number.
 */
function cellTable(cells: CellSummary[], columns: Column[]): string {
  const header = ['participant', ...columns.map((c) => c.title), 'SHA-256', 'runs'];
  const rows = cells.map((c) => {
    const runs = String(c.runs.length);
    if (c.status !== 'ok') {
      const word = c.status === 'FAIL' ? 'FAIL' : 'n/a';
      const note = c.status === 'FAIL' ? `FAIL: ${c.note ?? ''}` : (c.note ?? 'n/a');
      return [c.participant, ...columns.map(() => word), note, runs];
    }
    return [c.participant, ...columns.map((col) => col.value(c)), 'ok', runs];
  });
  return markdownTable(header, rows, ['l', ...columns.map((): 'r' => 'r'), 'l', 'r']);
}

const WALL: Column = { title: 'wall s', value: (c) => fmt(c.medianWallSec, 2) };
const MIBS: Column = { title: 'MiB/s', value: (c) => fmt(c.mibPerSec, 1) };
const CPU: Column = { title: 'CPU s', value: (c) => fmt(c.medianCpuSec, 2) };
const RSS: Column = { title: 'peak RSS MiB', value: (c) => fmt(c.medianRssMiB, 1) };
const pct = (title: string): Column => ({ title, value: (c) => fmt(c.pctIdeal, 1) });

/**
 * One scenario's table. `pctLabel` names the percentage column (`% of ideal` or `% of fastest`).
 */
export function renderCells(cells: CellSummary[], pctLabel: string): string {
  return cellTable(cells, [WALL, MIBS, pct(pctLabel), CPU, RSS]);
}

/**
 * One list scenario's table: like `renderCells` with files/s first (the measure of a queue) and
 * percentages relative to the fastest.
 */
export function renderListCells(cells: CellSummary[]): string {
  return cellTable(cells, [WALL, { title: 'files/s', value: (c) => fmt(c.filesPerSec, 0) }, MIBS, pct('% of fastest'), CPU, RSS]);
}

/** The kill -9 resume table. */
export function renderResume(rows: ResumeSummary[]): string {
  const header = ['participant', 'killed at s', 'rerun wall s', 're-downloaded', 're-downloaded s', 'SHA-256', 'runs'];
  const body = rows.map((r) => {
    if (r.status !== 'ok') {
      const word = r.status === 'FAIL' ? 'FAIL' : 'n/a';
      return [r.participant, word, word, word, word, r.status === 'FAIL' ? `FAIL: ${r.note ?? ''}` : (r.note ?? 'n/a'), String(r.runs.length)];
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
  return checks.map((c) => `- ${c.pass === undefined ? 'n/a ' : c.pass ? 'PASS' : 'MISS'} ${c.target} (${c.detail})`).join('\n');
}
