/**
 * `ferry pause|resume|rm [--delete-files] ID...|--all` and `ferry shutdown`: IDs are GIDs or
 * unique GID prefixes, resolved against the daemon's lists; each GID acted on is printed.
 */
import { FerryError } from '../../core/errors.js';
import type { CliIO } from '../io.js';
import { parseCommandArgs } from './client-args.js';
import { readLists, resolveIds } from './daemon-lists.js';
import type { RpcClient } from './rpc-client.js';

/** ferry's extension to aria2: remove a download and, with `{ deleteFiles: true }`, its files. */
export const FERRY_REMOVE = 'ferry.remove';

const STOPPED = new Set(['complete', 'error', 'removed']);

/** The GIDs of `rest` (or all downloads with `--all`); exactly one of the two must be given. */
function wantIds(command: string, rest: string[], all: boolean): void {
  if (all && rest.length > 0) throw new FerryError('USAGE', `ferry ${command} takes IDs or --all, not both`);
  if (!all && rest.length === 0) throw new FerryError('USAGE', `ferry ${command} needs a download ID (a GID or its prefix) or --all`, { hint: 'see ferry ls' });
}

/** `ferry pause` / `ferry resume`; resolves to the exit code. */
export async function pauseResumeCommand(rpc: RpcClient, command: 'pause' | 'resume', argv: readonly string[], io: CliIO): Promise<number> {
  const { switches, rest } = parseCommandArgs(command, argv, ['--all']);
  const all = switches.has('--all');
  wantIds(command, rest, all);
  if (all) {
    await rpc.call(command === 'pause' ? 'aria2.pauseAll' : 'aria2.unpauseAll');
    io.stdout.write(`${command === 'pause' ? 'paused' : 'resumed'} all\n`);
    return 0;
  }
  for (const { gid } of await resolveIds(rpc, rest)) {
    await rpc.call(command === 'pause' ? 'aria2.pause' : 'aria2.unpause', [gid]);
    io.stdout.write(`${command === 'pause' ? 'paused' : 'resumed'} ${gid}\n`);
  }
  return 0;
}

/**
 * `ferry rm [--delete-files] ID...|--all`: a running or waiting download is removed (aria2.remove,
 * or ferry.remove with deleteFiles when asked and offered), a stopped one leaves the list
 * (aria2.removeDownloadResult). `--all` removes the active and waiting ones.
 */
export async function rmCommand(rpc: RpcClient, argv: readonly string[], io: CliIO): Promise<number> {
  const { switches, rest } = parseCommandArgs('rm', argv, ['--all', '--delete-files']);
  const all = switches.has('--all');
  wantIds('rm', rest, all);
  let deleteFiles = switches.has('--delete-files');
  if (deleteFiles) {
    const methods = await rpc.call<string[]>('system.listMethods');
    if (!methods.includes(FERRY_REMOVE)) {
      io.stderr.write(`ferry: the daemon at ${rpc.url} cannot delete files (it has no ${FERRY_REMOVE}); removing the downloads only\n`);
      deleteFiles = false;
    }
  }
  let targets: { gid: string; status: string }[];
  if (all) {
    const lists = await readLists(rpc, false, ['gid', 'status']);
    targets = [...lists.active, ...lists.waiting].map((s) => ({ gid: s.gid, status: s.status ?? '' }));
  } else {
    targets = await resolveIds(rpc, rest);
  }
  for (const { gid, status } of targets) {
    if (deleteFiles) await rpc.call(FERRY_REMOVE, [gid, { deleteFiles: true }]);
    else if (STOPPED.has(status)) await rpc.call('aria2.removeDownloadResult', [gid]);
    else await rpc.call('aria2.remove', [gid]);
    io.stdout.write(`removed ${gid}\n`);
  }
  return 0;
}

/** `ferry shutdown`: ask the daemon to stop (it saves its state first). */
export async function shutdownCommand(rpc: RpcClient, argv: readonly string[], io: CliIO): Promise<number> {
  const { rest } = parseCommandArgs('shutdown', argv, []);
  if (rest.length > 0) throw new FerryError('USAGE', `ferry shutdown takes no arguments, got '${rest[0]}'`);
  await rpc.call('aria2.shutdown');
  io.stderr.write(`ferry: the daemon at ${rpc.url} is shutting down\n`);
  return 0;
}
