/**
 * Checks the extra mirrors of a download before they get work: each is probed (one byte, under its
 * host's connection limit), and joins as a lane only when its size is the file's and it honours
 * ranges. All mirrors are probed at once; each joins as soon as its own probe agrees.
 */
import { mirrorMismatch } from '../core/mirror-check.js';
import { redactUrl } from '../core/redact.js';
import type { Source } from '../core/types.js';
import { hostOf, toFerryError } from './download-support.js';
import type { HostSlots } from './host-slots.js';
import { type Lane, newLane } from './mirror-lanes.js';

export interface MirrorProbeParams {
  /** The extra mirrors, with their position in the download's URL list. */
  mirrors: readonly { url: string; index: number }[];
  /** The file's size (the first URL's probe). */
  size: number;
  /** The source of a mirror (the caller owns it and closes it). */
  sourceFor: (url: string) => Source;
  hostSlots: HostSlots;
  perHostLimit: number;
  signal: AbortSignal;
  /** A mirror passed its check. */
  add: (lane: Lane) => void;
  note: (message: string) => void;
}

/** Probe every mirror; resolves when each one joined or was ruled out (never rejects). */
export async function probeMirrors(p: MirrorProbeParams): Promise<void> {
  await Promise.all(p.mirrors.map((m) => probeOne(p, m.url, m.index)));
}

async function probeOne(p: MirrorProbeParams, url: string, index: number): Promise<void> {
  const label = redactUrl(url);
  const host = hostOf(url);
  let source: Source;
  try {
    source = p.sourceFor(url);
    await p.hostSlots.acquire(host, p.perHostLimit, p.signal);
  } catch (e) {
    if (!p.signal.aborted) p.note(`mirror ${label} failed (${toFerryError(e).message}): not used`);
    return;
  }
  try {
    const probe = await source.probe(p.signal, 0, Math.min(1, p.size));
    probe.body?.cancel();
    const why = mirrorMismatch(label, p.size, probe);
    if (why !== undefined) {
      p.note(why);
      return;
    }
    if (p.signal.aborted) return;
    p.add(
      newLane({
        index,
        url,
        source,
        host,
        validators: { etag: probe.etag, lastModified: probe.lastModified, size: p.size },
        limit: p.perHostLimit,
      }),
    );
  } catch (e) {
    if (!p.signal.aborted) p.note(`mirror ${label} failed (${toFerryError(e).message}): not used`);
  } finally {
    p.hostSlots.release(host);
  }
}
