/**
 * The session file: the downloads still to do, written in aria2's input-file format so that
 * `ferry -i SESSION` (and aria2) can read it back. Pure encoding; saving it is the disk layer's job.
 */
import { FerryError } from './errors.js';
import { OPTION_KEYS, readOption } from './input-file-keys.js';
import { checkUrl, quote } from './input-file-values.js';
import type { DownloadOptions } from './options.js';

/** One download to save. */
export interface SessionEntry {
  /** Mirrors of one file; the first is the primary. */
  urls: string[];
  options: Partial<DownloadOptions>;
}

/** Structural equality of option values (numbers, strings, booleans, checksums, header records). */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = Object.keys(x);
  return keys.length === Object.keys(y).length && keys.every((k) => Object.hasOwn(y, k) && sameValue(x[k], y[k]));
}

/** Lines of one entry: its URIs, then ` key=value` for every option that has a key. */
function encodeEntry(entry: SessionEntry, where: string): string[] {
  const fail = (message: string): FerryError => new FerryError('USAGE', `cannot save ${where}: ${message}`);
  if (entry.urls.length === 0) throw fail('it has no URL');
  for (const url of entry.urls) {
    try {
      checkUrl(url);
    } catch (e) {
      throw fail((e as Error).message);
    }
  }
  const lines = [entry.urls.join('\t')];
  for (const spec of OPTION_KEYS) {
    const value = entry.options[spec.option];
    if (value === undefined) continue;
    const written = spec.write(value);
    // An empty header record writes nothing and reads back as no headers at all: the same request.
    if (written.length === 0) continue;
    const readBack: Partial<DownloadOptions> = {};
    for (const text of written) {
      if (/[\r\n]/.test(text)) throw fail(`${spec.key} ${quote(text)} contains a line break`);
      if (/^[ \t]|[ \t]$/.test(text)) throw fail(`${spec.key} ${quote(text)} starts or ends with a blank`);
      try {
        readOption(spec, readBack, text, spec.key);
      } catch (e) {
        throw fail((e as Error).message);
      }
      lines.push(` ${spec.key}=${text}`);
    }
    // Invariant: every option written reads back as exactly the value given.
    if (!sameValue(readBack[spec.option], value)) {
      throw fail(`${spec.option} ${JSON.stringify(value)} would read back as ${JSON.stringify(readBack[spec.option])}`);
    }
  }
  return lines;
}

/**
 * Write entries in aria2's input format: the URIs of each entry tab-separated on one line, then one
 * line ` key=value` per option (per header for `header`), keys in a fixed order. Options without a
 * key (`checkpointIntervalMs`) and an empty `headers` record are not written. The text reads back
 * with parseInputFile() to exactly the given URLs and options.
 * @throws FerryError USAGE for an entry that cannot be written faithfully: no URL, an invalid URL
 *   or option value, a line break in a value, a value starting or ending with a blank, or a value
 *   that would read back differently (e.g. an `out` that is not normalized, headers whose names
 *   differ only in case).
 */
export function encodeSession(entries: readonly SessionEntry[]): string {
  const lines = entries.flatMap((entry, index) =>
    encodeEntry(entry, entry.urls.length === 0 ? `entry ${index + 1}` : `entry ${index + 1} (${quote(entry.urls[0])})`),
  );
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
