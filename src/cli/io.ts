import { isatty } from 'node:tty';
import type { ByteSink } from '../index.js';
import type { KeyInput } from './keys.js';

/** What the command line touches of the process; tests pass their own. */
export interface CliIO {
  /** The terminal for keys (p, q, ?); absent or not a TTY: no keys. */
  stdin?: KeyInput;
  stdout: { write(s: string): unknown };
  /** Standard output as a byte stream, for `-o -` (absent: `-o -` is refused). */
  output?: ByteSink;
  stderr: { write(s: string): unknown; isTTY?: boolean; columns?: number; rows?: number };
  /** Read all of standard input (for `-i -`). */
  readStdin(): Promise<string>;
  /** Subscribe to SIGINT/SIGTERM; returns an unsubscribe function. */
  onInterrupt(handler: () => void): () => void;
  /** Leave at once with this code (a second Ctrl-C). */
  exit(code: number): never;
  env: Record<string, string | undefined>;
}

/**
 * The real process. Its standard streams are made when first used (making process.stdin alone
 * took 1.5-2 ms, before a download's first request): stdin only for a terminal, the one case
 * where it is read for keys.
 */
export function processIO(): CliIO {
  return {
    get stdin() {
      return isatty(0) ? process.stdin : undefined;
    },
    get stdout() {
      return process.stdout;
    },
    get output() {
      return process.stdout;
    },
    stderr: process.stderr,
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    onInterrupt(handler) {
      process.on('SIGINT', handler);
      process.on('SIGTERM', handler);
      return () => {
        process.off('SIGINT', handler);
        process.off('SIGTERM', handler);
      };
    },
    exit: (code) => process.exit(code),
    env: process.env,
  };
}
