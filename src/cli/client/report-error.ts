/** How a subcommand reports a failure: the same one-line format as the one-shot command line. */
import { FerryError, isFerryError } from '../../core/errors.js';
import { exitCodeFor } from '../exit-codes.js';
import type { CliIO } from '../io.js';

/** Write `ferry: MESSAGE (HINT)` (each line prefixed), a stack only with `debug`; returns the exit code. */
export function reportError(io: CliIO, e: unknown, debug: boolean): number {
  const err = isFerryError(e) ? e : new FerryError('UNSUPPORTED', e instanceof Error ? e.message : String(e), { cause: e });
  const hint = err.hint ? ` (${err.hint})` : '';
  io.stderr.write(
    `${`${err.message}${hint}`
      .split('\n')
      .map((l) => `ferry: ${l}`)
      .join('\n')}\n`,
  );
  if (debug && e instanceof Error && e.stack) io.stderr.write(`${e.stack}\n`);
  return isFerryError(e) ? exitCodeFor(err) : exitCodeFor(e);
}
