import type { PieceMap } from './piece-map.js';
import type { ByteRange } from './types.js';

/** What an idle connection should do next. */
export type Plan = { kind: 'gap'; range: ByteRange } | { kind: 'split'; range: ByteRange; from: number } | { kind: 'none' };

export interface PlannerInput {
  /** The connection asking for work. */
  id: number;
  /** Smallest range worth a new request (bytes). */
  minSplitSize: number;
  /** Current speed of a connection in bytes/s; 0 or undefined when unknown. */
  speedOf: (id: number) => number | undefined;
  /** How many connections will ask for work from the same gaps at once (even initial split). */
  sharers?: number;
  /** Expected time from sending a request to its first byte (ms); a split pays it once. */
  requestLatencyMs?: number;
}

/**
 * Choose the next range for an idle connection:
 * 1. the first gap (bytes nobody has or claims), at most an even share of all missing bytes for
 *    each of the `sharers` connections starting together;
 * 2. otherwise split the claim that will take longest to finish, so that owner and helper finish
 *    together, counting the helper's request latency: the helper takes
 *    (rem - latency * s_owner) * s_helper / (s_owner + s_helper) from the tail (nothing when the
 *    owner would be done before a new request brought its first byte).
 *    Speeds unknown (undefined: too young to tell) -> halves. A split is made only when the
 *    helper's part is >= minSplitSize, or when the owner is stalled (speed exactly 0 while the
 *    helper or others move), in which case the helper takes all of it.
 * 3. otherwise nothing: the connection retires.
 */
export function plan(map: PieceMap, input: PlannerInput): Plan {
  const gaps = map.gaps();
  if (gaps.length > 0) {
    const g = gaps[0];
    const sharers = Math.max(1, input.sharers ?? 1);
    // An even share of everything missing (not of the first gap only), never below the minimum.
    const missing = gaps.reduce((n, r) => n + r.end - r.start, 0);
    const share = Math.max(Math.ceil(missing / sharers), input.minSplitSize);
    return { kind: 'gap', range: { start: g.start, end: Math.min(g.end, g.start + share) } };
  }

  const claims = map.allClaims().filter((c) => c.id !== input.id && c.end > c.pos);
  if (claims.length === 0) return { kind: 'none' };

  const speeds = claims.map((c) => input.speedOf(c.id));
  const known = speeds.filter((s): s is number => s !== undefined && s > 0);
  const avg = known.length > 0 ? known.reduce((a, b) => a + b, 0) / known.length : 0;
  const helperSpeed = input.speedOf(input.id) || avg;

  // The claim with the longest expected time to finish (unknown speed counts as average).
  let best = 0;
  let bestEta = -1;
  for (let i = 0; i < claims.length; i++) {
    const rem = claims[i].end - claims[i].pos;
    const s = speeds[i] ?? avg;
    const eta = s > 0 ? rem / s : rem / Math.max(avg, 1) + (speeds[i] === 0 ? 1e9 : 0);
    if (eta > bestEta) {
      bestEta = eta;
      best = i;
    }
  }
  const owner = claims[best];
  const rem = owner.end - owner.pos;
  const ownerSpeed = speeds[best] ?? avg;

  let give: number;
  if (speeds[best] === 0 && helperSpeed > 0)
    give = rem; // stalled while others (or the helper itself) move: take it all
  else if (ownerSpeed > 0 && helperSpeed > 0) {
    // Both finish together: (rem - give) / s_o = latency + give / s_h. The owner keeps what it
    // receives while the helper's request is on its way.
    const latency = Math.max(0, input.requestLatencyMs ?? 0) / 1000;
    give = Math.floor(((rem - latency * ownerSpeed) * helperSpeed) / (ownerSpeed + helperSpeed));
  } else give = Math.floor(rem / 2);
  if (give < input.minSplitSize && give !== rem) return { kind: 'none' };
  if (give <= 0) return { kind: 'none' };

  return { kind: 'split', range: { start: owner.end - give, end: owner.end }, from: owner.id };
}
