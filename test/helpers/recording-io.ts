import type { CliIO } from '../../src/cli/io.js';

/** How the recorded stderr looks to ferry (no `isTTY` at all by default), and the keys' stdin. */
export interface RecordingIOOptions {
  terminal?: { isTTY: boolean; columns?: number; rows?: number };
  stdin?: CliIO['stdin'];
}

/**
 * A CliIO for main() that keeps what is written to stdout and stderr: no standard input, an
 * empty environment, interrupts never delivered, and `exit` throwing `exit CODE`.
 */
export function recordingIO(options: RecordingIOOptions = {}): { io: CliIO; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const io: CliIO = {
    stdin: options.stdin,
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s), ...options.terminal },
    readStdin: async () => '',
    onInterrupt: () => () => undefined,
    exit: (code: number): never => {
      throw new Error(`exit ${code}`);
    },
    env: {},
  };
  return { io, out: () => out, err: () => err };
}
