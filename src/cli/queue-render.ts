/**
 * The queue view and the end-of-run table as pure functions from view models to strings.
 * No I/O, no cursor movement, no clock: a printer decides where the lines go. Colours (SGR only)
 * are optional and never count toward a width.
 *
 * Invariants of renderQueue: every line is at most `width` terminal columns (colour codes excluded),
 * at most `maxLines` lines are returned, the totals line is always there, and no control or
 * reordering character from a name, URL or error message reaches the output, nor a URL's password.
 */
import { formatBytes, formatDuration, formatSpeed } from '../core/units.js';
import type { DownloadInfo, QueueState } from '../engine/queue-types.js';
import { shown } from './shown.js';
import { displayWidth, fitEnd, fitMiddle, sgr } from './text-fit.js';

/** Where a download of the queue stands. */
export type QueueItemState = QueueState;

/** One download of the queue, as the engine reports it (a DownloadInfo has every field). */
export type QueueItemView = Pick<
  DownloadInfo,
  'id' | 'url' | 'name' | 'state' | 'totalBytes' | 'completedBytes' | 'speed' | 'connections' | 'elapsedMs' | 'errorCode' | 'errorMessage'
>;

export interface QueueRenderOptions {
  /** Add SGR colour codes (they do not count toward the width). */
  color?: boolean;
  /** The whole queue is paused: the totals line starts with `PAUSED`. */
  paused?: boolean;
  /** At most this many lines in all (at least 1: the totals line); no limit when undefined. */
  maxLines?: number;
}

/** The key hint under the live queue view (the keys are those of keys.ts). */
export const QUEUE_FOOTER = 'p pause/resume all · q quit (saves state) · ? help';
/** Shorter hints for narrow terminals, longest first. */
const FOOTER_SHORT = ['p pause/resume · q quit · ? help', 'p pause · q quit · ? help'];

/** Column budgets of a download row: the name keeps NAME_MIN, the bar stays within [BAR_MIN, BAR_MAX]. */
const NAME_MIN = 8;
const BAR_MIN = 10;
const BAR_MAX = 40;
const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
const SEP = ' · ';

const finite = (n: number | undefined): number => (n !== undefined && Number.isFinite(n) && n > 0 ? n : 0);
const padEnd = (s: string, width: number): string => s + ' '.repeat(Math.max(0, width - displayWidth(s)));
const padStart = (s: string, width: number): string => ' '.repeat(Math.max(0, width - displayWidth(s))) + s;
/** A total that can be shown: undefined unless a finite, non-negative number. */
const knownSize = (n: number | undefined): number | undefined => (n !== undefined && Number.isFinite(n) && n >= 0 ? n : undefined);

/** What the user calls the download: its name, or its URL until the name is known; terminal-safe, password hidden. */
const label = (item: QueueItemView): string => shown(item.name || item.url);

/** A download that has started: active, or paused with bytes on disk. It gets a row with a bar. */
const isRunning = (i: QueueItemView): boolean => i.state === 'active' || (i.state === 'paused' && finite(i.completedBytes) > 0);
/** A download that has not started: waiting, or paused before its first byte. It gets a short row. */
const isQueued = (i: QueueItemView): boolean => i.state === 'waiting' || (i.state === 'paused' && !isRunning(i));

/** Fraction done in [0, 1]; a 0-byte file is complete. Undefined when the total is unknown. */
function fraction(item: QueueItemView): number | undefined {
  const total = knownSize(item.totalBytes);
  if (total === undefined) return undefined;
  return total === 0 ? 1 : Math.min(1, finite(item.completedBytes) / total);
}

/** The stat cells of a running row: percent (bytes when the size is unknown), speed, ETA, connections. */
function statCells(item: QueueItemView): string[] {
  const frac = fraction(item);
  const done = finite(item.completedBytes);
  const speed = finite(item.speed);
  const pct = frac === undefined ? formatBytes(done) : `${Math.floor(frac * 100)}%`;
  const conn = `${Math.floor(finite(item.connections))} conn`;
  if (item.state === 'paused') return [pct, 'paused', '', conn];
  const remaining = frac === undefined ? undefined : Math.max(0, finite(item.totalBytes) - done);
  const eta = remaining === 0 ? '0s' : remaining !== undefined && speed > 0 ? formatDuration(remaining / speed) : '--';
  return [pct, formatSpeed(speed), `ETA ${eta}`, conn];
}

/** A `[███▌    ]` bar of `width` columns (brackets included); for an unknown size a block moves with time. */
function bar(item: QueueItemView, width: number, color: boolean): string {
  const inner = width - 2;
  const code = item.state === 'paused' ? 33 : 32;
  const frac = fraction(item);
  if (frac === undefined) {
    const block = Math.min(3, inner);
    const span = inner - block;
    const step = Math.floor(finite(item.elapsedMs) / 100);
    const p = span > 0 ? step % (2 * span) : 0;
    const pos = p <= span ? p : 2 * span - p;
    return `[${' '.repeat(pos)}${sgr(color, 36, '█'.repeat(block))}${' '.repeat(inner - pos - block)}]`;
  }
  const eighths = Math.floor(frac * inner * 8);
  const full = Math.floor(eighths / 8);
  const part = full < inner ? EIGHTHS[eighths % 8] : '';
  return `[${sgr(color, code, '█'.repeat(full) + part)}${' '.repeat(inner - full - (part ? 1 : 0))}]`;
}

interface Layout {
  nameWidth: number;
  /** 0: no bar. */
  barWidth: number;
  /** How many stat columns are kept, from the left (percent is dropped last). */
  columns: number;
}

/**
 * Share `width` between the name, the bar and the stat columns. Columns go first from the right
 * (connections, ETA, speed), then the bar, then percent; the name keeps NAME_MIN until only it is left.
 */
function layout(width: number, nameMax: number, colWidths: number[]): Layout {
  const need = (k: number): number => colWidths.slice(0, k).reduce((s, c) => s + c + 2, 0);
  const nameNeed = Math.max(1, Math.min(NAME_MIN, nameMax));
  const target = Math.min(nameMax, Math.max(NAME_MIN, Math.floor(width * 0.3)));
  for (let k = colWidths.length; k >= 1; k--) {
    const rest = width - need(k);
    if (rest - 1 - BAR_MIN < nameNeed) continue;
    const barWidth = Math.max(BAR_MIN, Math.min(BAR_MAX, rest - 1 - target));
    return { nameWidth: Math.min(nameMax, rest - 1 - barWidth), barWidth, columns: k };
  }
  if (colWidths.length > 0 && width - need(1) >= nameNeed) {
    return { nameWidth: Math.min(nameMax, width - need(1)), barWidth: 0, columns: 1 };
  }
  return { nameWidth: Math.min(nameMax, width), barWidth: 0, columns: 0 };
}

function runningRow(item: QueueItemView, l: Layout, colWidths: number[], color: boolean): string {
  let line = padEnd(fitMiddle(label(item), l.nameWidth), l.nameWidth);
  if (l.barWidth > 0) line += ` ${bar(item, l.barWidth, color)}`;
  statCells(item)
    .slice(0, l.columns)
    .forEach((cell, i) => {
      // Numbers are right-aligned; the ETA reads better left-aligned.
      const text = i === 2 ? padEnd(cell, colWidths[i]) : padStart(cell, colWidths[i]);
      line += `  ${cell === 'paused' ? sgr(color, 33, text) : text}`;
    });
  return line.replace(/ +$/, '');
}

/** `name  waiting  2.0 MiB`: the status starts where the bars do; the size goes before the name is squeezed. */
function queuedRow(item: QueueItemView, width: number, l: Layout, color: boolean): string {
  const name = label(item);
  const total = knownSize(item.totalBytes);
  const state = item.state === 'paused' ? 'paused' : 'waiting';
  const sep = l.barWidth > 0 ? ' ' : '  ';
  const nameNeed = Math.min(NAME_MIN, displayWidth(name));
  for (const status of total === undefined ? [state] : [`${state}  ${formatBytes(total)}`, state]) {
    const room = Math.min(l.nameWidth, width - sep.length - displayWidth(status));
    if (room >= Math.max(1, nameNeed)) return `${padEnd(fitMiddle(name, room), room)}${sep}${sgr(color, 2, status)}`;
  }
  return fitMiddle(name, width);
}

/** `… and 12 more waiting`, or with a mix `… and 5 more (2 active, 3 waiting)`. */
function overflowLine(hidden: QueueItemView[], width: number, color: boolean): string {
  const kinds = (['active', 'paused', 'waiting'] as const).map((k) => ({ k, n: hidden.filter((i) => i.state === k).length })).filter((x) => x.n > 0);
  const what = kinds.length === 1 ? kinds[0].k : `(${kinds.map((x) => `${x.n} ${x.k}`).join(', ')})`;
  return sgr(color, 2, fitEnd(`… and ${hidden.length} more ${what}`, width));
}

/** `done N · active N · waiting N · failed N · speed`; paused and cancelled counts appear when not zero. */
function totalsLine(items: QueueItemView[], width: number, opts: QueueRenderOptions, color: boolean): string {
  const n = (s: QueueItemState): number => items.filter((i) => i.state === s).length;
  const speed = items.filter((i) => i.state === 'active').reduce((s, i) => s + finite(i.speed), 0);
  const field = (text: string, priority: number, code = 0): { text: string; priority: number; code: number } => ({ text, priority, code });
  // Lower priority = dropped later when the width is short.
  let fields = [
    field(opts.paused ? 'PAUSED' : '', 0, 33),
    field(`done ${n('complete')}`, 6),
    field(`active ${n('active')}`, 1),
    field(n('paused') > 0 ? `paused ${n('paused')}` : '', 4, 33),
    field(`waiting ${n('waiting')}`, 5),
    field(`failed ${n('error')}`, 2, n('error') > 0 ? 31 : 0),
    field(n('cancelled') > 0 ? `cancelled ${n('cancelled')}` : '', 7),
    field(formatSpeed(speed), 3),
  ].filter((f) => f.text !== '');
  const plain = (): string => fields.map((f) => f.text).join(SEP);
  while (fields.length > 1 && displayWidth(plain()) > width) {
    const worst = Math.max(...fields.map((f) => f.priority));
    fields = fields.filter((f) => f.priority !== worst);
  }
  if (displayWidth(plain()) > width) return fitEnd(plain(), width);
  return fields.map((f) => sgr(color && f.code !== 0, f.code, f.text)).join(SEP);
}

function footerLine(width: number, color: boolean): string {
  const text = [QUEUE_FOOTER, ...FOOTER_SHORT].find((t) => displayWidth(t) <= width);
  return sgr(color, 2, text ?? fitEnd(FOOTER_SHORT[FOOTER_SHORT.length - 1], width));
}

/**
 * The live queue view, top to bottom:
 * - one row per started download (active, or paused with bytes on disk), in queue order: the name
 *   cut in the middle, a bar, percent (bytes when the size is unknown), speed, ETA, connections;
 *   stat columns are aligned across rows and dropped (connections first) when the width is short;
 * - one short row per download not yet started (`waiting`, or `paused`), with its size when known;
 * - when rows do not fit in `maxLines`, the last row that fits becomes `… and N more waiting`;
 * - the totals: `done N · active N · waiting N · failed N · 12.3 MiB/s` (`PAUSED` first when paused);
 * - the key hint (when `maxLines` leaves room for it).
 * Finished, failed and cancelled downloads have no row: they are counted in the totals.
 */
export function renderQueue(items: QueueItemView[], width: number, opts: QueueRenderOptions = {}): string[] {
  const w = Number.isFinite(width) ? Math.max(1, Math.floor(width)) : 80;
  const color = opts.color === true;
  const max = opts.maxLines === undefined || Number.isNaN(opts.maxLines) ? Infinity : Math.max(1, Math.floor(opts.maxLines));
  const withFooter = max >= 2;
  const room = max - 1 - (withFooter ? 1 : 0);
  const rows = [...items.filter(isRunning), ...items.filter(isQueued)];
  const fits = rows.length <= room;
  const visible = fits ? rows : rows.slice(0, Math.max(0, room - 1));
  const hidden = fits ? [] : rows.slice(visible.length);

  const running = visible.filter(isRunning);
  const cells = running.map(statCells);
  const colWidths = [0, 1, 2, 3].map((i) => (running.length === 0 ? 0 : Math.max(...cells.map((c) => displayWidth(c[i])))));
  const nameMax = Math.max(1, ...visible.map((i) => displayWidth(label(i))));
  const l = layout(w, nameMax, running.length === 0 ? [] : colWidths);

  const lines = visible.map((i) => (isRunning(i) ? runningRow(i, l, colWidths, color) : queuedRow(i, w, l, color)));
  if (hidden.length > 0 && room >= 1) lines.push(overflowLine(hidden, w, color));
  lines.push(totalsLine(items, w, opts, color));
  if (withFooter) lines.push(footerLine(w, color));
  return lines;
}

/** The result column of the summary table. */
const RESULT: Readonly<Record<QueueItemState, string>> = {
  complete: 'done',
  error: 'FAILED',
  cancelled: 'cancelled',
  waiting: 'stopped',
  active: 'stopped',
  paused: 'stopped',
};
/** Names longer than this are cut in the middle, error messages at the end. */
const SUMMARY_NAME_MAX = 40;
const SUMMARY_ERROR_MAX = 120;

/** Elapsed time: tenths below ten seconds, then the compact form. */
const elapsedText = (ms: number): string => (ms < 10_000 ? `${(ms / 1000).toFixed(1)}s` : formatDuration(ms / 1000));

function summaryCells(item: QueueItemView): string[] {
  const done = finite(item.completedBytes);
  const total = knownSize(item.totalBytes);
  let size = formatBytes(done);
  if (item.state === 'complete') size = formatBytes(total ?? done);
  else if (total !== undefined && done < total) size = `${formatBytes(done)} of ${formatBytes(total)}`;
  const ms = finite(item.elapsedMs);
  const error = shown(item.errorMessage || item.errorCode || '');
  return [
    fitMiddle(label(item), SUMMARY_NAME_MAX),
    RESULT[item.state] ?? 'stopped',
    size,
    elapsedText(ms),
    ms > 0 ? formatSpeed((done * 1000) / ms) : '--',
    fitEnd(error, SUMMARY_ERROR_MAX),
  ];
}

/**
 * The table printed when the run ends: a header, one row per download (file, result — `done`,
 * `FAILED`, `stopped` or `cancelled` —, size, time, average speed, error message) with aligned
 * columns, and a totals line, e.g. `3 files: 1 done, 1 failed, 1 stopped · 1.5 MiB`.
 * A download that did not finish shows `received of total`. Only the totals line for an empty queue.
 */
export function renderSummaryTable(items: QueueItemView[]): string[] {
  const count = (r: string): number => items.filter((i) => (RESULT[i.state] ?? 'stopped') === r).length;
  const parts = [`${count('done')} done`];
  for (const [r, word] of [
    ['FAILED', 'failed'],
    ['stopped', 'stopped'],
    ['cancelled', 'cancelled'],
  ]) {
    if (count(r) > 0) parts.push(`${count(r)} ${word}`);
  }
  const bytes = items.reduce((s, i) => s + finite(i.completedBytes), 0);
  const totals = `${items.length} file${items.length === 1 ? '' : 's'}: ${parts.join(', ')} · ${formatBytes(bytes)}`;
  if (items.length === 0) return [totals];

  const rows = items.map(summaryCells);
  const header = ['file', 'result', 'size', 'time', 'avg speed', rows.some((r) => r[5] !== '') ? 'error' : ''];
  const table = [header, ...rows];
  const widths = [0, 1, 2, 3, 4].map((c) => Math.max(...table.map((r) => displayWidth(r[c]))));
  // Text columns are left-aligned, numbers right-aligned; the error is last and not padded.
  const line = (r: string[]): string =>
    [padEnd(r[0], widths[0]), padEnd(r[1], widths[1]), padStart(r[2], widths[2]), padStart(r[3], widths[3]), padStart(r[4], widths[4]), r[5]]
      .join('  ')
      .replace(/ +$/, '');
  return [...table.map(line), totals];
}
