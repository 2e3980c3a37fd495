/** One request of a Transfer's connection: its claim read from its mirror into the file. */
import type { PieceMap } from '../core/piece-map.js';
import type { ByteStream } from '../core/types.js';
import { type PositionalWriter, pumpSegment } from './segment-pump.js';
import type { Connection } from './transfer-connection.js';
import type { FirstStream, TransferParams } from './transfer-types.js';

/** Bytes collected per positional write. */
const BATCH_BYTES = 256 * 1024;

/** What readClaim needs of its Transfer. */
export interface ClaimRead {
  map: PieceMap;
  writer: PositionalWriter;
  now: () => number;
  throttle?: TransferParams['throttle'];
  /** The probe's open response when it starts at `pos` (handed over once: later calls get none). */
  takeFirstStream: (pos: number) => FirstStream | undefined;
  /** The probe's response: its first byte is no latency sample (its request was the probe). */
  probeStream?: ByteStream;
  /** A request's time to first byte (ms). */
  onFirstByte: (ttfbMs: number) => void;
  /** `n` bytes arrived at time `t` (after the connection counted them). */
  onBytes: (n: number, t: number) => void;
}

/**
 * Read `conn`'s claim into the file: from the probe's open response when it starts there, else
 * with a request to the connection's mirror (guarded by that mirror's own validators). The
 * connection's state, times, speed and its lane's failure count follow the bytes.
 */
export async function readClaim(conn: Connection, r: ClaimRead): Promise<void> {
  const { map } = r;
  const claim = map.getClaim(conn.id);
  if (!claim) return;
  conn.state = 'active';
  conn.requestStartedAt = conn.lastByteAt = r.now();
  conn.gotBytes = false;
  let stream: ByteStream;
  let requestEnd: number;
  const first = r.takeFirstStream(claim.pos);
  if (first) {
    stream = first.stream;
    requestEnd = first.end;
  } else {
    // The end asked for, read before the request: a split while it is made shrinks `claim.end`,
    // and the pump must see that the response runs past the claim (to stop it, not read it out).
    const asked = claim.end;
    // Each mirror's own validators guard its own ranges (they differ between servers).
    stream = await conn.lane.source.read({ start: claim.pos, end: asked }, conn.lane.validators, conn.ctrl.signal);
    requestEnd = asked;
  }
  conn.stream = stream;
  // Taken over while the request was being made: its response is not wanted.
  if (conn.ctrl.signal.aborted) stream.cancel();
  const throttle = r.throttle;
  let firstByte = stream !== r.probeStream;
  await pumpSegment(stream, {
    map,
    writer: r.writer,
    id: conn.id,
    requestEnd,
    batchBytes: BATCH_BYTES,
    now: r.now,
    onBytes: (n) => {
      const t = r.now();
      if (firstByte) {
        firstByte = false;
        r.onFirstByte(t - conn.requestStartedAt);
      }
      conn.lastByteAt = t;
      conn.gotBytes = true;
      conn.lane.failures = 0;
      conn.meter.add(n, t);
      r.onBytes(n, t);
    },
    throttle: throttle ? (n) => throttled(conn, throttle(n, conn.ctrl.signal), r.now) : undefined,
  });
  conn.stream = undefined;
}

/** A rate limiter's wait counts as activity: the connection is marked busy, then fresh. */
function throttled(conn: Connection, wait: Promise<void> | void, now: () => number): Promise<void> | undefined {
  if (!wait) return undefined;
  conn.throttled = true;
  return wait.finally(() => {
    conn.throttled = false;
    conn.lastByteAt = now();
  });
}
