/**
 * The subcommands of `ferry` (`add`, `ls`, `pause`, `resume`, `rm`, `watch`, `shutdown`,
 * `daemon`, `help`). Loaded only when one is used, so the one-shot path never pays for it.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { clientSettings } from '../../core/client-settings.js';
import { type DaemonConfig, parseDaemonConfig } from '../../core/daemon-config.js';
import { FerryError } from '../../core/errors.js';
import type { CliIO } from '../io.js';
import { addCommand } from './add-command.js';
import { clientHelp } from './client-help.js';
import { pauseResumeCommand, rmCommand, shutdownCommand } from './control-commands.js';
import { lsCommand } from './ls-command.js';
import { reportError } from './report-error.js';
import { createRpcClient } from './rpc-client.js';
import { watchCommand } from './watch-command.js';

/** Runs the daemon with `config` until it stops; resolves to the exit code. */
export type StartDaemon = (config: DaemonConfig, io: CliIO) => Promise<number>;

/** What the subcommands need besides the I/O. */
export interface SubcommandDeps {
  /** Provides `ferry daemon`; undefined: this build has no daemon. */
  loadDaemon(): Promise<StartDaemon | undefined>;
}

/**
 * Run subcommand `name` with its arguments; resolves to the exit code. A failure is reported
 * here as one clear line (a stack only with `--debug`): this module may be loaded as a copy of
 * ferry's modules apart from the bundle, whose error classes the caller would not recognise.
 */
export async function runSubcommand(name: string, argv: readonly string[], io: CliIO, deps: SubcommandDeps): Promise<number> {
  try {
    return await run(name, argv, io, deps);
  } catch (e) {
    return reportError(io, e, argv.includes('--debug'));
  }
}

async function run(name: string, argv: readonly string[], io: CliIO, deps: SubcommandDeps): Promise<number> {
  const home = io.env.HOME ?? homedir();
  const readFile = (path: string): string => readFileSync(path, 'utf8');
  if (name === 'help') {
    io.stdout.write(clientHelp(argv[0]));
    return 0;
  }
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(clientHelp(name));
    return 0;
  }
  if (name === 'daemon') {
    const config = parseDaemonConfig(argv, { env: io.env, home, readFile });
    const start = await deps.loadDaemon();
    if (start === undefined) throw new FerryError('UNSUPPORTED', 'ferry daemon is not available in this build');
    return await start(config, io);
  }
  const settings = clientSettings(argv, io.env, { home, readFile });
  const rpc = createRpcClient(settings.url, settings.secret);
  switch (name) {
    case 'add':
      return await addCommand(rpc, settings.rest, io);
    case 'ls':
      return await lsCommand(rpc, settings.rest, io);
    case 'pause':
    case 'resume':
      return await pauseResumeCommand(rpc, name, settings.rest, io);
    case 'rm':
      return await rmCommand(rpc, settings.rest, io);
    case 'watch':
      return await watchCommand(rpc, settings.rest, io);
    case 'shutdown':
      return await shutdownCommand(rpc, settings.rest, io);
    default:
      throw new FerryError('USAGE', `unknown command ${name}`, { hint: 'see ferry help' });
  }
}
