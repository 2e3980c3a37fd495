/**
 * ferry's own input-file line: one download per line, flags in any order, values quoted like a
 * shell would: `-u https://example.com/a.iso -o "my file.iso" -n 8`.
 */
import { FerryError } from './errors.js';
import { findFlag, readOption } from './input-file-keys.js';
import { checkUrl, quote } from './input-file-values.js';
import type { DownloadOptions } from './options.js';

/** One ferry-format line, read. `errors` are messages without the `FILE:LINE:` prefix. */
export interface FerryLine {
  /** `-u` values in order: mirrors of one file, the first is the primary. */
  urls: string[];
  options: Partial<DownloadOptions>;
  errors: string[];
}

const URL_FLAGS: readonly string[] = ['-u', '--url'];

/** Flags that take no value, and what they set. */
const SWITCHES: ReadonlyArray<{ names: readonly string[]; set(options: Partial<DownloadOptions>): void }> = [
  {
    names: ['-k', '--insecure'],
    set: (o) => {
      o.insecure = true;
    },
  },
  {
    names: ['--overwrite'],
    set: (o) => {
      o.overwrite = true;
    },
  },
  {
    names: ['-c', '--continue'],
    set: (o) => {
      o.continuePartial = true;
    },
  },
  {
    names: ['--ftp-ssl'],
    set: (o) => {
      o.ftpSsl = true;
    },
  },
  {
    names: ['--ftp-ssl-required'],
    set: (o) => {
      o.ftpSslRequired = true;
    },
  },
];

/** Characters a backslash escapes inside double quotes (as in a POSIX shell). */
const DOUBLE_QUOTE_ESCAPES = '"\\$`';

/**
 * Split a line into words like a POSIX shell, without expansions: blanks (space, tab) separate
 * words; '...' keeps everything literally; "..." keeps everything except that a backslash escapes
 * `"`, `\`, `$` and a backquote; quoted and unquoted parts next to each other form one word
 * (`"a b"c` is `a bc`); `""` is an empty word. Outside quotes a backslash is an ordinary character
 * (so `C:\dir` needs no quoting). An unquoted `#` at the start of a word begins a comment.
 * @throws FerryError USAGE for an unterminated quote.
 */
export function splitWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  // Invariant: inWord is true exactly when `word` (possibly empty, from quotes) must be emitted.
  let inWord = false;
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (c === ' ' || c === '\t') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i++;
    } else if (c === '#' && !inWord) {
      break;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new FerryError('USAGE', 'unterminated single quote');
      word += line.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      i++;
      for (;;) {
        if (i >= line.length) throw new FerryError('USAGE', 'unterminated double quote');
        const d = line[i];
        if (d === '"') break;
        if (d === '\\' && i + 1 < line.length && DOUBLE_QUOTE_ESCAPES.includes(line[i + 1])) {
          word += line[i + 1];
          i += 2;
        } else {
          word += d;
          i++;
        }
      }
      inWord = true;
      i++; // the closing quote
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** A word that is one of ferry's flags (and so cannot be the value of the flag before it). */
function looksLikeFlag(word: string): boolean {
  return /^-[^-]/.test(word) || /^--./.test(word);
}

/**
 * Read a ferry-format line (`-u URL [-o OUT] [-n N] ...`). Accepts `--flag value`, `--flag=value`,
 * `-n 16` and `-n16`, the per-download flags of the command line, and `-u` more than once for
 * mirrors of the same file. A value that starts with `-` must be attached (`--output=-x`), so a
 * forgotten value is reported instead of swallowing the next flag. Never throws: every problem of
 * the line is collected in `errors`.
 */
export function parseFerryLine(line: string): FerryLine {
  const result: FerryLine = { urls: [], options: {}, errors: [] };
  let words: string[];
  try {
    words = splitWords(line);
  } catch (e) {
    result.errors.push((e as Error).message);
    return result;
  }
  // Whether the line tried to give a URL (then "missing -u" would only repeat another error).
  let urlAttempted = false;
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (!looksLikeFlag(word)) {
      result.errors.push(`unexpected argument ${quote(word)} (give each URL with -u)`);
      urlAttempted = true;
      continue;
    }
    const long = word.startsWith('--');
    const eq = long ? word.indexOf('=') : -1;
    const name = long ? (eq < 0 ? word : word.slice(0, eq)) : word.slice(0, 2);
    let attached: string | undefined;
    if (long) attached = eq < 0 ? undefined : word.slice(eq + 1);
    else if (word.length > 2) attached = word.slice(2).replace(/^=/, '');

    const toggle = SWITCHES.find((s) => s.names.includes(name));
    if (toggle !== undefined) {
      if (attached === undefined) toggle.set(result.options);
      else result.errors.push(long ? `${name} takes no value, got ${quote(word)}` : `unknown option ${quote(word)}`);
      continue;
    }
    const isUrl = URL_FLAGS.includes(name);
    const spec = isUrl ? undefined : findFlag(name);
    if (!isUrl && spec === undefined) {
      result.errors.push(`unknown option ${quote(name)}`);
      continue;
    }
    let value = attached;
    if (value === undefined && i + 1 < words.length && !looksLikeFlag(words[i + 1])) value = words[++i];
    if (isUrl) urlAttempted = true;
    try {
      if (value === undefined || value === '') throw new FerryError('USAGE', `${name} needs a value`);
      if (spec === undefined) result.urls.push(checkUrl(value));
      else readOption(spec, result.options, value, name);
    } catch (e) {
      result.errors.push((e as Error).message);
    }
  }
  if (!urlAttempted) result.errors.push('missing -u URL');
  return result;
}
