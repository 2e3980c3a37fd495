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

  constructor(
    private readonly login: (signal: AbortSignal) => Promise<FtpSession>,
    private readonly maxIdle: number,
    private readonly idleMs = 2000,
  ) {}

  /** An idle, healthy session, or a new login. */
  async acquire(signal: AbortSignal): Promise<FtpLease> {
    if (this.closed) throw abortedError('source closed');
    for (let s = this.idle.pop(); s !== undefined; s = this.idle.pop()) {
      this.stopIdleTimer(s);
      if (!s.control.broken && !s.control.hasUnreadReplies && s.reusable) {
        this.active.add(s);
        return { session: s, reused: true };
      }
      s.control.quit();
    }
    const session = await this.login(signal);
    if (this.closed) {
      session.control.quit();
      throw abortedError('source closed');
    }
    this.active.add(session);
    return { session, reused: false };
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

  /** Quit idle sessions and stop active ones. */
  close(): void {
    this.closed = true;
    for (const s of this.idle.splice(0)) {
      this.stopIdleTimer(s);
      s.control.quit();
    }
    for (const s of this.active) s.stop(abortedError('source closed'));
    this.active.clear();
  }
}
