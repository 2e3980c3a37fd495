import { chooseLocation, STDOUT_OUT } from '../core/filename.js';
import type { DownloadOptions } from '../core/options.js';
import { type OutputClaim, type OutputClaims, outputPathsFor } from '../disk/output-claims.js';
import { isPlainName } from '../disk/paths.js';

/**
 * Claim, when a download is added, the name its URL (or `out`) gives, in queue order: so
 * `get/download?id=1` is `download` and `?id=2` is `download.1`, whatever order their probes
 * finish in, and a rerun of the same list gives every entry the same name again. A name the
 * server reveals later (Content-Disposition) is claimed when the probe returns.
 * Resolves undefined when nothing is claimed now (a name that is not valid fails at start, with
 * its own message; a taken name with renaming off fails at start with FILE_EXISTS).
 * @throws FerryError USAGE when an explicit `out` is already claimed by another download.
 */
export function reserveOutput(claims: OutputClaims, owner: object, url: string, options: Partial<DownloadOptions>): OutputClaim | undefined {
  // Standard output is no path: nothing to claim.
  if (options.out === STDOUT_OUT) return undefined;
  let dir: string;
  let name: string;
  try {
    ({ dir, name } = chooseLocation(options.dir ?? '.', { out: options.out, url }));
    // A plain name is valid in any directory; any other is checked (see resolveInside).
    if (!isPlainName(name)) outputPathsFor(dir, name);
  } catch {
    return undefined;
  }
  const explicit = options.out !== undefined;
  if (explicit) return claims.reserve(owner, dir, name, { explicit, rename: false });
  const free = claims.tryClaim(owner, dir, name, 0, false);
  if (free || options.autoFileRenaming === false) return free;
  return claims.reserve(owner, dir, name, { explicit, rename: true });
}
