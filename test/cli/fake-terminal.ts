/**
 * A fake terminal for the live views: `FakeScreen` keeps what a reflowing terminal (VTE, kitty,
 * iTerm2, Windows Terminal) would show, `FakeKeyboard` is a raw-mode stdin, and `ttyIO` puts them
 * in a CliIO for main(). Only the sequences ferry writes are understood: `\r`, `\n` (as the tty
 * driver's `\r\n`), ESC[nA (up n rows), ESC[0J (erase below), ESC[2K (erase the row); other CSI
 * sequences (SGR colours, cursor show/hide) are ignored.
 */
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import type { CliIO } from '../../src/cli/io.js';
import type { KeyInput } from '../../src/cli/keys.js';

const ESC = String.fromCharCode(0x1b);
const CSI = new RegExp(`^${ESC}\\[([?0-9;]*)([A-Za-z])`);

/**
 * Invariant: the screen is a list of logical lines (the text written between line feeds); a line
 * longer than `columns` takes several rows, recomputed at the current width (reflow). The cursor is
 * a logical line and an offset in it.
 */
export class FakeScreen extends EventEmitter {
  readonly isTTY = true;
  rows = 30;
  /** Everything written, raw. */
  raw = '';
  private lines: string[][] = [[]];
  private line = 0;
  private offset = 0;

  constructor(public columns: number) {
    super();
  }

  /** The terminal's width changes (the window was resized): the lines reflow, 'resize' is emitted. */
  resize(columns: number): void {
    this.columns = columns;
    this.emit('resize');
  }

  /** What is on the screen and in the scrollback, one string per logical line, right-trimmed, without the empty last line. */
  text(): string[] {
    const out = this.lines.map((l) => l.join('').trimEnd());
    while (out.length > 0 && out[out.length - 1] === '') out.pop();
    return out;
  }

  write(s: string): boolean {
    this.raw += s;
    let rest = s;
    while (rest !== '') {
      if (rest.startsWith(ESC)) {
        const m = CSI.exec(rest);
        if (!m) throw new Error(`unexpected escape sequence ${JSON.stringify(rest.slice(0, 8))}`);
        this.csi(m[1], m[2]);
        rest = rest.slice(m[0].length);
        continue;
      }
      const ch = String.fromCodePoint(rest.codePointAt(0) ?? 0);
      rest = rest.slice(ch.length);
      if (ch === '\r') this.offset -= this.offset % this.columns;
      else if (ch === '\n') this.lineFeed();
      else this.put(ch);
    }
    return true;
  }

  private rowsOf(l: string[]): number {
    return Math.max(1, Math.ceil(l.length / this.columns));
  }

  private put(ch: string): void {
    const l = this.lines[this.line];
    while (l.length < this.offset) l.push(' ');
    l[this.offset] = ch;
    this.offset++;
  }

  private lineFeed(): void {
    const row = Math.floor(this.offset / this.columns);
    if (row + 1 < this.rowsOf(this.lines[this.line])) {
      this.offset = (row + 1) * this.columns;
      return;
    }
    this.line++;
    if (this.line === this.lines.length) this.lines.push([]);
    this.offset = 0;
  }

  private csi(params: string, final: string): void {
    if (final === 'A') {
      const col = this.offset % this.columns;
      let target = Math.max(0, this.absoluteRow() - Number(params || '1'));
      for (let i = 0; i < this.lines.length; i++) {
        const rows = this.rowsOf(this.lines[i]);
        if (target < rows) {
          this.line = i;
          this.offset = target * this.columns + col;
          return;
        }
        target -= rows;
      }
    } else if (final === 'J' && (params === '' || params === '0')) {
      this.lines[this.line].length = Math.min(this.lines[this.line].length, this.offset);
      this.lines.length = this.line + 1;
    } else if (final === 'K' && params === '2') {
      const start = this.offset - (this.offset % this.columns);
      const l = this.lines[this.line];
      for (let i = start; i < Math.min(l.length, start + this.columns); i++) l[i] = ' ';
    }
  }

  private absoluteRow(): number {
    let row = 0;
    for (let i = 0; i < this.line; i++) row += this.rowsOf(this.lines[i]);
    return row + Math.floor(this.offset / this.columns);
  }
}

/** A terminal stdin in raw mode: `press` sends keys as a raw terminal would. */
export class FakeKeyboard extends PassThrough implements KeyInput {
  isTTY = true;
  isRaw = false;
  setRawMode(mode: boolean): this {
    this.isRaw = mode;
    return this;
  }
  press(keys: string): void {
    this.write(keys);
  }
}

/** A CliIO on a fake terminal; `interrupt()` delivers SIGINT to ferry's handler. */
export function ttyIO(screen: FakeScreen, keyboard?: FakeKeyboard): { io: CliIO; out: () => string; interrupt: () => void } {
  let out = '';
  let handler: (() => void) | undefined;
  const io: CliIO = {
    stdin: keyboard,
    stdout: { write: (s: string) => (out += s) },
    stderr: screen,
    readStdin: async () => '',
    onInterrupt: (h) => {
      handler = h;
      return () => {
        handler = undefined;
      };
    },
    exit: (code: number): never => {
      throw new Error(`exit ${code}`);
    },
    env: {},
  };
  return { io, out: () => out, interrupt: () => handler?.() };
}

/** Resolve when `check()` is true (polled every 20 ms); reject after `ms`. */
export async function until(check: () => boolean, ms = 15_000, what = 'a condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
