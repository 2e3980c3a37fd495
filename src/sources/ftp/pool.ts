import { abortedError } from '../../core/errors.js';
import type { FtpSession } from './session.js';

/** A session handed out by the pool; `reused` = it was idle and already logged in. */
export interface FtpLease {
  session: FtpSession;
  reused: boolean;
}

/**
 * Logged-in control connections of one source. Each concurrent operation holds its own session;
 * a session returns to the idle list only when its last operation ended cleanly (control
 * connection in sync). At most `maxIdle` sessions are kept idle, each for at most `idleMs`
 * (an idle session still holds one of the server's connections: the per-host limit counts it).
 */
export class FtpPool {
  private idle: FtpSession[] = [];
  private active = new Set<FtpSession>();
  private closed = false;
  private readonly idleTimers = new Map<FtpSession, NodeJS.Timeout>();
  /** Sessions whose transfer ended and whose final reply is awaited (each settles within a bound). */
  private readonly settling = new Map<Promise<void>, FtpSession>();

  constructor(
    private readonly login: (signal: AbortSignal) => Promise<FtpSession>,
    private readonly maxIdle: number,
    private readonly idleMs = 2000,
  ) {}

  /**
   * An idle, healthy session, or a new login. While no session is idle but one is about to come
   * back (see `track`), it waits for that one instead of logging in again.
   */
  async acquire(signal: AbortSignal): Promise<FtpLease> {
    for (;;) {
      if (this.closed) throw abortedError('source closed');
      for (let s = this.idle.pop(); s !== undefined; s = this.idle.pop()) {
        this.stopIdleTimer(s);
        if (!s.control.broken && !s.control.hasUnreadReplies && s.reusable) {
          this.active.add(s);
          return { session: s, reused: true };
        }
        s.control.quit();
      }
      if (this.settling.size === 0) break;
      await untilOneSettles([...this.settling.keys()], signal);
    }
    const session = await this.login(signal);
    if (this.closed) {
      session.control.quit();
      throw abortedError('source closed');
    }
    this.active.add(session);
    return { session, reused: false };
  }

  /** Active `session` is released when `done` settles (its transfer's final reply arrived). */
  track(session: FtpSession, done: Promise<void>): void {
    this.settling.set(done, session);
    void done.finally(() => this.settling.delete(done));
  }

  /** Give a session back; an unclean one (or one over the idle limit) is closed. */
  release(session: FtpSession, clean: boolean): void {
    this.active.delete(session);
    const healthy = clean && session.reusable && !session.control.broken;
    if (healthy && !this.closed && this.idle.length < this.maxIdle) {
      this.idle.push(session);
      const timer = setTimeout(() => {
        this.idleTimers.delete(session);
        this.idle = this.idle.filter((x) => x !== session);
        session.control.quit();
      }, this.idleMs);
      timer.unref();
      this.idleTimers.set(session, timer);
    } else session.control.quit();
  }

  private stopIdleTimer(session: FtpSession): void {
    clearTimeout(this.idleTimers.get(session));
    this.idleTimers.delete(session);
  }

  /** Number of sessions currently idle (for tests and diagnostics). */
  get idleCount(): number {
    return this.idle.length;
  }

  /** Quit idle and settling sessions, stop the others. */
  close(): void {
    this.closed = true;
    for (const s of this.idle.splice(0)) {
      this.stopIdleTimer(s);
      s.control.quit();
    }
    // A session awaiting its final reply has no data left to stop: it says goodbye.
    const settling = new Set(this.settling.values());
    for (const s of this.active) {
      if (settling.has(s)) s.control.quit();
      else s.stop(abortedError('source closed'));
    }
    this.active.clear();
  }
}

/** Resolves when one of `pending` settles; rejects with ABORTED when `signal` fires first. */
function untilOneSettles(pending: Promise<void>[], signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(abortedError());
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(abortedError());
    signal.addEventListener('abort', onAbort, { once: true });
    const done = () => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    };
    // A settled promise leaves the set only a turn later: wait one turn at least.
    void Promise.race(pending).finally(() => setImmediate(done));
  });
}
