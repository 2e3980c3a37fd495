import type { FerryError } from '../core/errors.js';
import { plan } from '../core/planner.js';
import { SpeedMeter } from '../core/speed-meter.js';
import type { Lane, MirrorLanes } from './mirror-lanes.js';
import { backOff, type Connection, connectionSpeed, connectionViews, HALTED, newConnection, STALL_MS, YOUNG_MS } from './transfer-connection.js';
import { describeFailure, failureAction } from './transfer-failures.js';
import { readClaim } from './transfer-read.js';
import type { ConnectionView, FirstStream, TransferParams } from './transfer-types.js';

export type { ConnectionState, ConnectionView, FirstStream, RetryInfo, TransferParams } from './transfer-types.js';

/**
 * Moves the missing bytes of one file over up to N connections: each connection asks the planner
 * for a range, reads it into the file, and asks again, until nothing is left. Failed requests are
 * retried with backoff (their claim released so others can take it); hosts that refuse extra
 * connections get fewer. Resolves when the file is complete or when `signal` aborts (after every
 * connection has flushed what it received); rejects with the first fatal error, also after flushing.
 */
export class Transfer {
  private readonly conns = new Map<number, Connection>();
  private nextId = 0;
  private target: number;
  private failure: unknown;
  private settled = false;
  private firstStream?: FirstStream;
  private heldSlot: boolean;
  private filling = false;
  /** Smoothed time from a request to its first byte (ms), for latency-aware splits. */
  private latencyMs?: number;
  private signal!: AbortSignal;
  /**
   * Set by the caller's abort, by the first fatal error and when the transfer settles: every
   * backoff sleep, the stall watch and the mirror probes listen to `haltSignal()`, so any of these
   * ends them at once.
   */
  private halted = false;
  /** Made only when something listens (most transfers never back off, watch or probe mirrors). */
  private haltCtrl?: AbortController;
  private resolve!: () => void;
  private reject!: (e: unknown) => void;
  private unsubscribe?: () => void;
  /**
   * Bytes of every connection together over a read timeout's worth of time: a connection not yet
   * made is expected to move at this rate, and bytes in that window are the evidence that the
   * server still answers (so a stalled claim is worth taking over; a dead server is left to the
   * read timeout and the retry policy instead of being asked again every few seconds).
   */
  private readonly overall = new SpeedMeter(30_000, 1000);
  private readonly lanes: MirrorLanes;

  constructor(private readonly p: TransferParams) {
    this.target = Math.max(1, p.connections);
    this.firstStream = p.firstStream;
    this.heldSlot = p.heldSlot ?? false;
    this.lanes = p.lanes;
  }

  /** Current connections, for progress views. */
  views(): ConnectionView[] {
    return connectionViews(this.conns.values(), this.p.map, this.p.now(), this.lanes.all.length > 1);
  }

  get activeConnections(): number {
    return this.conns.size;
  }

  run(signal: AbortSignal): Promise<void> {
    this.signal = signal;
    return new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
      const onAbort = (): void => {
        this.halt();
        for (const c of this.conns.values()) c.ctrl.abort(HALTED);
        this.settleIfIdle();
      };
      if (signal.aborted) this.halt();
      else signal.addEventListener('abort', onAbort, { once: true });
      this.unsubscribe = this.p.hostSlots.onRelease((host) => {
        if (this.lanes.usesHost(host)) this.fill();
      });
      if (this.firstStream && this.p.map.gaps()[0]?.start !== this.firstStream.offset) {
        this.firstStream.stream.cancel();
        this.firstStream = undefined;
      }
      this.fill();
      this.settleIfIdle();
      // One connection never has a helper to call back: its own stall is for the retry policy.
      if (this.target > 1) void this.watchStalls();
      this.p.discoverLanes?.(this.haltSignal(), (lane) => {
        if (this.settled || this.halted) return;
        this.lanes.add(lane);
        this.fill();
      });
    });
  }

  /**
   * Ask again, every half stall period, whether a new connection would get work: a helper that
   * retired (nothing worth splitting then) comes back when an owner stalls later.
   */
  private async watchStalls(): Promise<void> {
    while (!this.settled && !this.halted) {
      try {
        await this.p.sleep(STALL_MS / 2, this.haltSignal());
      } catch {
        return;
      }
      if (!this.settled && this.conns.size < this.target) this.fill();
    }
  }

  /** Start connections up to the target while there is work and host slots are free. */
  private fill(): void {
    // Re-entry (a connection that retires at once releases its slot, which calls fill) is a no-op:
    // the outer loop sees the new state.
    if (this.filling || this.settled || this.failure !== undefined || this.signal.aborted) return;
    this.filling = true;
    try {
      this.fillNow();
    } finally {
      this.filling = false;
    }
  }

  private fillNow(): void {
    const want = this.target - this.conns.size;
    for (let i = 0; i < want; i++) {
      if (!this.hasWork()) break;
      let lane: Lane | undefined;
      if (this.heldSlot) {
        // The probe's slot (and its open body) belong to the download's own URL.
        this.heldSlot = false;
        lane = this.lanes.primary;
      } else lane = this.acquireLane();
      if (!lane) break;
      // A bounded first stream (a resume) is the whole first gap: its connection takes all of it.
      const bounded = i === 0 && this.firstStream !== undefined && this.firstStream.end < this.p.map.size;
      void this.runConnection(lane, bounded ? 1 : want - i);
    }
  }

  /** Take a host slot on the best mirror that has one free (see laneOrder); undefined when none. */
  private acquireLane(): Lane | undefined {
    for (const lane of this.lanes.candidates(this.conns.values(), this.p.now(), YOUNG_MS)) {
      if (this.p.hostSlots.tryAcquire(lane.host, lane.limit)) return lane;
    }
    return undefined;
  }

  private activeOn(lane: Lane): number {
    let n = 0;
    for (const c of this.conns.values()) if (c.lane === lane) n++;
    return n;
  }

  /** Would a new connection get anything? The planner's own answer, for a connection not yet made. */
  private hasWork(): boolean {
    return plan(this.p.map, { id: -1, minSplitSize: this.p.minSplitSize, speedOf: this.speedOf, requestLatencyMs: this.latencyMs }).kind !== 'none';
  }

  private speedOf = (id: number): number | undefined => {
    const t = this.p.now();
    // A connection not yet made (-1) would move about as fast as the transfer did lately.
    if (id < 0) return this.overall.rate(t) || undefined;
    return connectionSpeed(this.conns.get(id), t);
  };

  private async runConnection(lane: Lane, sharers: number): Promise<void> {
    const { map } = this.p;
    const now = this.p.now();
    const conn = newConnection(this.nextId++, lane, now);
    this.conns.set(conn.id, conn);
    try {
      for (let first = true; !this.signal.aborted && this.failure === undefined && !lane.dropped; first = false) {
        const next = plan(map, {
          id: conn.id,
          minSplitSize: this.p.minSplitSize,
          speedOf: this.speedOf,
          sharers: first ? sharers : 1,
          requestLatencyMs: this.latencyMs,
        });
        if (next.kind === 'none') break;
        map.assign(conn.id, next.range, next.kind === 'split' ? next.from : undefined);
        if (next.kind === 'split') this.replaceIfEmptied(next.from);
        try {
          await this.readClaim(conn);
          conn.attempt = 0;
        } catch (e) {
          map.release(conn.id);
          if (this.signal.aborted || this.failure !== undefined || lane.dropped) break;
          if (conn.replaced) {
            conn.replaced = false;
            conn.ctrl = new AbortController();
            continue;
          }
          if (!(await this.handleFailure(conn, e))) break;
        }
        map.release(conn.id);
      }
    } catch (e) {
      this.fail(e);
    } finally {
      map.release(conn.id);
      this.conns.delete(conn.id);
      this.p.hostSlots.release(lane.host);
      if (this.failure === undefined && !this.signal.aborted && !map.complete) this.fill();
      this.settleIfIdle();
    }
  }

  /** Read this connection's claim into the file (see readClaim). */
  private readClaim(conn: Connection): Promise<void> {
    return readClaim(conn, {
      map: this.p.map,
      writer: this.p.writer,
      now: this.p.now,
      throttle: this.p.throttle,
      takeFirstStream: (pos) => {
        const first = this.firstStream;
        if (first?.offset !== pos) return undefined;
        this.firstStream = undefined;
        return first;
      },
      probeStream: this.p.firstStream?.stream,
      onFirstByte: (ttfb) => {
        this.latencyMs = this.latencyMs === undefined ? ttfb : 0.7 * this.latencyMs + 0.3 * ttfb;
      },
      onBytes: (n, t) => {
        this.overall.add(n, t);
        this.p.onBytes(n);
      },
    });
  }

  /** A split took everything an owner had left: it was stalled, so stop its request now. */
  private replaceIfEmptied(ownerId: number): void {
    const claim = this.p.map.getClaim(ownerId);
    const owner = this.conns.get(ownerId);
    if (owner && claim && claim.pos >= claim.end) {
      owner.replaced = true;
      owner.ctrl.abort(HALTED);
      // The probe's response is not tied to the connection's signal: close it directly.
      owner.stream?.cancel();
    }
  }

  /** Returns true to try again (after a delay), false to retire this connection; throws when fatal. */
  private async handleFailure(conn: Connection, e: unknown): Promise<boolean> {
    const { lane } = conn;
    conn.attempt++;
    lane.failures++;
    const action = failureAction({
      error: e,
      gotBytes: conn.gotBytes,
      othersOnLane: this.activeOn(lane) - 1,
      attempt: conn.attempt,
      laneFailures: lane.failures,
      lanesAlive: this.lanes.aliveCount,
      maxTries: this.p.maxTries,
      retryWaitMs: this.p.retryWaitMs,
      random: this.p.random,
    });
    if (action.kind === 'fatal') throw e;
    if (action.kind === 'drop-lane') {
      this.dropLane(lane, e);
      return false;
    }
    if (action.kind === 'fewer') {
      // Leave the count at once: refusals that arrive together then each see only those that remain.
      this.conns.delete(conn.id);
      lane.limit = Math.max(1, Math.min(lane.limit, action.keep));
      if (this.lanes.all.length === 1) this.target = Math.max(1, Math.min(this.target, action.keep));
      this.p.hostSlots.cap(lane.host, lane.limit);
      this.p.onNote(`${lane.host} refused more connections (${describeFailure(e)}); continuing with ${lane.limit}`);
      return false;
    }
    const { p } = this;
    return backOff(
      conn,
      action.delayMs,
      e as FerryError,
      this.haltSignal(),
      (ms, signal) => p.sleep(ms, signal),
      (info) => p.onRetry(info),
    );
  }

  /**
   * A mirror fails: it drops out (its other connections stop now, their claims go back to the
   * others) unless it is the last one left. Returns false then: the caller fails the download.
   */
  private dropLane(lane: Lane, e: unknown): boolean {
    if (!this.lanes.drop(lane)) return false;
    const left = this.lanes.aliveCount;
    this.p.onNote(`mirror ${lane.label} failed (${describeFailure(e)}): not used any more; ${left} mirror${left === 1 ? '' : 's'} left`);
    for (const c of this.conns.values()) {
      if (c.lane !== lane) continue;
      c.ctrl.abort(HALTED);
      c.stream?.cancel();
    }
    return true;
  }

  private fail(e: unknown): void {
    if (this.failure !== undefined) return;
    this.failure = e;
    this.halt();
    for (const c of this.conns.values()) c.ctrl.abort(HALTED);
  }

  /** Halt the whole transfer (see `halted`); a second call does nothing. */
  private halt(): void {
    if (this.halted) return;
    this.halted = true;
    this.haltCtrl?.abort(HALTED);
  }

  /** The signal of `halted`: aborted already when the transfer halted before it was asked for. */
  private haltSignal(): AbortSignal {
    if (!this.haltCtrl) {
      this.haltCtrl = new AbortController();
      if (this.halted) this.haltCtrl.abort(HALTED);
    }
    return this.haltCtrl.signal;
  }

  private settleIfIdle(): void {
    if (this.settled || this.conns.size > 0) return;
    // Not complete and nothing running: wait for a host slot (another download holds them).
    if (this.failure === undefined && !this.signal.aborted && !this.p.map.complete) return;
    this.settled = true;
    // Ends the stall watch's sleep and pending mirror probes now: a finished transfer leaves no
    // timer (that kept it, its file and its download in memory for another half stall period).
    this.halt();
    this.unsubscribe?.();
    if (this.heldSlot) {
      this.heldSlot = false;
      this.p.hostSlots.release(this.lanes.primary.host);
    }
    this.firstStream?.stream.cancel();
    if (this.failure !== undefined) this.reject(this.failure);
    else this.resolve();
  }
}
