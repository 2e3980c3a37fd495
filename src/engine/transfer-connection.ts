/** One connection of a Transfer: its mirror, its request, its speed and its retry state. */
import { SpeedMeter } from '../core/speed-meter.js';
import type { ByteStream } from '../core/types.js';
import type { Lane } from './mirror-lanes.js';
import type { ConnectionState } from './transfer-types.js';

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
