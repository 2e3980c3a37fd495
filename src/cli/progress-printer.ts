import type { ProgressSnapshot } from '../engine/download-types.js';
import { LiveView, type TerminalOut } from './live-view.js';
import type { ProgressModel } from './progress-render.js';
import { renderLine, renderTty } from './progress-render.js';

/** The note of a paused download. */
export const PAUSED_NOTE = 'paused: p resumes, q quits';

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
 * few seconds. Messages printed through `say` appear above the live view. While paused the view
 * says so (and shows no speed) whatever note was set.
 */
export class ProgressPrinter {
  private readonly live?: LiveView;
  private timer?: NodeJS.Timeout;
  private note?: string;
  private paused = false;

  constructor(
    private readonly out: TerminalOut,
    private readonly source: () => ProgressSnapshot,
    options: { tty: boolean },
    private readonly lineIntervalMs = 5000,
  ) {
    if (options.tty) this.live = new LiveView(out, (width) => renderTty(this.model(), Math.max(40, width)));
  }

  private model(): ProgressModel {
    const m = toModel(this.source(), this.paused ? PAUSED_NOTE : this.note);
    return this.paused ? { ...m, speed: 0, connections: [] } : m;
  }

  start(): void {
    if (this.live) {
      this.live.start();
      return;
    }
    if (this.timer) return;
    this.timer = setInterval(() => this.out.write(`${renderLine(this.model())}\n`), this.lineIntervalMs);
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

  /** Paused: the view says so at once (on a TTY) and until resumed. */
  setPaused(paused: boolean): void {
    this.paused = paused;
    if (!paused) this.note = undefined;
    if (this.live?.running) this.live.redraw();
  }

  stop(): void {
    this.live?.stop();
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
