import { isFerryError } from '../core/errors.js';
import { STDOUT_OUT } from '../core/filename.js';
import { type DownloadOptions, resolveOptions } from '../core/options.js';
import type { PieceMap } from '../core/piece-map.js';
import { extraCaFileOf, proxyEnvFrom } from '../core/proxy-route.js';
import type { ProbeResult, Source } from '../core/types.js';
import { removeControl } from '../disk/control-file.js';
import type { OutputPaths } from '../disk/output-claims.js';
import { StdoutWriter } from '../disk/stdout-writer.js';
import type { DownloadContext } from './download-context.js';
import { type DownloadDeps, RECORD_INTERVAL_MS, type ResolvedDownloadDeps, resolveDownloadDeps } from './download-deps.js';
import { finishOrStop, removePartialFiles } from './download-finish.js';
import { DownloadOutput } from './download-output.js';
import { guessControlPath, guessFinalPath } from './download-paths.js';
import { probeWithRetries } from './download-probe.js';
import { DownloadProgress } from './download-progress.js';
import { segmentedToFile } from './download-segmented.js';
import { singleToFile } from './download-single.js';
import { hostOf, isRangeIgnored, toFerryError } from './download-support.js';
import { downloadTransfer } from './download-transfer.js';
import type { DownloadEvents, DownloadResult, ProgressSnapshot } from './download-types.js';
import { firstMissingRange } from './first-missing-range.js';
import { MirrorSources } from './mirror-sources.js';
import { stdoutPhase } from './stdout-download.js';
import type { Transfer } from './transfer.js';
import { TypedEmitter } from './typed-emitter.js';

const MAX_RESTARTS = 3;

/**
 * One file: probe -> restore -> connections -> checkpoints -> verify -> finish.
 * `start()` runs it (once); `stop()` aborts in-flight requests, writes what was received, saves a
 * checkpoint and resolves the run with status 'stopped'; `cancel()` does the same and removes the
 * partial and control files.
 */
export class Download extends TypedEmitter<DownloadEvents> {
  readonly url: string;
  readonly options: DownloadOptions;
  private readonly deps: ResolvedDownloadDeps;
  /** The sources of the alternates, made once per run (closed with the download's own). */
  private readonly mirrorSources: MirrorSources;
  /** This download as its phases see it. */
  private readonly ctx: DownloadContext;
  /** The boot id, read once (on the first segmented start). */
  private bootId?: Promise<string | undefined>;
  private readonly ctrl = new AbortController();
  private cancelled = false;
  private readonly progress: DownloadProgress;
  private readonly output: DownloadOutput;
  private running?: Promise<DownloadResult>;
  /** The output of a download to standard output (`out: '-'`), once it started. */
  private stdoutWriter?: StdoutWriter;

  constructor(url: string, options: Partial<DownloadOptions> = {}, deps: DownloadDeps = {}) {
    super();
    this.url = url;
    this.options = resolveOptions(options);
    this.deps = resolveDownloadDeps(url, this.options, deps, this);
    this.progress = new DownloadProgress(this.deps.now);
    this.output = new DownloadOutput({
      url,
      options: this.options,
      claims: this.deps.claims,
      owner: this.deps.claimOwner,
      mirrors: this.deps.mirrors,
      dirs: this.deps.dirs,
      note: (m) => this.emit('note', m),
    });
    this.mirrorSources = new MirrorSources((u) => this.newSource(u));
    this.ctx = {
      url,
      host: hostOf(url),
      options: this.options,
      deps: this.deps,
      signal: this.ctrl.signal,
      progress: this.progress,
      output: this.output,
      note: (m) => this.emit('note', m),
      retry: (r) => this.emit('retry', r),
      started: (info) => this.emit('start', info),
      received: () => this.emit('received'),
    };
  }

  /**
   * True once an alternate took part (passed its check and joined the transfer): a failure then
   * means every mirror in use failed, so trying the URLs one by one is pointless. A download that
   * fails before any alternate joined leaves the next URL to the engine, as one without them.
   */
  get triedMirrors(): boolean {
    return this.mirrorSources.used;
  }

  /** Run the download. Calling it again returns the same promise. */
  start(): Promise<DownloadResult> {
    this.running ??= this.run();
    return this.running;
  }

  /** Stop now, keeping everything received; resume later with a new Download of the same URL. */
  async stop(): Promise<DownloadResult | undefined> {
    this.ctrl.abort();
    return this.running?.catch(() => undefined);
  }

  /** Stop and delete the partial and control files. */
  async cancel(): Promise<DownloadResult | undefined> {
    this.cancelled = true;
    this.ctrl.abort();
    const result = await this.running?.catch(() => undefined);
    // Already stopped or failed earlier: the partial files are still there.
    if (result?.status !== 'cancelled' && result?.status !== 'complete' && result?.status !== 'already-complete' && this.output.paths) {
      await removePartialFiles(this.output.paths);
    }
    return result?.status === 'stopped' ? { ...result, status: 'cancelled' } : result;
  }

  /** The state of the download right now. */
  snapshot(): ProgressSnapshot {
    const final = this.toStdout ? STDOUT_OUT : (this.output.paths?.final ?? this.deps.claims.current(this.deps.claimOwner)?.paths.final);
    return this.progress.snapshot(this.url, final);
  }

  private async run(): Promise<DownloadResult> {
    this.progress.begin();
    const timer = setInterval(() => this.emit('progress', this.snapshot()), this.deps.progressIntervalMs);
    timer.unref();
    let source: Source | undefined;
    try {
      source = this.newSource(this.url);
      let fresh = false;
      for (let restarts = 0; ; restarts++) {
        try {
          const result = await this.attempt(source, fresh);
          this.emit('progress', this.snapshot());
          if (result.status === 'complete' || result.status === 'already-complete') this.emit('complete', result);
          return result;
        } catch (e) {
          if (!isFerryError(e) || e.code !== 'CHANGED' || restarts >= MAX_RESTARTS || this.ctrl.signal.aborted) throw e;
          // Bytes in standard output cannot be taken back.
          if ((this.stdoutWriter?.written ?? 0) > 0) throw e;
          this.emit('note', `${e.message}; starting over from zero`);
          fresh = true;
        }
      }
    } catch (e) {
      // A stop asked at any moment (the probe, a backoff, a host-slot wait, the transfer, or just
      // before anything failed) ends as stopped: what failed after the stop is never an error.
      if (this.ctrl.signal.aborted) return this.stopped(this.output.paths, this.progress.map?.doneBytes ?? 0);
      const err = toFerryError(e);
      this.emit('error', err);
      throw err;
    } finally {
      clearInterval(timer);
      await source?.close().catch(() => undefined);
      await this.mirrorSources.closeAll();
    }
  }

  /** The source of `url` (the download's own or an alternate's), with the proxies and extra CA file of `deps.env`. */
  private newSource(url: string): Source {
    const env = this.deps.env;
    if (env === undefined) return this.deps.createSource(url, this.options, { debug: this.deps.debug });
    return this.deps.createSource(url, this.options, { proxyEnv: proxyEnvFrom(env), debug: this.deps.debug, extraCaFile: extraCaFileOf(env) });
  }

  private async attempt(source: Source, fresh: boolean): Promise<DownloadResult> {
    const signal = this.ctrl.signal;
    const gap = fresh
      ? undefined
      : await firstMissingRange(
          this.deps.claims.current(this.deps.claimOwner)?.paths.control ?? guessControlPath(this.options, this.url),
          this.deps.mirrors,
          await this.readBootId(),
        );
    // The probe's connection counts against the per-host limit; the transfer inherits its slot.
    const { host } = this.ctx;
    const slot = { held: false };
    await this.deps.hostSlots.acquire(host, this.options.maxConnectionsPerHost, signal);
    slot.held = true;
    let probe: ProbeResult | undefined;
    // The other connections of a segmented transfer open while the probe is on its way: once the
    // probe has its connection (its request is on its way within this turn of the event loop).
    const others = Math.min(this.options.connections, this.options.maxConnectionsPerHost) - 1;
    if (others > 0 && source.warm) setImmediate(() => source.warm?.(others));
    try {
      probe = await probeWithRetries({
        source,
        signal,
        gap,
        maxTries: this.options.maxTries,
        retryWaitMs: this.options.retryWaitMs,
        random: this.deps.random,
        sleep: this.deps.sleep,
        onRetry: this.ctx.retry,
      });
      if (this.toStdout) return await this.stdout(source, probe, slot);
      const { paths, complete: whole, continueFrom } = await this.output.choose(probe);
      this.output.paths = paths;
      this.progress.totalBytes = probe.size;
      const complete = whole || (continueFrom !== undefined && (await this.output.continueFile(paths, probe, continueFrom)));
      if (complete) {
        probe.body?.cancel();
        // A kill between the final rename and the control file's removal leaves ours beside it.
        if (this.output.found) await removeControl(paths.control);
        return this.result('already-complete', paths, probe.size ?? 0);
      }
      if (probe.acceptsRanges && probe.size !== undefined) {
        try {
          return await this.segmented(source, probe, paths, fresh, slot);
        } catch (e) {
          if (!isRangeIgnored(e) || signal.aborted) throw e;
          this.output.paths = paths;
          this.progress.transfer = undefined;
          this.emit('note', 'the server ignored a range request');
          probe.body?.cancel();
          return await this.single(source, { ...probe, body: undefined, acceptsRanges: false }, paths);
        }
      }
      return await this.single(source, probe, paths);
    } finally {
      probe?.body?.cancel();
      if (slot.held) this.deps.hostSlots.release(host);
    }
  }

  /** The boot id of now, read once per Download (never fails: undefined when there is none). */
  private readBootId(): Promise<string | undefined> {
    this.bootId ??= this.deps.bootId().catch(() => undefined);
    return this.bootId;
  }

  /** Many connections over byte ranges, with a control file for resume (see segmentedToFile). */
  private async segmented(source: Source, probe: ProbeResult, claimed: OutputPaths, fresh: boolean, slot: { held: boolean }): Promise<DownloadResult> {
    const { paths, outcome } = await segmentedToFile(this.ctx, {
      probe,
      claimed,
      fresh,
      bootId: () => this.readBootId(),
      newTransfer: (writer, map) => downloadTransfer(this.ctx, this.mirrorSources, source, probe, writer, map, slot),
    });
    if (!outcome.done) return this.stopped(paths, outcome.onDisk);
    return this.finish(paths, probe, probe.size as number, outcome.hasControl);
  }

  /** One connection, start to end: for servers without ranges or without a length. */
  private async single(source: Source, probe: ProbeResult, paths: OutputPaths): Promise<DownloadResult> {
    const outcome = await singleToFile(this.ctx, source, probe, paths);
    if (!outcome.done) return this.stopped(paths, outcome.onDisk);
    this.progress.totalBytes = outcome.bytes;
    return this.finish(paths, probe, outcome.bytes, true);
  }

  /** Verify, rename into place, set the modification time, drop the control file. */
  private async finish(paths: OutputPaths, probe: ProbeResult, size: number, hasControl: boolean): Promise<DownloadResult> {
    if (!(await finishOrStop(this.ctx, paths, probe, hasControl))) return this.stopped(paths, hasControl ? size : 0);
    return this.result('complete', paths, size);
  }

  /** The result of a run that was stopped; `paths` is undefined when it stopped before the probe answered. */
  private async stopped(paths: OutputPaths | undefined, onDisk: number): Promise<DownloadResult> {
    const where = paths ?? { final: this.toStdout ? STDOUT_OUT : (guessFinalPath(this.options, this.url) ?? this.url), part: '', control: '' };
    if (this.cancelled) {
      if (paths) await removePartialFiles(paths);
      return this.result('cancelled', where, 0);
    }
    return this.result('stopped', where, paths ? onDisk : 0);
  }

  /** The download writes to standard output (`out: '-'`): no files at all. */
  private get toStdout(): boolean {
    return this.options.out === STDOUT_OUT;
  }

  /** To standard output: no `.part`, no control file, no claim, no resume (see downloadToStdout). */
  private async stdout(source: Source, probe: ProbeResult, slot: { held: boolean }): Promise<DownloadResult> {
    const writer = new StdoutWriter(this.deps.stdout);
    this.stdoutWriter = writer;
    this.progress.totalBytes = probe.size;
    const where = { final: STDOUT_OUT, part: '', control: '' };
    const newTransfer = (map: PieceMap): Transfer => downloadTransfer(this.ctx, this.mirrorSources, source, probe, writer, map, slot);
    const outcome = await stdoutPhase(this.ctx, source, probe, writer, newTransfer);
    if (!outcome.done) return this.result(this.cancelled ? 'cancelled' : 'stopped', where, outcome.onDisk);
    this.progress.totalBytes = outcome.bytes;
    return this.result('complete', where, outcome.bytes);
  }

  private result(status: DownloadResult['status'], paths: OutputPaths, totalBytes: number): DownloadResult {
    return this.progress.result(status, this.url, paths.final, totalBytes);
  }
}

// Importers of this module keep finding these here (they live in download-deps and download-support).
export type { DownloadDeps };
export { RECORD_INTERVAL_MS, toFerryError };
