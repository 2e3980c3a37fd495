/**
 * The `ferry` command as installed (dist/cli/ferry, made by scripts/build-cli.mjs from ferry.sh): a
 * POSIX sh script that starts Node on the launcher beside it (ferry.cjs) with two changes to Node's
 * start.
 *
 * - `NODE_START_FLAGS`: V8's young generation is capped at 2 MiB semi-spaces (16 MiB by default).
 *   A list of 500 small files peaked at 59.3-61.4 MiB instead of 69.0-70.2 MiB; one 1 GiB download
 *   took 1.30 s against 1.28 s (medians of 5, within the noise). V8 takes this only at start: set
 *   from a running script it leaves the heap as it was. The build makes the code cache under the same
 *   flags (V8 rejects a cache made under others).
 * - NODE_EXTRA_CA_CERTS is handed on as FERRY_EXTRA_CA_CERTS and taken out of Node's environment.
 *   Node 20 parses that file and all of its own roots at every start (about 0.07 s here, with the
 *   system bundle); ferry adds the file to the default roots when a TLS connection first needs it
 *   (src/sources/net/trust.ts), so a plain-HTTP or FTP run never parses it.
 *
 * `node ferry.cjs` still works; Node then loads the extra certificates itself, and the code cache
 * does not fit (the bundle is compiled as it loads).
 */

/** The options the command starts Node with (before the launcher). */
export const NODE_START_FLAGS: readonly string[] = ['--max-semi-space-size=2'];

const FLAGS_MARK = '@NODE_START_FLAGS@';

/** The text of dist/cli/ferry: `template` (src/cli/ferry.sh) with the start flags filled in. */
export function startScript(template: string): string {
  if (!template.includes(FLAGS_MARK)) throw new Error(`the command's template has no ${FLAGS_MARK}`);
  return template.replace(FLAGS_MARK, NODE_START_FLAGS.join(' '));
}
