import { type ChildProcess, spawn } from 'node:child_process';
import { COMMAND } from './cli.js';

export interface TtyRun {
  child: ChildProcess;
  /** What the terminal showed so far (stdout and stderr together, as on a real terminal). */
  output(): string;
  /** Type keys into the terminal. */
  type(keys: string): void;
  /** Resolves with the exit code of ferry when it exits. */
  exited: Promise<{ code: number | null; output: string }>;
}

const quote = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`;

/**
 * Start `ferry ARGS` on a pseudo-terminal (util-linux `script`), so that the live view and its keys
 * are on, as for a user at a terminal. `script -e` exits with ferry's exit code.
 */
export function runCliTty(args: string[], options: { cwd?: string } = {}): TtyRun {
  const command = [COMMAND, ...args].map(quote).join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    cwd: options.cwd,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, COLUMNS: '100', LINES: '30' },
  });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (output += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (output += d));
  const exited = new Promise<{ code: number | null; output: string }>((resolve) => {
    child.on('close', (code) => resolve({ code, output }));
  });
  return { child, output: () => output, type: (keys) => child.stdin?.write(keys), exited };
}
