/**
 * GID prefixes typed by the user, resolved against the GIDs a daemon lists. aria2 accepts unique
 * prefixes in some methods only, so the client resolves them itself and sends whole GIDs. Pure.
 */
import { FerryError } from '../../core/errors.js';
import { quote } from '../../core/input-file-values.js';

/** A GID: 16 lowercase hex characters. */
export const GID_LENGTH = 16;
const HEX = /^[0-9a-f]+$/;

/**
 * The whole GID each of `prefixes` names among `known` (in the order given, duplicates removed).
 * A whole GID that is listed, or a prefix that matches exactly one GID, resolves.
 * @throws FerryError USAGE for a prefix that is not hex, matches nothing, or matches several.
 */
export function resolveGids(prefixes: readonly string[], known: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of prefixes) {
    const prefix = raw.toLowerCase();
    if (prefix === '' || prefix.length > GID_LENGTH || !HEX.test(prefix)) {
      throw new FerryError('USAGE', `${quote(raw)} is not a GID or a GID prefix (up to 16 hex digits)`, { hint: 'see ferry ls --all' });
    }
    const matches = [...new Set(known.filter((g) => g.startsWith(prefix)))];
    if (matches.length === 0) throw new FerryError('USAGE', `no download has a GID starting with ${quote(raw)}`, { hint: 'see ferry ls --all' });
    if (matches.length > 1) {
      const listed = matches.slice(0, 5).join(', ') + (matches.length > 5 ? `, and ${matches.length - 5} more` : '');
      throw new FerryError('USAGE', `the GID prefix ${quote(raw)} is ambiguous: ${listed}`, { hint: 'type more of the GID' });
    }
    if (!out.includes(matches[0])) out.push(matches[0]);
  }
  return out;
}

/**
 * The shortest prefix length (at least `min`) at which every GID of `gids` is unique, so that a
 * table can show short GIDs that the user can type back.
 */
export function uniquePrefixLength(gids: readonly string[], min = 6): number {
  for (let n = min; n < GID_LENGTH; n++) {
    if (new Set(gids.map((g) => g.slice(0, n))).size === new Set(gids).size) return n;
  }
  return GID_LENGTH;
}
