import { FerryError } from '../core/errors.js';
import { DEFAULT_OPTIONS, type DownloadOptions } from '../core/options.js';
import { createEngine, type DownloadInfo, type Engine, isFerryError, OutputClaims, reserveOutput, saveSessionFile, unfinishedEntries } from '../index.js';
import { EXIT, exitCodeFor } from './exit-codes.js';
import type { CliIO } from './io.js';
import { type JsonEventName, jsonEventLine, resultStatus } from './json-events.js';
import { attachKeys, HELP_KEYS } from './keys.js';
import { LiveView } from './live-view.js';
import { renderQueue, renderSummaryTable } from './queue-render.js';
import { shown } from './shown.js';

/** One download of the queue, as the command line or an input file gave it. */
export interface QueueEntry {
  urls: string[];
  options: Partial<DownloadOptions>;
}

export interface QueueSettings {
  /** Options from the command line: defaults for every entry. */
  defaults: Partial<DownloadOptions>;
  maxActive?: number;
  overallLimit?: number;
  saveSession?: string;
  quiet: boolean;
  json: boolean;
  /** The environment (its proxy variables apply below the proxy options). */
  env?: Record<string, string | undefined>;
  /** `--debug`: a line per new connection with its route. */
  debug?: boolean;
}

const SESSION_EVERY_MS = 5000;

/**
 * Run many downloads as one queue with a live view (a line per active download, totals, keys p/q/?)
 * and exit by itself when the queue is done: 0 only when every download completed.
 */
export async function runQueue(io: CliIO, entries: QueueEntry[], s: QueueSettings): Promise<number> {
  checkOutputs(entries, s.defaults);
  const { limitRate, ...defaults } = s.defaults;
  const human = !s.quiet && !s.json;
  const debug = s.debug ? (line: string): void => (human ? view.say(`ferry: ${shown(line)}`) : void io.stderr.write(`ferry: ${shown(line)}\n`)) : undefined;
  const engine = createEngine(
    { ...defaults, downloadLimitRate: limitRate, limitRate: s.overallLimit, maxActive: s.maxActive },
    { env: s.env, debug, bootIdFile: s.env?.FERRY_BOOT_ID_FILE },
  );
  const tty = human && io.stderr.isTTY === true;
  const view = new QueueView(io, engine, tty);
  const json = (event: JsonEventName, d: Pick<DownloadInfo, 'id' | 'url' | 'path' | 'name' | 'state'>, extra: object = {}): void => {
    if (s.json) io.stdout.write(jsonEventLine(event, d, { name: d.name, state: d.state, ...extra }));
  };
  const say = (line: string): void => {
    if (human) view.say(line);
  };
  /** An error line: printed with -q and --json too (on stderr, where --json never writes). */
  const sayError = (line: string): void => {
    if (human) view.say(line);
    else io.stderr.write(`${line}\n`);
  };
  /** What the user calls a download in a line: its name, or its URL (password hidden); terminal-safe. */
  const label = (d: DownloadInfo): string => shown(d.name ?? d.url);

  engine.on('start', (d) => json('start', d));
  engine.on('complete', (d) => {
    json('complete', d, { totalBytes: d.totalBytes });
    if (!tty) say(`ferry: done ${shown(d.path ?? d.url)}`);
  });
  engine.on('error', (d) => {
    json('error', d, { code: d.errorCode, message: d.errorMessage });
    sayError(`ferry: FAILED ${label(d)}: ${shown(d.errorMessage ?? 'unknown error')}`);
  });
  engine.on('note', (d, m) => {
    json('note', d, { message: m });
    say(`ferry: ${label(d)}: ${shown(m)}`);
  });
  engine.on('progress', (d, p) => {
    const { completedBytes, totalBytes } = p;
    json('progress', d, { completedBytes, totalBytes, speed: Math.round(p.speed), connections: p.connections.length });
  });
  engine.on('retry', (d, r) => {
    const { connection, attempt } = r;
    const maxTries = d.options.maxTries ?? s.defaults.maxTries ?? DEFAULT_OPTIONS.maxTries;
    json('retry', d, { connection, attempt, maxTries, delayMs: Math.round(r.delayMs), code: r.error.code, message: r.error.message });
  });
  engine.on('pause', (d) => json('pause', d));
  engine.on('resume', (d) => json('resume', d));

  let quitting = false;
  let saving: Promise<void> = Promise.resolve();
  const saveSession = (): Promise<void> => {
    if (!s.saveSession) return saving;
    const file = s.saveSession;
    saving = saving
      .then(() => saveSessionFile(file, unfinishedEntries(engine, s.defaults)))
      .catch((e: unknown) => {
        sayError(`ferry: cannot save the session: ${shown((e as Error).message)}`);
      });
    return saving;
  };
  const timer = setInterval(() => void saveSession(), SESSION_EVERY_MS);
  timer.unref();

  let quitNow: () => void = () => undefined;
  const quit = new Promise<void>((resolve) => (quitNow = resolve));
  const stop = (): void => {
    if (quitting) {
      view.stop();
      io.exit(EXIT.interrupted);
    }
    quitting = true;
    say('ferry: stopping (saving state; press Ctrl-C again to quit at once)');
    quitNow();
  };
  let paused = false;
  const detachKeys = io.stdin
    ? attachKeys(io.stdin, (c) => {
        if (c === 'quit') stop();
        else if (c === 'help') say(HELP_KEYS);
        else if (paused) {
          paused = false;
          view.paused = false;
          engine.resumeAll();
        } else {
          paused = true;
          view.paused = true;
          void engine.pauseAll();
        }
      })
    : () => undefined;
  const unsubscribe = io.onInterrupt(stop);

  for (const e of entries) engine.add(e.urls, e.options);
  await saveSession();
  if (human) view.start();
  try {
    // Done when nothing is left to run; paused downloads wait for the user (p) or q.
    while (!quitting) {
      await Promise.race([engine.whenIdle(), quit]);
      if (quitting || !engine.list().some((d) => d.state === 'paused')) break;
      await Promise.race([new Promise((r) => engine.once('resume', r)), quit]);
    }
    await engine.close();
  } finally {
    clearInterval(timer);
    detachKeys();
    unsubscribe();
    view.stop();
  }
  await saveSession();

  const items = engine.list();
  if (human) io.stderr.write(`${renderSummaryTable(items).join('\n')}\n`);
  // One `result` per download, in queue order: the same event a single download ends with.
  for (const { options: _o, ...d } of s.json ? items : [])
    json('result', d, { ...d, status: resultStatus(d.state), totalBytes: d.totalBytes ?? d.completedBytes });
  if (quitting) {
    if (human) io.stderr.write(`ferry: stopped; run the same command again to resume${s.saveSession ? ` (or ferry -i ${shown(s.saveSession)})` : ''}\n`);
    return EXIT.interrupted;
  }
  const failed = items.find((d) => d.state === 'error');
  if (failed) return exitCodeFor(new FerryError((failed.errorCode ?? 'NETWORK') as FerryError['code'], failed.errorMessage ?? ''));
  return items.every((d) => d.state === 'complete') ? EXIT.success : EXIT.failure;
}

/**
 * Claim every entry's output in queue order, as the engine will, before anything starts: an
 * explicit `-o`/`out` that another entry also uses is a USAGE error naming the entry.
 */
export function checkOutputs(entries: readonly QueueEntry[], defaults: Partial<DownloadOptions>): void {
  const plan = new OutputClaims();
  entries.forEach((e, i) => {
    try {
      reserveOutput(plan, e, e.urls[0], { ...defaults, ...e.options });
    } catch (err) {
      if (!isFerryError(err)) throw err;
      throw new FerryError(err.code, `download ${i + 1} (${e.urls[0]}): ${err.message}`, { hint: err.hint });
    }
  });
}

/** The live queue view on a TTY; elsewhere events print their own lines. */
class QueueView {
  paused = false;
  private readonly live: LiveView;

  constructor(
    private readonly io: CliIO,
    engine: Engine,
    private readonly tty: boolean,
  ) {
    this.live = new LiveView(io.stderr, (width, rows) => renderQueue(engine.list(), width, { paused: this.paused, maxLines: Math.max(3, rows - 2) }), 250);
  }

  start(): void {
    if (this.tty) this.live.start();
  }

  say(line: string): void {
    if (this.live.running) this.live.say(line);
    else this.io.stderr.write(`${line}\n`);
  }

  stop(): void {
    this.live.stop();
  }
}
