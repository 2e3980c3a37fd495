/**
 * Pure rules for downloading one file from several mirrors at once: whether a mirror serves the
 * same file (checked before it gets any work), and which mirror a new connection goes to.
 */
import type { RemoteInfo } from './types.js';

/**
 * Why a mirror's probe rules it out, or undefined when it can take ranges of the file: its size
 * must equal the file's (the first URL's probe) and it must honour ranges. `label` names the
 * mirror (already redacted).
 */
export function mirrorMismatch(label: string, expectedSize: number, probe: Pick<RemoteInfo, 'size' | 'acceptsRanges'>): string | undefined {
  if (probe.size === undefined) return `mirror ${label} does not say the size, not ${expectedSize} bytes: not used`;
  if (probe.size !== expectedSize) return `mirror ${label} reports ${probe.size} bytes, not ${expectedSize}: not used`;
  if (!probe.acceptsRanges) return `mirror ${label} does not support ranges: not used`;
  return undefined;
}

/** What the choice of a mirror for a new connection knows of each one. */
export interface LaneLoad {
  /** False once the mirror dropped out. */
  alive: boolean;
  /** Connections of this download on the mirror now. */
  active: number;
  /** Most connections this download may open to the mirror. */
  limit: number;
  /** Bytes/s per connection lately; undefined when not measured yet. */
  speed?: number;
}

/**
 * The mirrors a new connection may use, best first (indexes into `lanes`): alive ones below their
 * limit, the least loaded first (connections spread over the mirrors), then the faster per
 * connection (measured; an unmeasured mirror counts as fast as the best), then list order.
 */
export function laneOrder(lanes: readonly LaneLoad[]): number[] {
  const best = Math.max(0, ...lanes.map((l) => l.speed ?? 0));
  const speed = (l: LaneLoad): number => l.speed ?? best;
  return lanes
    .map((l, i) => ({ l, i }))
    .filter(({ l }) => l.alive && l.active < l.limit)
    .sort((a, b) => a.l.active - b.l.active || speed(b.l) - speed(a.l) || a.i - b.i)
    .map(({ i }) => i);
}
