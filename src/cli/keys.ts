/**
 * Keys of the live view: a pure mapping from one key to a command, the help text derived from the
 * same table, and `attachKeys`, the one place that touches the terminal (raw mode on, then back).
 */

/** What a key asks the live view to do. */
export type KeyCommand = 'toggle-pause' | 'quit' | 'help';

/** One key binding: the input it matches, how help names it, and what it does. */
export interface KeyBinding {
  keys: readonly string[];
  label: string;
  command: KeyCommand;
  description: string;
}

/**
 * Every binding of the live view. Ctrl-C arrives as the byte 0x03 because raw mode turns off the
 * terminal's own signal keys, so it must quit here (saving state, like `q`).
 */
export const KEY_BINDINGS: readonly KeyBinding[] = [
  { keys: ['p', 'P'], label: 'p', command: 'toggle-pause', description: 'pause or resume all downloads' },
  { keys: ['q', 'Q'], label: 'q', command: 'quit', description: 'quit; the state is saved and a new run resumes' },
  { keys: ['\u0003'], label: 'Ctrl-C', command: 'quit', description: 'quit, as q' },
  { keys: ['?'], label: '?', command: 'help', description: 'show or hide this help' },
];

/** The help shown by `?`, one line per binding. */
export const HELP_KEYS: string = ['keys:', ...KEY_BINDINGS.map((b) => `  ${b.label.padEnd(8)}${b.description}`)].join('\n');

/** The command for one key (as split by splitKeys), or undefined for any other key. */
export function keyCommand(input: string): KeyCommand | undefined {
  return KEY_BINDINGS.find((b) => b.keys.includes(input))?.command;
}

const ESC = String.fromCharCode(0x1b);

/** A CSI sequence after its `ESC [`: parameters, intermediates, one final byte. */
const CSI_BODY = /^[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]/;

/**
 * Split what one read of a raw terminal returned into keys: one code point each, except that an
 * escape sequence (`ESC [ … final`, `ESC O x`, `ESC x` for Alt-x) is one key, so that the `P` of
 * F1 (`ESC O P`) or an arrow key never counts as a command.
 */
export function splitKeys(chunk: string): string[] {
  const keys: string[] = [];
  let rest = chunk;
  while (rest !== '') {
    let key: string;
    if (rest[0] !== ESC || rest.length === 1) key = String.fromCodePoint(rest.codePointAt(0) ?? 0);
    else if (rest[1] === '[') {
      const body = CSI_BODY.exec(rest.slice(2));
      key = body ? rest.slice(0, 2 + body[0].length) : rest; // an unfinished sequence takes the rest
    } else if (rest[1] === 'O') key = rest.slice(0, 3);
    else key = `${ESC}${String.fromCodePoint(rest.codePointAt(1) ?? 0)}`;
    keys.push(key);
    rest = rest.slice(key.length);
  }
  return keys;
}

/** The part of a terminal input stream attachKeys uses: any NodeJS.ReadStream (process.stdin) satisfies it. */
export interface KeyInput {
  isTTY?: boolean;
  isRaw?: boolean;
  readonly readableFlowing: boolean | null;
  setRawMode?(mode: boolean): unknown;
  on(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  off(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  resume(): unknown;
  pause(): unknown;
}

/**
 * Listen for keys on a terminal: raw mode on, each key decoded with keyCommand, and `onCommand`
 * called for the ones that mean something. Returns `detach`, which restores the raw mode and the
 * flowing state found at attach time (so the process can exit); calling it again does nothing.
 * A stdin that is not a terminal is left alone (it may carry input data): nothing is read.
 */
export function attachKeys(input: KeyInput, onCommand: (c: KeyCommand) => void): () => void {
  if (input.isTTY !== true || typeof input.setRawMode !== 'function') return () => {};
  const wasRaw = input.isRaw === true;
  const wasFlowing = input.readableFlowing === true;
  const onData = (chunk: Buffer | string): void => {
    for (const key of splitKeys(typeof chunk === 'string' ? chunk : chunk.toString('utf8'))) {
      const command = keyCommand(key);
      if (command !== undefined) onCommand(command);
    }
  };
  input.setRawMode(true);
  input.on('data', onData);
  input.resume();
  let attached = true;
  return () => {
    if (!attached) return;
    attached = false;
    input.off('data', onData);
    input.setRawMode?.(wasRaw);
    if (!wasFlowing) input.pause();
  };
}
