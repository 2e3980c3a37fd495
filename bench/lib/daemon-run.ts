/**
 * One `daemon-load` run: start a daemon, (optionally) start the pollers and let them warm up,
 * queue every download at once over RPC, wait for the last completion, then measure and check.
 *
 * The measured window opens just before the first addUri and closes at the last completion
 * (the `aria2.onDownloadComplete` notification of the last download, or the getGlobalStat poll
 * that saw the queue empty if a notification went missing). Throughput, the daemon's CPU and its
 * peak RSS, and the pollers' latencies all cover that window only. Files are hashed after it.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type DaemonJob, type DaemonParticipant, startDaemon } from './daemon-participants.js';
import type { SetFile } from './file-set.js';
import { verifyList } from './list-runner.js';
import { freePort } from './ports.js';
import { peakRss, readProcSample, startProcSampler } from './proc-stats.js';
import { type ReplayProcess, startReplayProcess } from './replay-process.js';
import { httpRpcClient, type RpcClient, type RpcEndpoint, wsRpcClient } from './rpc-client.js';
import { type RpcLoad, startRpcLoad } from './rpc-load.js';
import type { DaemonRunRecord } from './types.js';

/** The downloads of a run: their URLs and the files they must become. */
export interface DaemonTarget {
  /** URL of file `i` for a run tag. */
  url(i: number, tag: string): string;
  /** The expected files, in queue order (name, size, SHA-256). */
  files: readonly SetFile[];
  jobs: number;
  pollHz: number;
  /** Pollers warm up this long before the first add. */
  warmupMs: number;
  /**
   * A run without pollers where no download completes for this long is a FAIL (the daemon hangs).
   * With pollers a daemon may be starved by them: that is a result, so only `limitMs` applies.
   */
  stallMs: number;
  /**
   * A run still going this long after the first add is cut there: its throughput is the bytes
   * done by then (finished files and the active ones' completed bytes) over that time, and only
   * the finished files are checked.
   */
  limitMs: number;
}

/** What a run needs from its surroundings. */
export interface DaemonRunContext {
  workDir: string;
  signal: AbortSignal;
  ticksPerSec: number;
  log(line: string): void;
}

/** A run's record, or the participant is not available in this build. */
export type DaemonRunOutcome = { record: DaemonRunRecord } | { unavailable: string };

/** addUri calls per system.multicall. */
const ADD_BATCH = 100;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Wait until the daemon answers getVersion (up to `ms`). */
async function ready(c: RpcClient, ms: number): Promise<boolean> {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    if ((await c.call('aria2.getVersion', [], true)).ok) return true;
    await sleep(100);
  }
  return false;
}

/** Queue every download; returns their GIDs in queue order, or why it failed. */
async function addAll(c: RpcClient, ep: RpcEndpoint, target: DaemonTarget, tag: string): Promise<string[] | string> {
  const gids: string[] = [];
  for (let from = 0; from < target.files.length; from += ADD_BATCH) {
    const calls = target.files.slice(from, from + ADD_BATCH).map((f, k) => ({
      methodName: 'aria2.addUri',
      params: [`token:${ep.secret}`, [target.url(from + k, tag)], { out: f.name }],
    }));
    const a = await c.call('system.multicall', [calls], true);
    if (!a.ok) return `addUri failed: ${a.error}`;
    const bad = (a.value as unknown[]).find((r) => !Array.isArray(r));
    if (bad !== undefined) return `addUri failed: ${JSON.stringify(bad).slice(0, 160)}`;
    for (const r of a.value as string[][]) gids.push(r[0]);
  }
  return gids;
}

interface Finish {
  endMs: number;
  failure?: string;
  /** Set when the run reached its time limit. */
  cut?: boolean;
}

/**
 * Wait for the queue to drain: every download notified complete or error, or getGlobalStat
 * (asked once a second) showing nothing active or waiting. A download that errors fails the run.
 */
async function drained(
  c: RpcClient,
  events: { done: Set<string>; errors: Set<string>; lastMs: number },
  count: number,
  target: DaemonTarget,
  startMs: number,
  stallMs: number,
  signal: AbortSignal,
): Promise<Finish> {
  let lastProgress = performance.now();
  let seen = 0;
  let nextStat = performance.now() + 1000;
  while (!signal.aborted) {
    const n = events.done.size + events.errors.size;
    if (n > seen) {
      seen = n;
      lastProgress = performance.now();
    }
    if (n >= count) return { endMs: events.lastMs, failure: events.errors.size > 0 ? `${events.errors.size} downloads ended in error` : undefined };
    if (performance.now() >= nextStat) {
      const s = await c.call('aria2.getGlobalStat', [], true);
      const v = s.value as { numActive?: string; numWaiting?: string; numStopped?: string } | undefined;
      if (s.ok && v?.numActive === '0' && v.numWaiting === '0' && Number(v.numStopped) >= count) return { endMs: performance.now() };
      nextStat = performance.now() + 1000;
    }
    if (performance.now() - startMs >= target.limitMs) return { endMs: performance.now(), cut: true };
    if (performance.now() - lastProgress > stallMs)
      return { endMs: performance.now(), failure: `stalled: ${seen}/${count} done, none for ${stallMs / 1000} s` };
    await sleep(20);
  }
  return { endMs: performance.now(), failure: 'interrupted' };
}

/** Bytes the active downloads have so far (for a cut run). */
async function activeBytes(c: RpcClient): Promise<number> {
  const a = await c.call('aria2.tellActive', [['completedLength']], true);
  return a.ok && Array.isArray(a.value) ? (a.value as Array<{ completedLength?: string }>).reduce((s, d) => s + Number(d.completedLength ?? 0), 0) : 0;
}

/** Count of `complete` downloads among the finished ones, asked of the daemon itself. */
async function completeCount(c: RpcClient, count: number): Promise<number | undefined> {
  const a = await c.call('aria2.tellStopped', [0, count, ['gid', 'status']], true);
  return a.ok && Array.isArray(a.value) ? (a.value as Array<{ status?: string }>).filter((d) => d.status === 'complete').length : undefined;
}

/**
 * One run of `p` with `clients` pollers (0: none). `replay`: the pollers poll a replay server
 * (answers of the daemon's sizes, built by nobody) instead of the daemon, which downloads with
 * no clients: the floor of what the load costs this machine.
 */
export async function runDaemonOnce(
  ctx: DaemonRunContext,
  p: DaemonParticipant,
  target: DaemonTarget,
  clients: number,
  run: number,
  replay = false,
): Promise<DaemonRunOutcome> {
  const dir = await mkdtemp(join(ctx.workDir, `daemon-${p.name}-`));
  const tag = `daemon-${p.name}-c${clients}-${run}-${Date.now().toString(36)}`;
  const count = target.files.length;
  const bytes = target.files.reduce((s, f) => s + f.size, 0);
  const base = { run, clients, wallSec: 0, bytes, files: count, filesDone: 0 };
  const job: DaemonJob = {
    port: await freePort(),
    secret: randomBytes(12).toString('hex'),
    dir: join(dir, 'dl'),
    stateDir: join(dir, 'state'),
    jobs: target.jobs,
    files: count,
  };
  await mkdir(job.dir, { recursive: true });
  await mkdir(job.stateDir, { recursive: true });
  const started = await startDaemon(p, job);
  if (!started.ok) {
    await rm(dir, { recursive: true, force: true });
    return started.unavailable ? { unavailable: started.reason } : { record: { ...base, ok: false, failure: `did not start: ${started.reason}` } };
  }
  const ep: RpcEndpoint = { port: job.port, secret: job.secret };
  const control = httpRpcClient(ep);
  const onAbort = (): void => void started.stop();
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  let notes: RpcClient | undefined;
  let load: RpcLoad | undefined;
  let replayer: ReplayProcess | undefined;
  try {
    if (!(await ready(control, 5000))) return { record: { ...base, ok: false, failure: 'no answer to getVersion within 5 s' } };
    const events = { done: new Set<string>(), errors: new Set<string>(), lastMs: 0 };
    notes = await wsRpcClient(ep, (method, params) => {
      const gid = (params as Array<{ gid?: string }> | undefined)?.[0]?.gid ?? '';
      if (method === 'aria2.onDownloadComplete') events.done.add(gid);
      else if (method === 'aria2.onDownloadError') events.errors.add(gid);
      else return;
      events.lastMs = performance.now();
    });
    const sampler = startProcSampler(started.pid, ctx.ticksPerSec);
    if (replay && clients > 0) replayer = await startReplayProcess(ep, Math.min(1000, count));
    if (clients > 0) load = await startRpcLoad(replayer?.endpoint ?? ep, { clients, hz: target.pollHz });
    await sleep(target.warmupMs);
    const cpu0 = await readProcSample(started.pid, ctx.ticksPerSec);
    const client0 = process.cpuUsage();
    const t0 = performance.now();
    load?.startRecording();
    const added = await addAll(control, ep, target, tag);
    const addedSec = (performance.now() - t0) / 1000;
    const stallMs = clients > 0 ? Number.POSITIVE_INFINITY : target.stallMs;
    const finish: Finish =
      typeof added === 'string' ? { endMs: performance.now(), failure: added } : await drained(control, events, count, target, t0, stallMs, ctx.signal);
    const partial = finish.cut ? await activeBytes(control) : 0;
    const cpu1 = await readProcSample(started.pid, ctx.ticksPerSec);
    const client = process.cpuUsage(client0);
    const stats = await load?.stop();
    load = undefined;
    const samples = sampler.stop();
    const wallSec = (finish.endMs - t0) / 1000;
    const gids = typeof added === 'string' ? [] : added;
    // Invariant: a cut run checks (and counts the bytes of) exactly the files notified complete.
    const finished = finish.cut ? target.files.filter((_, i) => events.done.has(gids[i])) : target.files;
    const measured: DaemonRunRecord = {
      ...base,
      ok: false,
      wallSec,
      bytes: finish.cut ? finished.reduce((s, f) => s + f.size, 0) + partial : bytes,
      files: count,
      filesDone: finish.cut ? finished.length : count,
      ...(finish.cut ? { cutAtSec: wallSec } : {}),
      clientCpuSec: (client.user + client.system) / 1e6,
      addedSec,
      cpuSec: cpu0 && cpu1 ? cpu1.cpuSec - cpu0.cpuSec : undefined,
      peakRssKiB: peakRss([...samples, ...(cpu1 ? [cpu1] : [])], t0),
      ...(stats
        ? {
            requestsPerSec: stats.recordedSec > 0 ? stats.requests / stats.recordedSec : undefined,
            rpcErrors: stats.errors,
            skippedTicks: stats.skippedTicks,
            latency: { all: stats.all, http: stats.http, ws: stats.ws },
          }
        : {}),
    };
    if (ctx.signal.aborted) return { record: { ...measured, failure: 'interrupted' } };
    const complete = finish.failure === undefined ? await completeCount(control, count) : undefined;
    const failure =
      finish.failure ??
      // A cut run's daemon goes on downloading, so it may report more than were notified by the cut.
      (complete === undefined || complete < finished.length || (!finish.cut && complete !== count)
        ? `daemon reports ${complete ?? 'no'} of ${finished.length} complete`
        : undefined) ??
      (stats !== undefined && stats.errors > 0 ? `${stats.errors} RPC requests failed: ${stats.errorSamples.join('; ')}` : undefined) ??
      (await verifyList(job.dir, finished));
    return { record: failure === undefined ? { ...measured, ok: true } : { ...measured, failure } };
  } finally {
    await load?.stop();
    await replayer?.stop();
    notes?.close();
    await control.call('aria2.forceShutdown', []);
    control.close();
    await started.stop();
    ctx.signal.removeEventListener('abort', onAbort);
    await rm(dir, { recursive: true, force: true });
  }
}
