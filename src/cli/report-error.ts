import { isFerryError } from '../core/errors.js';
import { toFerryError } from '../index.js';
import { exitCodeFor } from './exit-codes.js';
import type { CliIO } from './io.js';
import { shown } from './shown.js';

/**
 * Print an error as one clear line (what, where, what to do) and return its exit code; a stack
 * only with `debug`. Every line passes `shown`.
 */
export function reportError(io: CliIO, e: unknown, debug: boolean): number {
  const err = isFerryError(e) ? e : toFerryError(e);
  const hint = err.hint ? ` (${err.hint})` : '';
  // A message of several lines (an input file's bad lines) gets the prefix on each line.
  io.stderr.write(
    `${`${err.message}${hint}`
      .split('\n')
      .map((l) => `ferry: ${shown(l)}`)
      .join('\n')}\n`,
  );
  if (debug && e instanceof Error && e.stack) io.stderr.write(`${e.stack.split('\n').map(shown).join('\n')}\n`);
  return exitCodeFor(err);
}
