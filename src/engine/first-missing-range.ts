/** The probe of a resumed download asks for the first range an earlier run did not finish. */
import { RangeSet } from '../core/byte-ranges.js';
import { isControlFor } from '../core/resume.js';
import type { ByteRange } from '../core/types.js';
import { trustedRanges } from '../core/written-ranges.js';
import { loadControl } from '../disk/control-file.js';

/**
 * The first range missing from an earlier run's control file at `controlPath` (the name claimed
 * for the URL; the server may later name the file otherwise, then the probe's body is simply not
 * used). Undefined when there is no usable control file of one of `urls`: the probe starts at 0.
 * Written ranges count as the resume will count them: only when recorded during the boot `bootId`.
 */
export async function firstMissingRange(controlPath: string | undefined, urls: readonly string[], bootId: string | undefined): Promise<ByteRange | undefined> {
  if (controlPath === undefined) return undefined;
  try {
    const saved = await loadControl(controlPath);
    if (!saved || saved.size === undefined) return undefined;
    const have = trustedRanges(saved, bootId);
    if (have.length === 0 || !isControlFor([saved.source, saved.url], urls)) return undefined;
    return new RangeSet(have).gaps(saved.size)[0];
  } catch {
    return undefined;
  }
}
