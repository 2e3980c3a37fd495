import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { attachKeys, HELP_KEYS, KEY_BINDINGS, type KeyCommand, type KeyInput, keyCommand, splitKeys } from '../../src/cli/keys.js';

describe('keyCommand', () => {
  it.each<[string, KeyCommand | undefined]>([
    ['p', 'toggle-pause'],
    ['P', 'toggle-pause'],
    ['q', 'quit'],
    ['Q', 'quit'],
    ['\u0003', 'quit'],
    ['?', 'help'],
    ['', undefined],
    ['x', undefined],
    [' ', undefined],
    ['\r', undefined],
    ['\u0004', undefined],
    ['\u001b', undefined],
    ['\u001b[A', undefined],
    ['\u001bOP', undefined],
    ['\u001bp', undefined],
    ['pp', undefined],
    ['p\n', undefined],
    ['ｐ', undefined],
  ])('%j -> %s', (input, command) => {
    expect(keyCommand(input)).toBe(command);
  });
});

describe('splitKeys', () => {
  it.each<[string, string[]]>([
    ['', []],
    ['p', ['p']],
    ['pq?', ['p', 'q', '?']],
    ['\u0003', ['\u0003']],
    ['\u001b', ['\u001b']],
    ['\u001b[A', ['\u001b[A']],
    ['\u001b[1;5Cp', ['\u001b[1;5C', 'p']],
    ['\u001b[15~q', ['\u001b[15~', 'q']],
    ['\u001bOPp', ['\u001bOP', 'p']],
    ['\u001bO', ['\u001bO']],
    ['\u001bp', ['\u001bp']],
    ['\u001b\u001b', ['\u001b\u001b']],
    ['\u001b[12', ['\u001b[12']],
    ['日p', ['日', 'p']],
    ['😀q', ['😀', 'q']],
    ['\u001b😀', ['\u001b😀']],
  ])('%j', (chunk, keys) => {
    expect(splitKeys(chunk)).toEqual(keys);
    expect(splitKeys(chunk).join('')).toBe(chunk);
  });

  it('the P of F1 and the letters of escape sequences are never commands', () => {
    for (const seq of ['\u001bOP', '\u001bOQ', '\u001b[P', '\u001b[1;2P', '\u001bp', '\u001bq', '\u001b?']) {
      expect(splitKeys(seq).map(keyCommand), JSON.stringify(seq)).toEqual([undefined]);
    }
  });
});

describe('HELP_KEYS', () => {
  it('names every binding with its description, one line each', () => {
    const lines = HELP_KEYS.split('\n');
    expect(lines[0]).toBe('keys:');
    expect(lines).toHaveLength(KEY_BINDINGS.length + 1);
    KEY_BINDINGS.forEach((b, i) => {
      expect(lines[i + 1]).toBe(`  ${b.label.padEnd(8)}${b.description}`);
      for (const key of b.keys) expect(keyCommand(key)).toBe(b.command);
    });
    expect(HELP_KEYS).toMatch(/^ {2}p +pause or resume all downloads$/m);
    expect(HELP_KEYS).toMatch(/^ {2}q +quit/m);
    expect(HELP_KEYS).toMatch(/^ {2}Ctrl-C +quit/m);
    expect(HELP_KEYS).toMatch(/^ {2}\? +show or hide this help$/m);
  });
});

/** A terminal-like stream that records raw-mode changes. */
class FakeTty extends PassThrough implements KeyInput {
  isTTY = true;
  isRaw: boolean;
  readonly modes: boolean[] = [];
  constructor(raw = false) {
    super();
    this.isRaw = raw;
  }
  setRawMode(mode: boolean): this {
    this.modes.push(mode);
    this.isRaw = mode;
    return this;
  }
}

/** Let queued 'data' events run. */
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('attachKeys', () => {
  it('process.stdin is accepted as it is', () => {
    const input: KeyInput = process.stdin;
    expect(typeof input.on).toBe('function');
  });

  it('raw mode on, keys decoded to commands, mode restored on detach', async () => {
    const tty = new FakeTty();
    const got: KeyCommand[] = [];
    const detach = attachKeys(tty, (c) => got.push(c));
    expect(tty.modes).toEqual([true]);
    expect(tty.readableFlowing).toBe(true);
    tty.write('p');
    tty.write(Buffer.from('x?'));
    tty.write('\u001bOP\u001b[A'); // F1 and an arrow: nothing
    tty.write(Buffer.from([0x03]));
    tty.write('Q');
    await tick();
    expect(got).toEqual(['toggle-pause', 'help', 'quit', 'quit']);
    detach();
    expect(tty.modes).toEqual([true, false]);
    expect(tty.isRaw).toBe(false);
    expect(tty.readableFlowing).toBe(false);
    tty.write('q');
    await tick();
    expect(got).toHaveLength(4);
    expect(tty.listenerCount('data')).toBe(0);
    detach();
    expect(tty.modes).toEqual([true, false]);
  });

  it('a terminal already in raw mode and already flowing stays so', async () => {
    const tty = new FakeTty(true);
    const other: string[] = [];
    tty.on('data', (c: Buffer) => other.push(c.toString()));
    expect(tty.readableFlowing).toBe(true);
    const got: KeyCommand[] = [];
    const detach = attachKeys(tty, (c) => got.push(c));
    detach();
    expect(tty.modes).toEqual([true, true]);
    expect(tty.isRaw).toBe(true);
    expect(tty.readableFlowing).toBe(true);
    tty.write('p');
    await tick();
    expect(other).toEqual(['p']);
    expect(got).toEqual([]);
  });

  it('a stdin that is not a terminal is left alone', async () => {
    const pipe = new PassThrough();
    const got: KeyCommand[] = [];
    const detach = attachKeys(pipe, (c) => got.push(c));
    expect(pipe.listenerCount('data')).toBe(0);
    expect(pipe.readableFlowing).toBe(null);
    pipe.write('q');
    await tick();
    expect(got).toEqual([]);
    expect(pipe.read()?.toString()).toBe('q'); // the data is still there for whoever reads it
    detach();
  });
});
