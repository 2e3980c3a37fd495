/** The single-connection phase of a Download into its `.part`: no ranges or no length, no resume. */
import type { ProbeResult, Source } from '../core/types.js';
import { openDataFile } from '../disk/data-file.js';
import { removeIfExists } from '../disk/file-ops.js';
import type { OutputPaths } from '../disk/output-claims.js';
import { WRITE_BACK_BYTES } from '../disk/write-policy.js';
import { type DownloadContext, downloadLimiter } from './download-context.js';
import { runSingleConnection, type SingleOutcome } from './single-connection.js';

/**
 * Say why one connection is used, rewrite the control file to claim nothing (see
 * DownloadOutput.claimNothing), then read the file from byte 0 into a fresh `paths.part` on each
 * attempt (see runSingleConnection). The caller finishes or stops on the outcome.
 */
export async function singleToFile(ctx: DownloadContext, source: Source, probe: ProbeResult, paths: OutputPaths): Promise<SingleOutcome> {
  const { options, deps, signal } = ctx;
  ctx.note(
    probe.size === undefined
      ? 'the server did not say the size: using one connection, resume impossible'
      : 'the server does not support ranges: using one connection, resume impossible',
  );
  if ((ctx.output.found?.done.length ?? 0) > 0) ctx.note('starting over: the server no longer supports ranges');
  await ctx.output.claimNothing(paths, probe, new Date().toISOString());
  const limiter = downloadLimiter(options, deps);
  return runSingleConnection({
    source,
    probe,
    open: async () => {
      await removeIfExists(paths.part);
      return openDataFile(paths.part, { size: probe.size, fresh: true, writeBackBytes: options.fsync ? WRITE_BACK_BYTES : 0 });
    },
    maxTries: options.maxTries,
    retryWaitMs: options.retryWaitMs,
    fsync: options.fsync,
    signal,
    now: deps.now,
    random: deps.random,
    sleep: deps.sleep,
    throttle: limiter.limited ? (n) => limiter.consume(n, signal) : undefined,
    onAttempt: (map, view, attempt) => {
      ctx.progress.map = map;
      ctx.progress.singleView = view;
      if (attempt === 1) ctx.started({ url: probe.url, path: paths.final, totalBytes: probe.size, resumedBytes: 0, segmented: false });
    },
    onBytes: (n) => ctx.progress.count(n),
    onRetry: (r) => ctx.retry(r),
    received: () => ctx.received(),
  });
}
