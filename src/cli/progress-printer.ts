import type { ProgressSnapshot } from '../engine/download-types.js';
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

interface Out {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/**
 * Draws progress: on a TTY a live view redrawn in place (a few times a second), elsewhere a short
 * line every few seconds. Messages printed through `say` appear above the live view.
 */
export class ProgressPrinter {
  private lines = 0;
  private timer?: NodeJS.Timeout;
  private lastLineAt = 0;
  private note?: string;

  constructor(
    private readonly out: Out,
    private readonly source: () => ProgressSnapshot,
    private readonly options: { tty: boolean; intervalMs?: number; lineIntervalMs?: number },
  ) {}

  start(): void {
    const every = this.options.tty ? (this.options.intervalMs ?? 200) : 1000;
    if (this.options.tty) this.out.write('\x1b[?25l');
    this.timer = setInterval(() => this.tick(), every);
    this.timer.unref();
  }

  /** Print a message line (above the live view on a TTY). */
  say(message: string): void {
    this.clear();
    this.out.write(`${message}\n`);
    if (this.options.tty && this.timer) this.draw();
  }

  /** Remember a short status shown inside the view (retries, fallbacks). */
  setNote(note: string | undefined): void {
    this.note = note;
  }

  /** Stop drawing and erase the live view. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.clear();
    if (this.options.tty) this.out.write('\x1b[?25h');
  }

  private tick(): void {
    if (this.options.tty) {
      this.clear();
      this.draw();
      return;
    }
    const now = Date.now();
    if (now - this.lastLineAt >= (this.options.lineIntervalMs ?? 5000)) {
      this.lastLineAt = now;
      this.out.write(`${renderLine(toModel(this.source(), this.note))}\n`);
    }
  }

  private draw(): void {
    const width = Math.max(40, (this.out.columns ?? 80) - 1);
    const lines = renderTty(toModel(this.source(), this.note), width);
    this.out.write(lines.map((l) => `\x1b[2K${l}`).join('\n') + '\n');
    this.lines = lines.length;
  }

  private clear(): void {
    if (!this.options.tty || this.lines === 0) return;
    this.out.write(`\x1b[${this.lines}A\x1b[0J`);
    this.lines = 0;
  }
}
