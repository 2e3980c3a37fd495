/**
 * `ferry ls [--all] [--json]`: the daemon's active and waiting downloads (and stopped ones with
 * `--all`) as a table, or with `--json` as aria2's status objects, exactly as returned.
 */

import { FerryError } from '../../core/errors.js';
import type { CliIO } from '../io.js';
import { STATUS_KEYS } from './aria2-status.js';
import { parseCommandArgs } from './client-args.js';
import { readLists } from './daemon-lists.js';
import { renderLs } from './ls-render.js';
import type { RpcClient } from './rpc-client.js';

/** List the downloads; resolves to the exit code. */
export async function lsCommand(rpc: RpcClient, argv: readonly string[], io: CliIO): Promise<number> {
  const { switches, rest } = parseCommandArgs('ls', argv, ['--all', '--json']);
  if (rest.length > 0) throw new FerryError('USAGE', `ferry ls takes no arguments, got '${rest[0]}'`, { hint: 'see ferry ls --help' });
  const json = switches.has('--json');
  const lists = await readLists(rpc, switches.has('--all'), json ? undefined : STATUS_KEYS);
  const all = [...lists.active, ...lists.waiting, ...lists.stopped];
  if (json) io.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
  else io.stdout.write(`${renderLs(all).join('\n')}\n`);
  return 0;
}
