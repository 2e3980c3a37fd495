import { EventEmitter } from 'node:events';

/** A map from event name to its argument tuple. */
export type EventMap = Record<string, unknown[]>;

/**
 * A thin typed wrapper over EventEmitter: `on('progress', (p) => ...)` is checked against the map.
 * Listener errors are not caught here; listeners must not throw.
 */
export class TypedEmitter<E extends EventMap> {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  on<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    this.emitter.on(event, listener as (...args: unknown[]) => void);
    return this;
  }

  once<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    this.emitter.once(event, listener as (...args: unknown[]) => void);
    return this;
  }

  off<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    this.emitter.off(event, listener as (...args: unknown[]) => void);
    return this;
  }

  protected emit<K extends keyof E & string>(event: K, ...args: E[K]): void {
    // 'error' without listeners would throw in EventEmitter; errors are also delivered by promise.
    if (event === 'error' && this.emitter.listenerCount('error') === 0) return;
    this.emitter.emit(event, ...args);
  }
}
