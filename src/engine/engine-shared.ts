/** What every Download of one engine shares: sources, boot id, directory syncs, limits, claims. */
import { performance } from 'node:perf_hooks';
import { DEFAULT_OPTIONS } from '../core/options.js';
import { connectionVariables } from '../core/proxy-route.js';
import { TokenBucket } from '../core/token-bucket.js';
import { readBootId } from '../disk/boot-id.js';
import { DirSyncs } from '../disk/dir-sync.js';
import { OutputClaims } from '../disk/output-claims.js';
import type { DownloadDeps } from './download-deps.js';
import { HostSlots } from './host-slots.js';
import { MadeDirs } from './made-dirs.js';
import type { EngineOptions } from './queue-types.js';
import { createSharedSourceFactory } from './source-factory.js';

/** The shared parts of an engine (see engineShared). */
export interface EngineShared {
  /** The deps every Download of the engine is given (before its own claim owner and URLs). */
  deps: DownloadDeps;
  /** Closes the shared source factory's connections (nothing when the caller gave its own). */
  closeSources: () => void;
  now: () => number;
  hostSlots: HostSlots;
  /** Output paths of the queue: an entry holds its claim from add() until it completes or is cancelled. */
  claims: OutputClaims;
  /** The global rate limit (`options.limitRate`, 0 = none). */
  globalBucket: TokenBucket;
}

/**
 * The parts of `deps` an engine's downloads share, with their defaults: one pooled source factory
 * (unless `deps.createSource` is given), the boot id read once for every download, one group of
 * directory syncs (files finishing together in one directory share one fsync), one set of
 * directories made, one per-host limit, one set of output claims and one global bucket.
 */
export function engineShared(options: EngineOptions, deps: DownloadDeps): EngineShared {
  const shared = deps.createSource ? undefined : createSharedSourceFactory();
  const withSource = shared ? { ...deps, createSource: shared.createSource } : deps;
  let bootId: Promise<string | undefined> | undefined;
  const readBoot = deps.bootId ?? (() => readBootId(deps.bootIdFile));
  const all: DownloadDeps = {
    ...withSource,
    // Read once for every download (see connectionVariables).
    env: deps.env === undefined ? undefined : connectionVariables(deps.env),
    bootId: () => (bootId ??= readBoot().catch(() => undefined)),
    dirSyncs: deps.dirSyncs ?? new DirSyncs(),
    dirs: deps.dirs ?? new MadeDirs(),
  };
  const now = all.now ?? (() => performance.now());
  const limitRate = options.limitRate ?? 0;
  return {
    deps: all,
    closeSources: () => shared?.close(),
    now,
    hostSlots: all.hostSlots ?? new HostSlots(options.maxConnectionsPerHost ?? DEFAULT_OPTIONS.maxConnectionsPerHost),
    claims: all.claims ?? new OutputClaims(),
    globalBucket: all.globalBucket ?? new TokenBucket(limitRate, Math.max(256 * 1024, limitRate / 4), now()),
  };
}
