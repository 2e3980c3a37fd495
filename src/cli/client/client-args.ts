/**
 * The command line of a client command after `--rpc-url`/`--rpc-secret` were taken out: the
 * command's own switches (`--all`, `--json`, `--pause`, ...) are picked out, and what is left
 * (ferry's download options for `ferry add`, or GIDs) is returned in order. Pure.
 */

import { optionTakesValue } from '../../core/cli-args.js';
import { FerryError } from '../../core/errors.js';
import { quote } from '../../core/input-file-values.js';

/** What a command's switches and the rest are. */
export interface CommandArgs {
  /** The switches given, by long name (`--all`). */
  switches: Set<string>;
  /** Everything else, in order (a ferry option keeps the value it consumes). */
  rest: string[];
}

/**
 * Pick `switches` (long names, plus `-h`/`--help` and `--debug` always) out of `argv`. With
 * `passOptions`, other options are ferry download options and pass through with their values;
 * without, any other option is an error naming the command.
 * @throws FerryError USAGE for an unknown option or a value given to a switch.
 */
export function parseCommandArgs(command: string, argv: readonly string[], switches: readonly string[], passOptions = false): CommandArgs {
  const known = new Set([...switches, '--help', '--debug']);
  const out: CommandArgs = { switches: new Set(), rest: [] };
  let ended = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (ended || arg === '-' || !arg.startsWith('-')) {
      out.rest.push(arg);
      continue;
    }
    if (arg === '--') {
      ended = true;
      if (passOptions) out.rest.push(arg);
      continue;
    }
    const name = arg === '-h' ? '--help' : arg;
    if (known.has(name)) {
      out.switches.add(name);
      continue;
    }
    const flag = arg.startsWith('--') && arg.includes('=') ? arg.slice(0, arg.indexOf('=')) : arg;
    if (known.has(flag)) throw new FerryError('USAGE', `${flag} takes no value, got ${quote(arg)}`);
    if (!passOptions) {
      throw new FerryError('USAGE', `ferry ${command} has no option ${quote(arg)}`, { hint: `see ferry ${command} --help` });
    }
    out.rest.push(arg);
    if (flag === arg && optionTakesValue(arg) === true && i + 1 < argv.length) out.rest.push(argv[++i]);
  }
  return out;
}
