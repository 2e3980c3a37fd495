/** A terminal stream: where live views draw. */
export interface TerminalOut {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
  rows?: number;
}

/**
 * Lines redrawn in place on a terminal a few times a second. Messages printed with `say` appear
 * above the view. Invariant: `lines` is how many lines of the view are on screen below the cursor's
 * column 0 start, so `clear` erases exactly them.
 */
export class LiveView {
  private lines = 0;
  private timer?: NodeJS.Timeout;

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
    this.clear();
    this.out.write('\x1b[?25h');
  }

  redraw(): void {
    this.clear();
    this.draw();
  }

  private draw(): void {
    const width = Math.max(20, (this.out.columns ?? 80) - 1);
    const lines = this.render(width, this.out.rows ?? 24);
    this.out.write(`${lines.map((l) => `\x1b[2K${l}`).join('\n')}\n`);
    this.lines = lines.length;
  }

  private clear(): void {
    if (this.lines === 0) return;
    this.out.write(`\x1b[${this.lines}A\x1b[0J`);
    this.lines = 0;
  }
}
