/**
 * Input files (`ferry -i FILE`): many downloads, one file. Two line formats mix freely:
 *
 * - ferry's own, a line that starts with `-`: `-u URL [-o OUT] [-n N] ...` (see input-file-ferry.ts);
 * - aria2's: a line of TAB-separated URIs (mirrors of one file), then indented `key=value` option
 *   lines for it (keys in input-file-keys.ts).
 *
 * Blank lines and `#` comments (indented or not) are skipped everywhere; they do not end the option
 * lines of an aria2 entry. The whole file is validated before anything is returned.
 */
import { FerryError } from './errors.js';
import { parseFerryLine } from './input-file-ferry.js';
import { findKey, readOption } from './input-file-keys.js';
import { checkUrl, quote } from './input-file-values.js';
import type { DownloadOptions } from './options.js';

/** One download of an input file. */
export interface InputEntry {
  /** Mirrors of one file; the first is the primary. Never empty. */
  urls: string[];
  /** Only the options the file gave; fill the rest with resolveOptions(). */
  options: Partial<DownloadOptions>;
  /** 1-based line of the URI line (aria2 format) or of the whole entry (ferry format). */
  line: number;
}

/** What {@link parseInputFile} returns. */
export interface ParsedInputFile {
  entries: InputEntry[];
  /** `FILE:LINE: unknown option "KEY" ignored`, one per ignored aria2 option line. */
  warnings: string[];
}

/** What the error of a bad input file suggests. */
export const INPUT_FILE_HINT = 'fix the lines above; nothing was downloaded';

/** Space and tab: the blanks that indent option lines and surround their keys and values. */
const trimBlanks = (s: string): string => s.replace(/^[ \t]+|[ \t]+$/g, '');

/**
 * Parse the text of an input file. `fileName` prefixes every message (`FILE:LINE: ...`); pass
 * what the user typed (or e.g. `<stdin>`). A leading byte-order mark and CRLF (or CR) line endings are
 * accepted. Unknown aria2 keys are not errors: each yields a warning and is ignored.
 * @throws FerryError USAGE when any line is wrong: the message lists every problem of the file,
 *   one `FILE:LINE: what is wrong` per line, and nothing is returned.
 */
export function parseInputFile(text: string, fileName: string): ParsedInputFile {
  const entries: InputEntry[] = [];
  const warnings: string[] = [];
  const errors: string[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  // The aria2 entry that indented option lines belong to; undefined before the first URI line
  // and after a ferry-format line (whose options are all on its own line).
  let current: InputEntry | undefined;

  lines.forEach((line, index) => {
    const at = `${fileName}:${index + 1}: `;
    const body = trimBlanks(line);
    if (body === '' || body.startsWith('#')) return;

    if (line[0] === ' ' || line[0] === '\t') {
      if (current === undefined) {
        errors.push(`${at}option line ${quote(body)} has no URI line before it`);
        return;
      }
      const eq = body.indexOf('=');
      const key = eq < 0 ? '' : trimBlanks(body.slice(0, eq));
      if (key === '') {
        errors.push(`${at}expected key=value, got ${quote(body)}`);
        return;
      }
      const spec = findKey(key);
      if (spec === undefined) {
        warnings.push(`${at}unknown option ${JSON.stringify(key)} ignored`);
        return;
      }
      try {
        readOption(spec, current.options, trimBlanks(body.slice(eq + 1)), key);
      } catch (e) {
        errors.push(at + (e as Error).message);
      }
    } else if (line[0] === '-') {
      current = undefined;
      const parsed = parseFerryLine(line);
      for (const message of parsed.errors) errors.push(at + message);
      entries.push({ urls: parsed.urls, options: parsed.options, line: index + 1 });
    } else {
      current = { urls: [], options: {}, line: index + 1 };
      entries.push(current);
      for (const uri of line.split('\t').map(trimBlanks)) {
        if (uri === '') continue;
        try {
          current.urls.push(checkUrl(uri));
        } catch (e) {
          errors.push(at + (e as Error).message);
        }
      }
    }
  });

  if (errors.length > 0) throw new FerryError('USAGE', errors.join('\n'), { hint: INPUT_FILE_HINT });
  return { entries, warnings };
}
