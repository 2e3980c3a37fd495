/**
 * The table of `ferry ls`: GID prefix, state, percent, size, speed, name. Pure: aria2 status
 * objects in, lines out; names pass through the terminal-safe filter.
 */
import { formatBytes, formatSpeed } from '../../core/units.js';
import { shown } from '../shown.js';
import { displayWidth, fitMiddle } from '../text-fit.js';
import { type Aria2Status, fileName, firstUri, num, totalOf } from './aria2-status.js';
import { uniquePrefixLength } from './gid-prefix.js';

/** Names longer than this are cut in the middle. */
const NAME_MAX = 60;

const pad = (s: string, w: number, right: boolean): string => {
  const fill = ' '.repeat(Math.max(0, w - displayWidth(s)));
  return right ? fill + s : s + fill;
};

/** Percent done, `--` when the size is not known. */
function percent(s: Aria2Status): string {
  const total = totalOf(s);
  if (total === undefined) return '--';
  if (total === 0) return '100%';
  return `${Math.floor((Math.min(total, num(s.completedLength)) / total) * 100)}%`;
}

/**
 * One header line and one line per download, columns aligned; `No downloads.` for none.
 * The GID column shows the shortest prefix (at least 6 characters) that is unique in the list.
 */
export function renderLs(items: readonly Aria2Status[]): string[] {
  if (items.length === 0) return ['No downloads.'];
  const n = uniquePrefixLength(items.map((s) => s.gid));
  const rows = items.map((s) => {
    const total = totalOf(s);
    const speed = s.status === 'active' ? formatSpeed(num(s.downloadSpeed)) : '';
    return [
      s.gid.slice(0, n),
      s.status ?? '?',
      percent(s),
      total === undefined ? formatBytes(num(s.completedLength)) : formatBytes(total),
      speed,
      fitMiddle(shown(fileName(s) || firstUri(s)), NAME_MAX),
    ];
  });
  const table = [['GID', 'STATE', 'DONE', 'SIZE', 'SPEED', 'NAME'], ...rows];
  const widths = [0, 1, 2, 3, 4].map((c) => Math.max(...table.map((r) => displayWidth(r[c]))));
  const right = [false, false, true, true, true];
  return table.map((r) => [...widths.map((w, c) => pad(r[c], w, right[c])), r[5]].join('  ').replace(/ +$/, ''));
}
