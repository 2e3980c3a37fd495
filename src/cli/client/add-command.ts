/**
 * `ferry add URL... [-d DIR] [-o NAME] [--pause] [options]`: one download per URL on the daemon,
 * with ferry's download options sent as aria2 RPC options; prints each new GID on its own line.
 */
import { resolve } from 'node:path';
import { parseArgs } from '../../core/cli-args.js';
import { FerryError } from '../../core/errors.js';
import { toRpcOptions } from '../../core/input-file-keys.js';
import { checkUrl } from '../../core/input-file-values.js';
import type { CliIO } from '../io.js';
import { parseCommandArgs } from './client-args.js';
import type { RpcClient } from './rpc-client.js';

/** Add the URLs of `argv` (after `add`); resolves to the exit code. */
export async function addCommand(rpc: RpcClient, argv: readonly string[], io: CliIO): Promise<number> {
  const { switches, rest } = parseCommandArgs('add', argv, ['--pause'], true);
  const args = parseArgs(rest);
  if (args.inputFile !== undefined || args.saveSession !== undefined || args.maxActive !== undefined || args.overallLimit !== undefined) {
    throw new FerryError('USAGE', 'ferry add takes download options only (not -i, --save-session, -j or --max-overall-download-limit)', {
      hint: 'give queue settings to ferry daemon',
    });
  }
  if (args.urls.length === 0) throw new FerryError('USAGE', 'ferry add needs a URL', { hint: 'usage: ferry add URL... [-d DIR] [-o NAME] [--pause]' });
  if (args.urls.length > 1 && args.options.out !== undefined) {
    throw new FerryError('USAGE', '-o/--output names one file but several URLs were given', { hint: 'use -d DIR instead' });
  }
  for (const url of args.urls) checkUrl(url);
  // The daemon runs elsewhere: paths the user typed mean paths from here.
  for (const key of ['dir', 'caCertificate', 'netrcPath'] as const) {
    const path = args.options[key];
    if (path !== undefined) args.options[key] = resolve(path);
  }
  const options: Record<string, string | string[]> = toRpcOptions(args.options);
  if (switches.has('--pause')) options.pause = 'true';
  for (const url of args.urls) {
    const gid = await rpc.call<string>('aria2.addUri', [[url], options]);
    io.stdout.write(`${gid}\n`);
  }
  return 0;
}
