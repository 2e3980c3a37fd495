import { EventEmitter } from 'node:events';
import { abortedError } from '../core/errors.js';

/**
 * Connection slots per host, shared by every download of one engine, so that many files from one
 * server never open more than `limit` connections to it at once. A host may be capped lower at
 * run time when it refuses extra connections (429/503/421).
 */
export class HostSlots {
  private readonly used = new Map<string, number>();
  private readonly caps = new Map<string, number>();
  private readonly events = new EventEmitter();

  constructor(private readonly defaultLimit: number) {
    this.events.setMaxListeners(0);
  }

  /** The limit in force for a host. */
  limitFor(host: string, requested = this.defaultLimit): number {
    return Math.min(requested, this.caps.get(host) ?? Infinity);
  }

  inUse(host: string): number {
    return this.used.get(host) ?? 0;
  }

  /** Take a slot when one is free under `limit`; false otherwise. */
  tryAcquire(host: string, limit = this.defaultLimit): boolean {
    const n = this.inUse(host);
    if (n >= this.limitFor(host, limit)) return false;
    this.used.set(host, n + 1);
    return true;
  }

  /**
   * Wait for a slot under `limit`. An abort (before or during the wait) rejects with a FerryError
   * of code ABORTED and takes no slot.
   */
  async acquire(host: string, limit: number, signal: AbortSignal): Promise<void> {
    for (;;) {
      if (signal.aborted) throw abortedError(`${host}: stopped while waiting for a connection slot`);
      if (this.tryAcquire(host, limit)) return;
      await new Promise<void>((resolve) => {
        const done = (): void => {
          off();
          signal.removeEventListener('abort', done);
          resolve();
        };
        const off = this.onRelease((h) => {
          if (h === host) done();
        });
        signal.addEventListener('abort', done, { once: true });
      });
    }
  }

  release(host: string): void {
    const n = this.inUse(host);
    if (n <= 1) this.used.delete(host);
    else this.used.set(host, n - 1);
    this.events.emit('release', host);
  }

  /** The host refused extra connections: never use more than `n` again in this engine. */
  cap(host: string, n: number): void {
    this.caps.set(host, Math.max(1, Math.min(n, this.caps.get(host) ?? Infinity)));
  }

  /** Called whenever a slot of any host is released. Returns an unsubscribe function. */
  onRelease(listener: (host: string) => void): () => void {
    this.events.on('release', listener);
    return () => this.events.off('release', listener);
  }
}
