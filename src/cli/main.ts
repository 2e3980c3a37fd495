import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { FerryError, isFerryError } from '../core/errors.js';
import { STDOUT_OUT } from '../core/filename.js';
import { parseInputFile } from '../core/input-file.js';
import type { DownloadOptions } from '../core/options.js';
import { formatDuration } from '../core/units.js';
import { type DownloadHandle, type DownloadResult, download, toFerryError } from '../index.js';
import { HELP_TEXT, type ParsedArgs, parseArgs } from './args.js';
import type { StartDaemon } from './client/subcommand.js';
import { EXIT, exitCodeFor } from './exit-codes.js';
import type { CliIO } from './io.js';
import { ProgressPrinter } from './progress-printer.js';
import { renderSummary } from './progress-render.js';
import { type QueueEntry, runQueue } from './queue-run.js';
import { shown, shownDeep } from './shown.js';

/** A first argument exactly one of these selects a subcommand; anything else is the one-shot command line. */
const SUBCOMMANDS: ReadonlySet<string> = new Set(['add', 'ls', 'pause', 'resume', 'rm', 'watch', 'shutdown', 'daemon', 'help']);

/**
 * The subcommands and `ferry daemon`, relative to this module (and to the bundled bin.js beside it).
 * Held in variables so the bundler leaves them out of bin.js: the one-shot path neither parses the
 * client (measured: ~6 ms of CPU when inlined) nor loads the daemon, the RPC server or SQLite.
 */
const CLIENT_MODULE = './client/subcommand.js';
const DAEMON_MODULE = '../daemon/main.js';

/** What main() can be given besides the I/O (tests pass their own daemon). */
export interface MainDeps {
  /** Runs `ferry daemon`; default: the daemon module, when this build has one. */
  startDaemon?: StartDaemon;
}

/** Run the `ferry` command with `argv` (without the program name); resolves to the exit code. */
export async function main(argv: string[], io: CliIO, deps: MainDeps = {}): Promise<number> {
  if (argv.length > 0 && SUBCOMMANDS.has(argv[0])) {
    // runSubcommand reports its own errors: it may be a separate copy of ferry's modules.
    const { runSubcommand } = (await import(CLIENT_MODULE)) as typeof import('./client/subcommand.js');
    return await runSubcommand(argv[0], argv.slice(1), io, { loadDaemon: async () => deps.startDaemon ?? (await loadDaemon()) });
  }
  let args: ParsedArgs;
  try {
    args = parseArgs(argv);
  } catch (e) {
    return reportError(io, e, argv.includes('--debug'));
  }
  if (args.help) {
    io.stdout.write(HELP_TEXT.endsWith('\n') ? HELP_TEXT : `${HELP_TEXT}\n`);
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
      return await runOne(io, args.urls[0], args.options, args);
    }
    const entries = [...args.urls.map((url) => ({ urls: [url], options: {} })), ...fromFile];
    return await runQueue(io, entries, {
      defaults: args.options,
      maxActive: args.maxActive,
      overallLimit: args.overallLimit,
      saveSession: args.saveSession,
      quiet: args.quiet,
      json: args.json,
    });
  } catch (e) {
    return reportError(io, e, args.debug);
  }
}

/** Download one URL with progress and signals; returns its exit code. */
async function runOne(io: CliIO, url: string, options: Partial<DownloadOptions>, args: ParsedArgs): Promise<number> {
  const human = !args.quiet && !args.json;
  const tty = human && io.stderr.isTTY === true;
  const handle: DownloadHandle = download(url, options, { stdout: io.output });
  const printer = new ProgressPrinter(io.stderr, () => handle.snapshot(), { tty });
  const json = (event: string, data: object): void => {
    if (args.json) io.stdout.write(`${JSON.stringify(shownDeep({ event, ...data }))}\n`);
  };

  handle.on('start', (s) => {
    json('start', s);
    if (human) {
      if (s.resumedBytes > 0) printer.say(`ferry: resuming ${shown(s.path)} (${s.resumedBytes} bytes already on disk)`);
      printer.start();
    }
  });
  handle.on('note', (m) => {
    json('note', { message: m });
    if (human) printer.say(`ferry: ${shown(m)}`);
  });
  handle.on('retry', (r) => {
    json('retry', { connection: r.connection, attempt: r.attempt, delayMs: Math.round(r.delayMs), code: r.error.code, message: r.error.message });
    if (args.debug && human)
      printer.say(`ferry: connection ${r.connection}: ${shown(r.error.message)}; retry ${r.attempt} in ${formatDuration(r.delayMs / 1000)}`);
    if (human) printer.setNote(`retrying: ${r.error.message}`);
  });
  handle.on('progress', (p) => {
    json('progress', { completedBytes: p.completedBytes, totalBytes: p.totalBytes, speed: Math.round(p.speed), connections: p.connections.length });
    if (human) printer.setNote(undefined);
  });

  let interrupts = 0;
  const unsubscribe = io.onInterrupt(() => {
    interrupts++;
    if (interrupts > 1) {
      printer.stop();
      io.exit(EXIT.interrupted);
    }
    if (human) printer.say('ferry: stopping (saving state; press Ctrl-C again to quit at once)');
    void handle.stop();
  });

  try {
    const result = await handle.done;
    printer.stop();
    json('result', result);
    return reportResult(io, result, human);
  } catch (e) {
    printer.stop();
    const err = toFerryError(e);
    json('error', { code: err.code, message: err.message, hint: err.hint });
    return reportError(io, err, args.debug);
  } finally {
    unsubscribe();
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

function reportResult(io: CliIO, r: DownloadResult, human: boolean): number {
  switch (r.status) {
    case 'complete':
      if (human)
        io.stderr.write(`${renderSummary({ name: r.path, path: r.path, bytes: r.totalBytes, elapsedMs: r.elapsedMs, resumedBytes: r.resumedBytes })}\n`);
      return EXIT.success;
    case 'already-complete':
      if (human) io.stderr.write(`ferry: ${shown(r.path)} is already complete (same size and date as on the server)\n`);
      return EXIT.success;
    case 'stopped':
      if (human) io.stderr.write(`ferry: stopped; ${shown(r.path)} is saved partly: run the same command again to resume\n`);
      return EXIT.interrupted;
    case 'cancelled':
      return EXIT.interrupted;
  }
}

/** One clear line (what, where, what to do); a stack only with --debug. Every line passes `shown`. */
function reportError(io: CliIO, e: unknown, debug: boolean): number {
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

/** Read and validate a whole input file (`-` = stdin) before anything starts. */
async function readInputFile(io: CliIO, file: string, quiet: boolean): Promise<QueueEntry[]> {
  let text: string;
  try {
    text = file === '-' ? await io.readStdin() : await readFile(file, 'utf8');
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
    const mod = (await import(specifier)) as { startDaemon?: StartDaemon };
    return mod.startDaemon;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if ((err.code === 'ERR_MODULE_NOT_FOUND' || err.code === 'MODULE_NOT_FOUND') && err.message.includes('daemon')) return undefined;
    throw e;
  }
}

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
