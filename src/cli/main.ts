import { readFileSync } from 'node:fs';
import { type ParsedArgs, parseArgs } from '../core/cli-args.js';
import { FerryError } from '../core/errors.js';
import { STDOUT_OUT } from '../core/filename.js';
import { parseInputFile } from '../core/input-file.js';
import { readPackageVersion } from '../package-version.js';
import { runTimeImport } from '../run-time-import.js';
import type { StartDaemon } from './client/subcommand.js';
import { renderCompletion } from './completion.js';
import { EXIT } from './exit-codes.js';
import { renderHelp } from './help.js';
import type { CliIO } from './io.js';
import { type QueueEntry, runQueue } from './queue-run.js';
import { reportError } from './report-error.js';
import { runOne } from './run-one.js';
import { shown } from './shown.js';

/** A first argument exactly one of these selects a subcommand; anything else is the one-shot command line. */
const SUBCOMMANDS: ReadonlySet<string> = new Set(['add', 'ls', 'pause', 'resume', 'rm', 'watch', 'shutdown', 'daemon', 'help']);

/**
 * The subcommands and `ferry daemon`, relative to this module (and to the bundled dist/cli/ferry.cjs beside it).
 * Held in variables so the bundler leaves them out of ferry.cjs: the one-shot path neither parses the
 * client (measured: ~6 ms of CPU when inlined) nor loads the daemon, the RPC server or SQLite.
 */
const CLIENT_MODULE = './client/subcommand.js';
const DAEMON_MODULE = '../daemon/main.js';

/** What main() can be given besides the I/O (tests pass their own daemon). */
export interface MainDeps {
  /** Runs `ferry daemon`; default: the daemon module, when this build has one. */
  startDaemon?: StartDaemon;
  /**
   * Called when the run pays for V8's optimizing compiler from now on: the daemon at its start, a
   * large HTTPS download of a one-URL run as it starts (see jit-tiers.ts). The command's entry
   * point turns TurboFan on.
   */
  optimize?: () => void;
}

/** Run the `ferry` command with `argv` (without the program name); resolves to the exit code. */
export async function main(argv: string[], io: CliIO, deps: MainDeps = {}): Promise<number> {
  // `ferry help` alone is `ferry --help`; `ferry help COMMAND` is that command's help.
  const plainHelp = argv.length === 1 && argv[0] === 'help';
  if (argv.length > 0 && SUBCOMMANDS.has(argv[0]) && !plainHelp) {
    if (argv[0] === 'daemon') deps.optimize?.();
    // runSubcommand reports its own errors: it may be a separate copy of ferry's modules.
    const { runSubcommand } = await runTimeImport<typeof import('./client/subcommand.js')>(CLIENT_MODULE, import.meta.url);
    return await runSubcommand(argv[0], argv.slice(1), io, { loadDaemon: async () => deps.startDaemon ?? (await loadDaemon()) });
  }
  let args: ParsedArgs;
  try {
    // `ferry help [...]` is `ferry --help`.
    args = parseArgs(argv[0] === 'help' ? ['--help'] : argv);
  } catch (e) {
    return reportError(io, e, argv.includes('--debug'));
  }
  if (args.help) {
    io.stdout.write(renderHelp());
    return EXIT.success;
  }
  if (args.completion !== undefined) {
    io.stdout.write(renderCompletion(args.completion));
    return EXIT.success;
  }
  if (args.version) {
    io.stdout.write(`ferry ${version()}\n`);
    return EXIT.success;
  }
  try {
    const fromFile = args.inputFile === undefined ? [] : await readInputFile(io, args.inputFile, args.quiet);
    if (args.urls.length === 0 && fromFile.length === 0 && args.inputFile === undefined) {
      throw new FerryError('USAGE', 'no URL given', { hint: 'usage: ferry URL [-o FILE] [-d DIR] [-n N]; see ferry --help' });
    }
    if (args.urls.length > 1 && args.options.out !== undefined) {
      throw new FerryError('USAGE', '-o/--output names one file but several URLs were given', { hint: 'use -d DIR instead' });
    }
    if (args.options.out === STDOUT_OUT) checkStdoutRun(io, args);
    if (args.urls.length === 1 && args.inputFile === undefined && args.saveSession === undefined) {
      return await runOne(io, args.urls[0], args.options, { quiet: args.quiet, json: args.json, debug: args.debug, optimize: deps.optimize });
    }
    const entries = [...args.urls.map((url) => ({ urls: [url], options: {} })), ...fromFile];
    return await runQueue(io, entries, {
      defaults: args.options,
      maxActive: args.maxActive,
      overallLimit: args.overallLimit,
      saveSession: args.saveSession,
      quiet: args.quiet,
      json: args.json,
      env: io.env,
      debug: args.debug,
    });
  } catch (e) {
    return reportError(io, e, args.debug);
  }
}

/**
 * `-o -` writes one download to standard output: one URL on the command line, no `--json` (its
 * events would mix with the bytes), and a process whose standard output takes bytes.
 * @throws FerryError USAGE naming what to change.
 */
function checkStdoutRun(io: CliIO, args: ParsedArgs): void {
  const refuse = (why: string, hint: string): FerryError => new FerryError('USAGE', `-o - (standard output) ${why}`, { hint });
  if (args.urls.length !== 1 || args.inputFile !== undefined || args.saveSession !== undefined)
    throw refuse('takes exactly one URL, without -i or --save-session', 'give one URL, or save into files with -d DIR');
  if (args.json) throw refuse('cannot be combined with --json (both write to standard output)', 'drop --json, or save into a file with -o FILE');
  if (args.options.continuePartial) throw refuse('cannot be continued with -c', 'continue a file instead: -c -o FILE');
  if (io.output === undefined) throw refuse('is not available here', 'save into a file with -o FILE');
}

/** Read and validate a whole input file (`-` = stdin) before anything starts. */
async function readInputFile(io: CliIO, file: string, quiet: boolean): Promise<QueueEntry[]> {
  let text: string;
  try {
    text = file === '-' ? await io.readStdin() : readFileSync(file, 'utf8');
  } catch (e) {
    throw new FerryError('USAGE', `cannot read the input file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {
      hint: 'check the path given to -i',
    });
  }
  const parsed = parseInputFile(text, file === '-' ? '<stdin>' : file);
  if (!quiet) for (const w of parsed.warnings) io.stderr.write(`ferry: warning: ${shown(w)}\n`);
  return parsed.entries.map((e) => ({ urls: e.urls, options: e.options }));
}

/** The daemon's entry point, or undefined when this build has no daemon module. */
async function loadDaemon(): Promise<StartDaemon | undefined> {
  const specifier = DAEMON_MODULE;
  try {
    const mod = await runTimeImport<{ startDaemon?: StartDaemon }>(specifier, import.meta.url);
    return mod.startDaemon;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if ((err.code === 'ERR_MODULE_NOT_FOUND' || err.code === 'MODULE_NOT_FOUND') && err.message.includes('daemon')) return undefined;
    throw e;
  }
}

/** ferry's version, from the package.json above dist/ (or src/). */
const version = (): string => readPackageVersion(new URL('../../package.json', import.meta.url));
