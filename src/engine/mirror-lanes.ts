/**
 * The mirrors one Transfer reads from ("lanes"): each with its own source, host, validators and
 * connection limit. The first lane is the download's URL; more join once their probe agrees on
 * the size (see probeMirrors). A lane that fails drops out; the transfer goes on while one is left.
 */
import { type LaneLoad, laneOrder } from '../core/mirror-check.js';
import { redactUrl } from '../core/redact.js';
import type { Source, Validators } from '../core/types.js';

/** One mirror of the file, as a transfer uses it. */
export interface Lane {
  /** Position in the download's URL list (0: the download's URL). */
  index: number;
  /** The mirror's URL. */
  readonly url: string;
  /** The mirror's URL, redacted: for notes and progress views (made when first read). */
  readonly label: string;
  source: Source;
  /** `host[:port]`: the key of the per-host connection slots. */
  host: string;
  /** This mirror's own validators (its ETag / Last-Modified): only ever sent to this mirror. */
  validators: Validators;
  /** Most connections of this download to the mirror (lowered when it refuses more). */
  limit: number;
  dropped: boolean;
  /** Failed requests on this mirror since it last delivered a byte (any connection). */
  failures: number;
}

/** Make a lane (alive, no failures yet). */
export function newLane(fields: Omit<Lane, 'dropped' | 'failures' | 'label'>): Lane {
  let label: string | undefined;
  return {
    ...fields,
    dropped: false,
    failures: 0,
    // Only notes and the views of a download with mirrors read it: most lanes never redact.
    get label() {
      label ??= redactUrl(fields.url);
      return label;
    },
  };
}

/**
 * The lanes of one transfer. Invariant: `primary` is lanes[0] and never changes; a dropped lane
 * never comes back within the transfer.
 */
export class MirrorLanes {
  private readonly list: Lane[];

  constructor(readonly primary: Lane) {
    this.list = [primary];
  }

  /** Every lane that ever joined, dropped ones included. */
  get all(): readonly Lane[] {
    return this.list;
  }

  get aliveCount(): number {
    return this.list.filter((l) => !l.dropped).length;
  }

  /** A mirror that passed its check joins. */
  add(lane: Lane): void {
    this.list.push(lane);
  }

  /** Is `host` the host of a lane still in use? (a freed slot there may start a connection) */
  usesHost(host: string): boolean {
    return this.list.some((l) => !l.dropped && l.host === host);
  }

  /** The lane drops out; false when it was the last one alive (then it is kept: the caller fails). */
  drop(lane: Lane): boolean {
    if (lane.dropped) return true;
    if (this.aliveCount <= 1) return false;
    lane.dropped = true;
    return true;
  }

  /**
   * Lanes a new connection may use, best first (see laneOrder), given the transfer's connections
   * now: a lane's speed is the mean rate of its connections older than `youngMs`.
   */
  candidates(conns: Iterable<LaneConnection>, now: number, youngMs: number): Lane[] {
    const loads = new Map<Lane, { active: number; sum: number; measured: number }>(this.list.map((l) => [l, { active: 0, sum: 0, measured: 0 }]));
    for (const c of conns) {
      const load = loads.get(c.lane);
      if (!load) continue;
      load.active++;
      if (now - c.requestStartedAt >= youngMs) {
        load.sum += c.meter.rate(now);
        load.measured++;
      }
    }
    const lanes: LaneLoad[] = this.list.map((l) => {
      const load = loads.get(l) as { active: number; sum: number; measured: number };
      return { alive: !l.dropped, limit: l.limit, active: load.active, speed: load.measured > 0 ? load.sum / load.measured : undefined };
    });
    return laneOrder(lanes).map((i) => this.list[i]);
  }
}

/** What lane choice reads of a connection. */
export interface LaneConnection {
  lane: Lane;
  requestStartedAt: number;
  meter: { rate(now: number): number };
}
