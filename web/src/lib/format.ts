/**
 * What the page shows for numbers: ferry's own byte, speed and duration formats (src/core/units.ts,
 * shared with the CLI) plus the percent and ETA rules of the list.
 */
import { formatBytes, formatDuration, formatSpeed } from '../../../src/core/units.js';

export { formatBytes, formatDuration, formatSpeed };

/**
 * Whole percent done, floored so that 100% means every byte is there: `0%`..`100%`;
 * `--` when the total is unknown (0 or not a number) and nothing is known to be done.
 */
export function formatPercent(completed: number, total: number): string {
  if (!(total > 0)) return '--';
  const p = Math.floor((Math.min(completed, total) / total) * 100);
  return `${Math.max(0, p)}%`;
}

/** Fraction done in 0..1 for a progress bar; 0 when the total is unknown. */
export function progressFraction(completed: number, total: number): number {
  if (!(total > 0)) return 0;
  return Math.min(1, Math.max(0, completed / total));
}

/** Seconds left at the current speed; undefined when unknown (no total or no speed). */
export function etaSeconds(completed: number, total: number, speed: number): number | undefined {
  if (!(total > 0) || !(speed > 0)) return undefined;
  return Math.max(0, total - completed) / speed;
}

/** aria2 numbers arrive as strings: a finite number, or 0 for anything else. */
export function num(value: unknown): number {
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : 0;
}

/**
 * A size typed by a person (`500K`, `2M`, `1.5 MiB`, `0`) as a byte count, or undefined when it is
 * not one. Units are binary, as in ferry's CLI and aria2.
 */
export function parseSizeInput(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(text);
  if (m === null) return undefined;
  const power = ' kmgt'.indexOf((m[2] || ' ').toLowerCase());
  return Math.floor(Number(m[1]) * 1024 ** power);
}
