/** One run of a queue entry: its Download, its events, and how it ended (mirror switch included). */
import type { FerryError } from '../core/errors.js';
import type { DownloadOptions } from '../core/options.js';
import { type QueueCommand, queueTransition, type RunOutcome } from '../core/queue-transitions.js';
import { redactUrl } from '../core/redact.js';
import { Download } from './download.js';
import { toFerryError } from './download-support.js';
import type { DownloadResult, ProgressSnapshot } from './download-types.js';
import type { EngineShared } from './engine-shared.js';
import type { Item } from './queue-item.js';
import type { RetryInfo } from './transfer-types.js';

/** What the engine gives one run of an entry, and hears from it. */
export interface ItemRunHooks {
  shared: EngineShared;
  /** The entry's options over the engine's defaults. */
  options: Partial<DownloadOptions>;
  progress(snapshot: ProgressSnapshot): void;
  note(message: string): void;
  retry(info: RetryInfo): void;
  /** Told once the Download exists, before it starts. */
  started(): void;
  /** The Download has every byte: only its disk work (sync, checksum, rename) is left. */
  received(download: Download): void;
  /** The run ended: the queue applies `command` (an 'ended' command) with the run's result or error. */
  ended(command: QueueCommand, end: { result?: DownloadResult; error?: FerryError }): void;
}

/**
 * Start the Download of `item`'s current URL (its later URLs read at the same time as
 * alternates; all its URLs, also former ones, own its control file) and set `item.download`.
 * When it ends, its active time and last snapshot are kept on the item; an error moves on to the
 * next URL unless an alternate already took part, the URL is the last, or the error is one no
 * other URL can mend (checksum, existing file). An abort is a stop, never an error.
 */
export function runItem(item: Item, h: ItemRunHooks): void {
  const { shared } = h;
  const d = new Download(item.urls[item.mirror], h.options, {
    ...shared.deps,
    hostSlots: shared.hostSlots,
    globalBucket: shared.globalBucket,
    claims: shared.claims,
    claimOwner: item,
    mirrors: [...item.urls, ...item.formerUrls],
    // The URLs after the one in use take ranges of the file at the same time.
    alternates: item.urls.slice(item.mirror + 1),
  });
  item.download = d;
  const startedAt = shared.now();
  d.on('progress', (p) => h.progress(p));
  d.on('note', (m) => h.note(m));
  d.on('retry', (r) => h.retry(r));
  d.on('received', () => h.received(d));
  h.started();
  const settle = (outcome: RunOutcome, result?: DownloadResult, error?: FerryError): void => {
    item.activeMs += shared.now() - startedAt;
    item.last = d.snapshot();
    const mirror =
      outcome === 'error' &&
      error !== undefined &&
      !d.triedMirrors &&
      item.mirror + 1 < item.urls.length &&
      error.code !== 'CHECKSUM' &&
      error.code !== 'FILE_EXISTS';
    const command: QueueCommand = { kind: 'ended', outcome, mirror };
    if (error && queueTransition(item.status, command).action === 'next-mirror') {
      h.note(`${error.message}; trying mirror ${redactUrl(item.urls[item.mirror + 1])}`);
    }
    h.ended(command, { result, error });
    // A complete download has nothing left to stop or remove: its last snapshot is all the
    // queue shows of it, so the Download (its transfer, buffers and source) can go.
    if (item.status === 'complete' && item.download === d) item.download = undefined;
  };
  d.start().then(
    (result) => settle(result.status === 'complete' || result.status === 'already-complete' ? 'complete' : result.status, result),
    (e: unknown) => {
      const err = toFerryError(e);
      // An abort is a stop, whoever asked for it: never an error, never a reason for a mirror.
      settle(err.code === 'ABORTED' ? 'stopped' : 'error', undefined, err);
    },
  );
}
