/** What a Download takes from the outside world, and the defaults of what is not given. */
import { performance } from 'node:perf_hooks';
import type { DownloadOptions } from '../core/options.js';
import type { TokenBucket } from '../core/token-bucket.js';
import { readBootId } from '../disk/boot-id.js';
import { DirSyncs } from '../disk/dir-sync.js';
import { OutputClaims } from '../disk/output-claims.js';
import type { ByteSink } from '../disk/stdout-writer.js';
import { HostSlots } from './host-slots.js';
import { MadeDirs } from './made-dirs.js';
import { sleep } from './sleep.js';
import { createSource, type SourceFactory } from './source-factory.js';

/** Everything a Download uses from the outside world; tests and the engine pass their own. */
export interface DownloadDeps {
  createSource?: SourceFactory;
  /** Shared across the downloads of one engine. */
  hostSlots?: HostSlots;
  /** The global rate limit, shared across downloads. */
  globalBucket?: TokenBucket;
  now?: () => number;
  random?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** How often 'progress' is emitted (ms). */
  progressIntervalMs?: number;
  /** The output paths claimed in one engine; a standalone download has its own. */
  claims?: OutputClaims;
  /** Who holds this download's claim (the engine's queue entry; default: the Download itself). */
  claimOwner?: object;
  /** Every URL of this download (it and its mirrors): a control file for any of them is ours. */
  mirrors?: readonly string[];
  /**
   * Other URLs of the same file to read from at once (mirrors), in order: each is probed, and
   * takes ranges when its size is the file's. Default: none (only `url`).
   */
  alternates?: readonly string[];
  /**
   * The environment whose proxy variables apply (`http_proxy`, `https_proxy`, `all_proxy`,
   * `no_proxy`, ...; below every explicit proxy option). Default: none (the library never reads
   * `process.env` itself; the CLI passes its environment).
   */
  env?: Record<string, string | undefined>;
  /** Told one line per new connection, saying the route it took (`--debug`). */
  debug?: (line: string) => void;
  /** Where `out: '-'` writes (default: process.stdout). */
  stdout?: ByteSink;
  /** Directory syncs after the final rename, shared by the downloads of one engine. */
  dirSyncs?: DirSyncs;
  /** Output directories already made, shared by the downloads of one engine. */
  dirs?: MadeDirs;
  /**
   * The kernel's boot id (default: read once from /proc/sys/kernel/random/boot_id; an engine reads
   * it once for all its downloads). Bytes an earlier run wrote but did not sync are trusted only
   * when it recorded the same boot id; resolving undefined trusts only synced bytes.
   */
  bootId?: () => Promise<string | undefined>;
  /**
   * Where the default `bootId` reads the boot id (default /proc/sys/kernel/random/boot_id). A file
   * holding another id simulates a reboot; a missing file, a system without boot id.
   */
  bootIdFile?: string;
  /**
   * The control file is saved without syncing right after writes, to list the bytes written since
   * the last durable checkpoint, at most once per this many ms (default 5), and never for more than
   * a fifth of the time (see record-pacer.ts): a killed process loses about this much transfer time.
   */
  recordIntervalMs?: number;
}

/** Default of DownloadDeps.recordIntervalMs. */
export const RECORD_INTERVAL_MS = 5;

/** DownloadDeps with every default filled in (the optional ones stay optional). */
export type ResolvedDownloadDeps = Required<Omit<DownloadDeps, 'globalBucket' | 'env' | 'debug' | 'bootIdFile'>> &
  Pick<DownloadDeps, 'globalBucket' | 'env' | 'debug'>;

/**
 * Fill in the defaults of `deps` for the download of `url` with `options`; `owner` holds the claim
 * when no `claimOwner` is given (the Download itself). The alternates never include `url`.
 */
export function resolveDownloadDeps(url: string, options: DownloadOptions, deps: DownloadDeps, owner: object): ResolvedDownloadDeps {
  return {
    createSource: deps.createSource ?? createSource,
    hostSlots: deps.hostSlots ?? new HostSlots(options.maxConnectionsPerHost),
    globalBucket: deps.globalBucket,
    now: deps.now ?? (() => performance.now()),
    random: deps.random ?? Math.random,
    sleep: deps.sleep ?? sleep,
    progressIntervalMs: deps.progressIntervalMs ?? 1000,
    claims: deps.claims ?? new OutputClaims(),
    claimOwner: deps.claimOwner ?? owner,
    mirrors: deps.mirrors ?? [url],
    alternates: (deps.alternates ?? []).filter((u) => u !== url),
    env: deps.env,
    debug: deps.debug,
    stdout: deps.stdout ?? process.stdout,
    dirSyncs: deps.dirSyncs ?? new DirSyncs(),
    dirs: deps.dirs ?? new MadeDirs(),
    bootId: deps.bootId ?? (() => readBootId(deps.bootIdFile)),
    recordIntervalMs: deps.recordIntervalMs ?? RECORD_INTERVAL_MS,
  };
}
