import type { ProgressSnapshot } from '../engine/download-types.js';
import { LiveView, type TerminalOut } from './live-view.js';
import type { ProgressModel } from './progress-render.js';
import { renderLine, renderTty } from './progress-render.js';

/** Turn an engine snapshot into the render model. */
export function toModel(s: ProgressSnapshot, note?: string): ProgressModel {
  return {
    name: s.name ?? s.url,
    totalBytes: s.totalBytes,
    completedBytes: s.completedBytes,
    speed: s.speed,
    elapsedMs: s.elapsedMs,
    connections: s.connections.map((c) => ({ id: c.id, state: c.state, start: c.start, end: c.end, received: c.received, speed: c.speed })),
    note,
  };
}

/**
 * Progress of one download: on a TTY a live view redrawn in place, elsewhere a short line every
 * few seconds. Messages printed through `say` appear above the live view.
 */
export class ProgressPrinter {
  private readonly live?: LiveView;
  private timer?: NodeJS.Timeout;
  private note?: string;

  constructor(
    private readonly out: TerminalOut,
    private readonly source: () => ProgressSnapshot,
    options: { tty: boolean },
    private readonly lineIntervalMs = 5000,
  ) {
    if (options.tty) this.live = new LiveView(out, (width) => renderTty(toModel(this.source(), this.note), Math.max(40, width)));
  }

  start(): void {
    if (this.live) return this.live.start();
    if (this.timer) return;
    this.timer = setInterval(() => this.out.write(`${renderLine(toModel(this.source(), this.note))}\n`), this.lineIntervalMs);
    this.timer.unref();
  }

  say(message: string): void {
    if (this.live) this.live.say(message);
    else this.out.write(`${message}\n`);
  }

  /** A short status shown inside the view (retries, fallbacks). */
  setNote(note: string | undefined): void {
    this.note = note;
  }

  stop(): void {
    this.live?.stop();
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
