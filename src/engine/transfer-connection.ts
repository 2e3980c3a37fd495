/** One connection of a Transfer: its mirror, its request, its speed and its retry state. */
import type { FerryError } from '../core/errors.js';
import type { PieceMap } from '../core/piece-map.js';
import { SpeedMeter } from '../core/speed-meter.js';
import type { ByteStream } from '../core/types.js';
import type { Lane } from './mirror-lanes.js';
import type { ConnectionState, ConnectionView, RetryInfo } from './transfer-types.js';

/** A connection that receives nothing for this long counts as stalled and may be replaced. */
export const STALL_MS = 5000;
/** Before this, a connection's speed is unknown (too young to measure). */
export const YOUNG_MS = 1000;

/** A connection's state, owned and changed by its Transfer. */
export interface Connection {
  id: number;
  /** The mirror this connection reads from (fixed for its life). */
  lane: Lane;
  ctrl: AbortController;
  meter: SpeedMeter;
  state: ConnectionState;
  requestStartedAt: number;
  lastByteAt: number;
  attempt: number;
  /** Set when another connection took over this one's whole claim (it was stalled). */
  replaced: boolean;
  /** Whether the current request has delivered a byte yet. */
  gotBytes: boolean;
  /** The response being read, so that a takeover can close it (socket and all) at once. */
  stream?: ByteStream;
  /** Waiting for the rate limiter: not silence, so never a stall. */
  throttled: boolean;
}

/**
 * The reason of the transfer's own aborts (a stop, the end, a split): a plain string, because
 * abort() without one builds a DOMException and its stack trace (about 30 us, once per file of a
 * list). Nothing reads it: an aborted wait fails as ABORTED whatever the reason.
 */
export const HALTED = 'transfer halted';

/** A fresh connection on `lane`, active from `now`. */
export function newConnection(id: number, lane: Lane, now: number): Connection {
  return {
    id,
    lane,
    ctrl: new AbortController(),
    meter: new SpeedMeter(3000),
    state: 'active',
    requestStartedAt: now,
    lastByteAt: now,
    attempt: 0,
    replaced: false,
    gotBytes: false,
    throttled: false,
  };
}

/** What `conns` are doing at time `now`, for progress views (`withMirror`: name each one's mirror). */
export function connectionViews(conns: Iterable<Connection>, map: PieceMap, now: number, withMirror: boolean): ConnectionView[] {
  const out: ConnectionView[] = [];
  for (const c of conns) {
    const claim = map.getClaim(c.id);
    out.push({
      id: c.id,
      state: c.state,
      start: claim?.start ?? 0,
      end: claim?.end ?? 0,
      received: claim ? claim.pos - claim.start : 0,
      speed: c.meter.rate(now),
      ...(withMirror ? { mirror: c.lane.label } : {}),
    });
  }
  return out;
}

/**
 * The speed the planner sees of `c` at time `t` (bytes/s): undefined when unknown (not active,
 * too young to measure, or nothing measured yet), 0 when stalled (silent for STALL_MS; a wait for
 * the rate limiter is not silence).
 */
export function connectionSpeed(c: Connection | undefined, t: number): number | undefined {
  if (c?.state !== 'active') return undefined;
  if (c.throttled) return c.meter.rate(t) || undefined;
  if (t - c.lastByteAt > STALL_MS) return 0;
  if (t - c.requestStartedAt < YOUNG_MS) return undefined;
  return c.meter.rate(t) || undefined;
}

/**
 * Wait `delayMs` before `conn` asks again (told to `onRetry` first). Resolves false when the
 * transfer halted (`halt`) or the connection's mirror was dropped meanwhile: the connection
 * retires. Resolves true with a fresh abort controller otherwise.
 */
export async function backOff(
  conn: Connection,
  delayMs: number,
  error: FerryError,
  halt: AbortSignal,
  sleep: (ms: number, signal: AbortSignal) => Promise<void>,
  onRetry: (info: RetryInfo) => void,
): Promise<boolean> {
  conn.state = 'retrying';
  onRetry({ connection: conn.id, attempt: conn.attempt, delayMs, error });
  try {
    await sleep(delayMs, halt);
  } catch {
    return false;
  }
  conn.ctrl = new AbortController();
  if (halt.aborted || conn.lane.dropped) {
    conn.ctrl.abort(HALTED);
    return false;
  }
  return true;
}
