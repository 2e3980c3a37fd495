import { displayWidth } from './text-fit.js';

/** A terminal stream: where live views draw. `on`/`off('resize')` are those of a TTY stream. */
export interface TerminalOut {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
  rows?: number;
  on?(event: 'resize', listener: () => void): unknown;
  off?(event: 'resize', listener: () => void): unknown;
}

/** Rows that lines of these display widths take on a terminal `columns` wide (an empty line takes one). */
export function rowsTaken(widths: readonly number[], columns: number): number {
  const cols = Math.max(1, Math.floor(columns));
  return widths.reduce((rows, w) => rows + Math.max(1, Math.ceil(w / cols)), 0);
}

/** SGR colour codes do not take columns. */
const SGR = new RegExp(`${String.fromCharCode(0x1b)}\\[[0-9;]*m`, 'g');

/**
 * Lines redrawn in place on a terminal a few times a second. Messages printed with `say` appear
 * above the view.
 *
 * Invariants: the cursor is at column 0 of the row just below the view, and `drawn` holds the
 * display width of each line of the view on screen, so `clear` erases exactly the rows they take
 * at the terminal's current width: when the terminal shrinks, a line drawn at the old width wraps
 * onto several rows and all of them are erased (nothing piles up in the scrollback). `clear` starts
 * with a carriage return, so an echoed `^C` (or anything typed) on the row below is erased too.
 */
export class LiveView {
  private drawn: number[] = [];
  private timer?: NodeJS.Timeout;
  private readonly onResize = (): void => this.redraw();

  constructor(
    private readonly out: TerminalOut,
    private readonly render: (width: number, rows: number) => string[],
    private readonly intervalMs = 200,
  ) {}

  get running(): boolean {
    return this.timer !== undefined;
  }

  start(): void {
    if (this.timer) return;
    this.out.write('\x1b[?25l');
    this.timer = setInterval(() => this.redraw(), this.intervalMs);
    this.timer.unref();
    this.out.on?.('resize', this.onResize);
  }

  /** Print a line above the view. */
  say(line: string): void {
    this.clear();
    this.out.write(`${line}\n`);
    if (this.timer) this.draw();
  }

  /** Erase the view and stop drawing. */
  stop(): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.out.off?.('resize', this.onResize);
    this.clear();
    this.out.write('\x1b[?25h');
  }

  redraw(): void {
    this.clear();
    this.draw();
  }

  private draw(): void {
    // One column short of the width: a line never fills the last column, so no terminal wraps it early.
    const width = Math.max(20, (this.out.columns ?? 80) - 1);
    const lines = this.render(width, this.out.rows ?? 24);
    this.out.write(`${lines.map((l) => `\x1b[2K${l}`).join('\n')}\n`);
    this.drawn = lines.map((l) => displayWidth(l.replace(SGR, '')));
  }

  private clear(): void {
    if (this.drawn.length === 0) return;
    this.out.write(`\r\x1b[${rowsTaken(this.drawn, this.out.columns ?? 80)}A\x1b[0J`);
    this.drawn = [];
  }
}
