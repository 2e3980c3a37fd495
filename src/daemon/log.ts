/**
 * The daemon's log: one line per event, to standard error or to a file (created 0600: lines name
 * URLs and paths). Every line passes the terminal filter and has URL passwords hidden.
 */
import { chmodSync, closeSync, openSync, writeSync } from 'node:fs';
import { FerryError } from '../core/errors.js';
import { redactUrls } from '../core/redact.js';
import { terminalSafe } from '../core/terminal-text.js';

/** Where log lines go. */
export interface DaemonLog {
  /** Write one line (a time stamp is added). */
  line(text: string): void;
  close(): void;
}

/**
 * A log to `file` (appended, 0600) or, without one, to `stderr`.
 * @throws FerryError USAGE when the file cannot be opened
 */
export function openLog(file: string | undefined, stderr: { write(s: string): unknown }, now: () => Date = () => new Date()): DaemonLog {
  const format = (text: string): string => `${now().toISOString()} ${terminalSafe(redactUrls(text)).replace(/\s+/g, ' ')}\n`;
  if (file === undefined) return { line: (text) => void stderr.write(format(text)), close: () => undefined };
  let fd: number;
  try {
    fd = openSync(file, 'a', 0o600);
    chmodSync(file, 0o600);
  } catch (e) {
    throw new FerryError('USAGE', `cannot open the log file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {
      hint: 'fix --log or the permissions of its directory',
    });
  }
  let open = true;
  return {
    line: (text) => {
      if (open) writeSync(fd, format(text));
    },
    close: () => {
      if (open) closeSync(fd);
      open = false;
    },
  };
}
