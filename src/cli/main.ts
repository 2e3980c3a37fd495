import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { FerryError, isFerryError } from '../core/errors.js';
import { parseInputFile } from '../core/input-file.js';
import type { DownloadOptions } from '../core/options.js';
import { formatDuration } from '../core/units.js';
import { type DownloadHandle, type DownloadResult, download, toFerryError } from '../index.js';
import { type ParsedArgs, parseArgs } from './args.js';
import { renderCompletion } from './completion.js';
import { EXIT, exitCodeFor } from './exit-codes.js';
import { HELP_TEXT } from './help.js';
import type { CliIO } from './io.js';
import { ProgressPrinter } from './progress-printer.js';
import { renderSummary } from './progress-render.js';
import { type QueueEntry, runQueue } from './queue-run.js';
import { shown, shownDeep } from './shown.js';

/** Run the `ferry` command with `argv` (without the program name); resolves to the exit code. */
export async function main(argv: string[], io: CliIO): Promise<number> {
  let args: ParsedArgs;
  try {
    // `ferry help [...]` is `ferry --help`.
    args = parseArgs(argv[0] === 'help' ? ['--help'] : argv);
  } catch (e) {
    return reportError(io, e, argv.includes('--debug'));
  }
  if (args.help) {
    io.stdout.write(HELP_TEXT);
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
  const handle: DownloadHandle = download(url, options);
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

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
