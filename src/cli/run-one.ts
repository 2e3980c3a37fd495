/**
 * One download on the command line: progress view, keys, signals, `--json` events and the final
 * line. Pause stops the Download (its state is checkpointed into the control file) and resume
 * starts a new one of the same URL, which resumes from that control file.
 */
import type { DownloadOptions } from '../core/options.js';
import { DEFAULT_OPTIONS } from '../core/options.js';
import { randomId } from '../core/random-id.js';
import { formatBytes, formatDuration } from '../core/units.js';
import type { ProgressSnapshot } from '../engine/download-types.js';
import { type DownloadHandle, type DownloadResult, download, toFerryError } from '../index.js';
import { EXIT } from './exit-codes.js';
import type { CliIO } from './io.js';
import { worthOptimizing } from './jit-tiers.js';
import { type EventSubject, type JsonEventName, jsonEventLine } from './json-events.js';
import { attachKeys, HELP_KEYS, type KeyCommand } from './keys.js';
import { ProgressPrinter } from './progress-printer.js';
import { renderSummary } from './progress-render.js';
import { reportError } from './report-error.js';
import { shown } from './shown.js';

/** How the single download reports. */
export interface RunOneSettings {
  quiet: boolean;
  json: boolean;
  debug: boolean;
  /** Turns TurboFan on; called when the download starts if it is worth it (see jit-tiers.ts). */
  optimize?: () => void;
}

/** The summary line never takes more columns than this. */
const SUMMARY_WIDTH = 80;

/** `retry 2/5 in 4s: HTTP 503` (no `/max` when tries are unlimited); waits under a second in ms. */
export function retryText(attempt: number, maxTries: number, delayMs: number, message: string): string {
  const wait = delayMs < 1000 ? `${Math.max(0, Math.round(delayMs))}ms` : formatDuration(delayMs / 1000);
  return `retry ${attempt}${maxTries > 0 ? `/${maxTries}` : ''} in ${wait}: ${message}`;
}

/** Download one URL with progress, keys (p, q, ?) and signals; resolves to its exit code. */
export async function runOne(io: CliIO, url: string, options: Partial<DownloadOptions>, s: RunOneSettings): Promise<number> {
  const human = !s.quiet && !s.json;
  const tty = human && io.stderr.isTTY === true;
  const maxTries = options.maxTries ?? DEFAULT_OPTIONS.maxTries;
  const subject: EventSubject = { id: randomId(), url };
  const emit = (event: JsonEventName, data: object = {}): void => {
    if (s.json) io.stdout.write(jsonEventLine(event, subject, data));
  };

  // Invariants: `handle` is the current run (a new one after each resume); `elapsedBefore` is the
  // active time of the runs before it; `firstResumed` is what was on disk when the command began.
  let handle: DownloadHandle | undefined;
  let elapsedBefore = 0;
  let firstResumed: number | undefined;
  let runs = 0;
  let paused = false;
  let stoppedForPause = false;
  let quitting = false;
  let wake: () => void = () => undefined;

  const snapshot = (): ProgressSnapshot => {
    const snap = handle?.snapshot() ?? { url, completedBytes: 0, sessionBytes: 0, speed: 0, elapsedMs: 0, connections: [] };
    return { ...snap, elapsedMs: elapsedBefore + snap.elapsedMs };
  };
  const printer = new ProgressPrinter(io.stderr, snapshot, { tty });

  const quit = (): void => {
    if (quitting) {
      printer.stop();
      detachKeys();
      io.exit(EXIT.interrupted);
    }
    quitting = true;
    if (human) printer.say('ferry: stopping (saving state; press Ctrl-C again to quit at once)');
    void handle?.stop();
    wake();
  };
  const togglePause = (): void => {
    if (quitting) return;
    paused = !paused;
    printer.setPaused(paused);
    emit(paused ? 'pause' : 'resume', { state: paused ? 'paused' : 'active' });
    if (paused && !stoppedForPause) {
      stoppedForPause = true;
      void handle?.stop();
    }
    wake();
  };
  const onCommand = (c: KeyCommand): void => {
    if (c === 'quit') quit();
    else if (c === 'toggle-pause') togglePause();
    else if (human) printer.say(HELP_KEYS);
  };
  const detachKeys = io.stdin ? attachKeys(io.stdin, onCommand) : () => undefined;
  const unsubscribe = io.onInterrupt(quit);

  const listen = (h: DownloadHandle): void => {
    h.on('start', (info) => {
      if (worthOptimizing(info)) s.optimize?.();
      subject.path = info.path;
      emit('start', { ...info, state: 'active' });
      if (firstResumed !== undefined) return; // a resume after a pause: the view is already there
      firstResumed = info.resumedBytes;
      if (human) {
        if (info.resumedBytes > 0) printer.say(`ferry: resuming ${shown(info.path)} (${formatBytes(info.resumedBytes)} already on disk)`);
        printer.start();
      }
    });
    h.on('note', (m) => {
      emit('note', { message: m });
      if (human) printer.say(`ferry: ${shown(m)}`);
    });
    h.on('retry', (r) => {
      const { connection, attempt } = r;
      emit('retry', { connection, attempt, maxTries, delayMs: Math.round(r.delayMs), code: r.error.code, message: r.error.message });
      if (!human) return;
      const who = s.debug ? `connection ${connection}: ` : '';
      printer.say(`ferry: ${who}${retryText(attempt, maxTries, r.delayMs, shown(r.error.message))}`);
      printer.setNote(`retrying: ${r.error.message}`);
    });
    h.on('progress', (p) => {
      const { completedBytes, totalBytes } = p;
      emit('progress', { completedBytes, totalBytes, speed: Math.round(p.speed), connections: p.connections.length, state: 'active' });
      if (human) printer.setNote(undefined);
    });
  };

  // The environment's proxy variables apply below the proxy options; --debug names each connection's route.
  const debug = s.debug ? (line: string): void => (human ? printer.say(`ferry: ${shown(line)}`) : void io.stderr.write(`ferry: ${shown(line)}\n`)) : undefined;
  try {
    for (;;) {
      handle = download(url, options, { env: io.env, debug, stdout: io.output, bootIdFile: io.env.FERRY_BOOT_ID_FILE });
      stoppedForPause = paused; // a pause pressed while no run was going: stop this one at once
      runs++;
      listen(handle);
      if (paused) void handle.stop();
      let result: DownloadResult;
      try {
        result = await handle.done;
      } catch (e) {
        // A stop before the transfer began (during the probe or its retry wait) ends in an error
        // (the aborted request's): after p or q it means stopped. A real error comes back on resume.
        const stopped = stoppedForPause || quitting;
        if (stopped && !quitting && (await resumed())) continue;
        printer.stop();
        if (stopped) {
          emit('result', { status: 'stopped', totalBytes: 0, elapsedMs: elapsedBefore, state: 'paused' });
          if (human) io.stderr.write('ferry: stopped before the transfer began; run the same command again to start it\n');
          return EXIT.interrupted;
        }
        const err = toFerryError(e);
        emit('error', { code: err.code, message: err.message, hint: err.hint, state: 'error' });
        return reportError(io, err, s.debug);
      }
      elapsedBefore += result.elapsedMs;
      if (result.status === 'stopped' && stoppedForPause && !quitting && (await resumed())) continue;
      printer.stop();
      return finish(io, whole(result), human, emit);
    }
  } finally {
    detachKeys();
    unsubscribe();
    printer.stop();
  }

  /** Wait while paused; true when the user resumed, false when they quit. */
  async function resumed(): Promise<boolean> {
    while (paused && !quitting) await new Promise<void>((resolve) => (wake = resolve));
    return !quitting;
  }

  /** The result of the whole command (all runs), not only of the last run. */
  function whole(r: DownloadResult): DownloadResult {
    if (runs === 1) return r;
    const resumedBytes = Math.min(firstResumed ?? 0, r.totalBytes);
    return { ...r, resumedBytes, sessionBytes: Math.max(0, r.totalBytes - resumedBytes), elapsedMs: elapsedBefore };
  }
}

function finish(io: CliIO, r: DownloadResult, human: boolean, emit: (event: JsonEventName, data?: object) => void): number {
  const done = r.status === 'complete' || r.status === 'already-complete';
  if (done) emit('complete', { totalBytes: r.totalBytes, state: 'complete' });
  emit('result', { ...r, state: done ? 'complete' : r.status === 'cancelled' ? 'cancelled' : 'paused' });
  switch (r.status) {
    case 'complete':
      if (human) {
        const summary = { name: r.path, path: r.path, bytes: r.totalBytes, elapsedMs: r.elapsedMs, resumedBytes: r.resumedBytes };
        io.stderr.write(`${renderSummary(summary, SUMMARY_WIDTH)}\n`);
      }
      return EXIT.success;
    case 'already-complete':
      if (human) io.stderr.write(`ferry: ${shown(r.path)} is already complete (same size and date as on the server)\n`);
      return EXIT.success;
    case 'stopped':
      if (human && r.totalBytes === 0) io.stderr.write('ferry: stopped before the transfer began; run the same command again to start it\n');
      else if (human) io.stderr.write(`ferry: stopped; ${shown(r.path)} is saved partly: run the same command again to resume\n`);
      return EXIT.interrupted;
    case 'cancelled':
      return EXIT.interrupted;
  }
}
