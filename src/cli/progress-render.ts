/**
 * The progress view as pure functions from a view model to strings. No I/O, no cursor movement:
 * a printer decides where the lines go. Colours (SGR only) are optional.
 *
 * Invariants of renderTty: always exactly three lines, each at most `width` terminal columns
 * (colour codes excluded), and no control characters from names or notes ever reach the output
 * (every name, path and note passes `shown`: terminal-safe, URL passwords hidden).
 */
import { formatBytes, formatDuration, formatSpeed } from '../core/units.js';
import { shown } from './shown.js';
import { displayWidth, fitEnd, fitMiddle, sgr } from './text-fit.js';

export { displayWidth };

/** One connection of a download, as the view sees it. */
export interface ConnectionView {
  id: number;
  state: 'active' | 'idle' | 'retrying';
  /** The connection's current segment, [start, end). */
  start: number;
  end: number;
  /** Bytes of [start, end) already received. */
  received: number;
  /** Bytes per second. */
  speed: number;
}

/** Everything the live view shows about one download. */
export interface ProgressModel {
  name: string;
  /** Undefined when the server does not say. */
  totalBytes?: number;
  completedBytes: number;
  /** Bytes per second. */
  speed: number;
  elapsedMs: number;
  connections: ConnectionView[];
  /** A short remark, e.g. why the download restarted or runs on one connection. */
  note?: string;
}

export interface RenderOptions {
  /** Add SGR colour codes (they do not count toward the width). */
  color?: boolean;
}

/** What the final summary line reports. */
export interface SummaryModel {
  name: string;
  path: string;
  bytes: number;
  elapsedMs: number;
  /** Bytes that were already on disk from an earlier run. */
  resumedBytes?: number;
}

/** The bar's width in columns, brackets included: fields are dropped to keep BAR_MIN, and it never exceeds BAR_MAX. */
const BAR_MIN = 10;
const BAR_MAX = 60;
const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
/** Strip cells: segment progress from just started (▁) to complete (█, only when complete). */
const LEVELS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
/** Strip cell of an idle connection. */
export const IDLE_CELL = '·';
/** Strip cell of a connection waiting to retry. */
export const RETRY_CELL = '!';

const finite = (n: number | undefined, fallback = 0): number => (n !== undefined && Number.isFinite(n) && n > 0 ? n : fallback);

/** Fraction done in [0, 1]; a 0-byte file is complete. Undefined when the total is unknown. */
function fraction(m: ProgressModel): number | undefined {
  if (m.totalBytes === undefined || !Number.isFinite(m.totalBytes) || m.totalBytes < 0) return undefined;
  if (m.totalBytes === 0) return 1;
  return Math.min(1, finite(m.completedBytes) / m.totalBytes);
}

/** The stat fields of line 2 in display order, each with a priority (lower = dropped last). */
function stats(m: ProgressModel): Array<{ text: string; priority: number }> {
  const frac = fraction(m);
  const speed = finite(m.speed);
  const active = m.connections.filter((c) => c.state === 'active').length;
  const done = formatBytes(finite(m.completedBytes));
  const out: Array<{ text: string; priority: number }> = [];
  if (frac !== undefined) {
    const total = m.totalBytes ?? 0;
    const remaining = Math.max(0, total - finite(m.completedBytes));
    out.push({ text: `${Math.floor(frac * 100)}%`.padStart(4), priority: 0 });
    out.push({ text: `${done} / ${formatBytes(total)}`, priority: 3 });
    out.push({ text: formatSpeed(speed), priority: 1 });
    out.push({ text: `ETA ${remaining === 0 ? '0s' : speed > 0 ? formatDuration(remaining / speed) : '--'}`, priority: 2 });
  } else {
    out.push({ text: done, priority: 0 }, { text: formatSpeed(speed), priority: 1 });
  }
  out.push({ text: `${active} conn`, priority: 4 });
  return out;
}

/** A `[███▌    ]` bar of `width` columns (including brackets) for a known fraction. */
function knownBar(frac: number, width: number, color: boolean): string {
  const inner = width - 2;
  const eighths = Math.floor(frac * inner * 8);
  const full = Math.floor(eighths / 8);
  const part = full < inner ? EIGHTHS[eighths % 8] : '';
  const filled = '█'.repeat(full) + part;
  return `[${sgr(color, 32, filled)}${' '.repeat(inner - full - (part ? 1 : 0))}]`;
}

/** A bar with a block bouncing back and forth (position from elapsed time), for an unknown size. */
function unknownBar(elapsedMs: number, width: number, color: boolean): string {
  const inner = width - 2;
  const block = Math.min(3, inner);
  const span = inner - block;
  const step = Math.floor(finite(elapsedMs) / 100);
  const p = span > 0 ? step % (2 * span) : 0;
  const pos = p <= span ? p : 2 * span - p;
  return `[${' '.repeat(pos)}${sgr(color, 36, '█'.repeat(block))}${' '.repeat(inner - pos - block)}]`;
}

function progressLine(m: ProgressModel, width: number, color: boolean): string {
  let fields = stats(m);
  const statsWidth = (f: typeof fields): number => displayWidth(f.map((x) => x.text).join('  '));
  // Drop the least important fields until the bar keeps its minimum width.
  while (fields.length > 0 && width - statsWidth(fields) - 1 < BAR_MIN) {
    const worst = Math.max(...fields.map((f) => f.priority));
    fields = fields.filter((f) => f.priority !== worst);
  }
  const text = fields.map((f) => f.text).join('  ');
  const barWidth = Math.min(BAR_MAX, width - (text === '' ? 0 : displayWidth(text) + 1));
  if (barWidth < 3) return fitEnd(stats(m)[0].text.trim(), width);
  const frac = fraction(m);
  const bar = frac === undefined ? unknownBar(m.elapsedMs, barWidth, color) : knownBar(frac, barWidth, color);
  return text === '' ? bar : `${bar} ${text}`;
}

/** One cell per group of connections (ordered by segment start), at most `width` cells. */
function connectionStrip(connections: readonly ConnectionView[], width: number, color: boolean): string {
  const sorted = [...connections].sort((a, b) => a.start - b.start || a.id - b.id);
  const perCell = Math.max(1, Math.ceil(sorted.length / Math.max(1, width)));
  const cells: string[] = [];
  for (let i = 0; i < sorted.length; i += perCell) {
    const group = sorted.slice(i, i + perCell);
    if (group.some((c) => c.state === 'retrying')) {
      cells.push(sgr(color, 31, RETRY_CELL));
      continue;
    }
    const active = group.filter((c) => c.state === 'active');
    if (active.length === 0) {
      cells.push(sgr(color, 2, IDLE_CELL));
      continue;
    }
    const length = active.reduce((s, c) => s + Math.max(0, c.end - c.start), 0);
    const received = active.reduce((s, c) => s + Math.min(Math.max(0, c.end - c.start), finite(c.received)), 0);
    // An empty segment counts as complete.
    const frac = length === 0 ? 1 : received / length;
    // The full block means complete; the lower seven levels share [0, 1).
    const level = frac >= 1 ? LEVELS.length - 1 : Math.min(LEVELS.length - 2, Math.floor(frac * (LEVELS.length - 1)));
    cells.push(sgr(color, 32, LEVELS[level]));
  }
  return cells.join('');
}

/** Name and note on one line: the name keeps at least half the width. */
function titleLine(m: ProgressModel, width: number, color: boolean): string {
  const name = shown(m.name);
  const note = m.note === undefined || m.note === '' ? '' : shown(m.note);
  if (note === '') return fitMiddle(name, width);
  const nameWidth = Math.min(displayWidth(name), Math.max(Math.ceil(width / 2), width - displayWidth(note) - 2));
  const room = width - nameWidth - 2;
  const head = fitMiddle(name, nameWidth);
  return room < 1 ? head : `${head}  ${sgr(color, 33, fitEnd(note, room))}`;
}

/**
 * The live view in exactly three lines, each at most `width` columns:
 * 1. the name (and the note, if any);
 * 2. a bar with percent, `done / total`, speed, ETA and active connections (fields are dropped,
 *    least important first, when the width is small; an unknown size shows a moving block, no ETA);
 * 3. one cell per connection ordered by segment start: `▁`..`█` is the segment's progress,
 *    `·` idle, `!` retrying; with more connections than columns a cell stands for a group.
 */
export function renderTty(model: ProgressModel, width: number, options: RenderOptions = {}): string[] {
  const w = Number.isFinite(width) ? Math.max(1, Math.floor(width)) : 80;
  const color = options.color === true;
  return [titleLine(model, w, color), progressLine(model, w, color), connectionStrip(model.connections, w, color)];
}

/** One short line for logs that are not a terminal, e.g. `a.iso: 42% 12.3 MiB / 29.3 MiB 4.5 MiB/s ETA 4s 8 conn`. */
export function renderLine(model: ProgressModel): string {
  const fields = stats(model).map((f) => f.text.trim());
  const note = model.note ? ` (${shown(model.note)})` : '';
  return `${fitMiddle(shown(model.name), 60)}: ${fields.join(' ')}${note}`;
}

/** Elapsed time for the summary: tenths below ten seconds, then the compact form. */
const elapsedText = (ms: number): string => (ms < 10_000 ? `${(ms / 1000).toFixed(1)}s` : formatDuration(ms / 1000));

/**
 * The final line of a finished download, e.g.
 * `a.iso: 29.3 MiB in 2m05s, 240.0 KiB/s average (12.0 MiB resumed) -> downloads/a.iso`.
 * The average counts only the bytes transferred in this run; ` -> path` is left out when it equals the name.
 * Invariant: every line is at most `width` columns (default 80): when the line is too long the
 * resumed part, then the average, are dropped to keep at least 16 columns for the name (cut in the
 * middle), and the path goes on a second line (`  -> path`, cut in the middle if need be).
 */
export function renderSummary(summary: SummaryModel, width = 80): string {
  const bytes = finite(summary.bytes);
  const ms = finite(summary.elapsedMs);
  const resumed = Math.min(bytes, finite(summary.resumedBytes));
  const avg = ms > 0 ? `, ${formatSpeed(((bytes - resumed) * 1000) / ms)} average` : '';
  const resumedText = resumed > 0 ? ` (${formatBytes(resumed)} resumed)` : '';
  const name = shown(summary.name);
  const path = shown(summary.path);
  const where = summary.path === summary.name ? '' : ` -> ${path}`;
  const head = `: ${formatBytes(bytes)} in ${elapsedText(ms)}`;
  const whole = `${name}${head}${avg}${resumedText}${where}`;
  if (displayWidth(whole) <= width) return whole;
  const NAME_MIN = 16;
  let figures = `${head}${avg}${resumedText}`;
  if (displayWidth(figures) + NAME_MIN > width) figures = `${head}${avg}`;
  if (displayWidth(figures) + NAME_MIN > width) figures = head;
  const first = `${fitMiddle(name, Math.max(1, width - displayWidth(figures)))}${figures}`;
  return where === '' ? first : `${first}\n  -> ${fitMiddle(path, Math.max(1, width - 5))}`;
}
