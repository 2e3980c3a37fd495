/**
 * What a person pasted (or dropped as an input file) into `aria2.addUri` calls. The one parser is
 * ferry's own (src/core/input-file.ts): plain links, aria2's input format (TAB-separated mirrors and
 * indented `key=value` lines) and ferry's `-u URL -o NAME -n 4` lines. This module only turns its
 * result into RPC options and its errors into one entry per line.
 */
import { isFerryError } from '../../../src/core/errors.js';
import { parseInputFile } from '../../../src/core/input-file.js';
import { OPTION_KEYS } from '../../../src/core/input-file-keys.js';
import type { DownloadOptions } from '../../../src/core/options.js';

/** Options as `aria2.addUri` takes them: strings, `header` an array. */
export type RpcOptions = Record<string, string | string[]>;

/** One `aria2.addUri(uris, options)` call. */
export interface AddRequest {
  uris: string[];
  options: RpcOptions;
  /** 1-based line of the pasted text it came from. */
  line: number;
}

/** A problem of one line (line 0: not tied to a line). */
export interface PasteProblem {
  line: number;
  message: string;
}

/** The options the form sets for every pasted link; empty strings mean "not set". */
export interface FormDefaults {
  /** File name; only allowed when exactly one download is pasted. */
  out?: string;
  dir?: string;
  /** Connections (aria2 `split`). */
  split?: string;
  /** Bytes per second (aria2 `max-download-limit`). */
  limit?: string;
  /** Add without starting (aria2 `pause=true`). */
  paused?: boolean;
}

/** What {@link parsePaste} returns: nothing is to be added while `errors` is not empty. */
export interface PasteResult {
  requests: AddRequest[];
  errors: PasteProblem[];
  warnings: PasteProblem[];
}

const SOURCE = 'pasted';

/** `pasted:12: what` -> {line: 12, message: 'what'}. */
function toProblem(text: string): PasteProblem {
  const m = /^pasted:(\d+): (.*)$/s.exec(text);
  return m === null ? { line: 0, message: text } : { line: Number(m[1]), message: m[2] };
}

/** The RPC options for the options one entry of the input file gave. */
export function toRpcOptions(options: Partial<DownloadOptions>): RpcOptions {
  const out: RpcOptions = {};
  for (const spec of OPTION_KEYS) {
    const value = options[spec.option];
    if (value === undefined) continue;
    const lines = spec.write(value as NonNullable<typeof value>);
    if (lines.length === 0) continue;
    out[spec.key] = spec.key === 'header' ? lines : lines[0];
  }
  return out;
}

/**
 * Parse the pasted text and apply the form's defaults (what a line says itself wins over the form).
 * Every problem is reported, one per line, and then no request is returned.
 */
export function parsePaste(text: string, form: FormDefaults = {}): PasteResult {
  let parsed: ReturnType<typeof parseInputFile>;
  try {
    parsed = parseInputFile(text, SOURCE);
  } catch (e) {
    if (!isFerryError(e)) throw e;
    return { requests: [], errors: e.message.split('\n').map(toProblem), warnings: [] };
  }
  const warnings = parsed.warnings.map(toProblem);
  const errors: PasteProblem[] = [];
  const out = form.out?.trim() ?? '';
  if (out !== '' && parsed.entries.length > 1) {
    errors.push({ line: 0, message: `a file name applies to one link, but ${parsed.entries.length} were pasted: clear the name or paste one link` });
  }
  if (out.includes('/') || out === '.' || out === '..') {
    errors.push({ line: 0, message: `file name "${out}" must not contain "/": put folders in the folder field` });
  }
  const split = form.split?.trim() ?? '';
  if (split !== '' && !/^[1-9]\d*$/.test(split)) errors.push({ line: 0, message: `connections "${split}" must be a whole number from 1` });
  if (errors.length > 0) return { requests: [], errors, warnings };

  const defaults: RpcOptions = {};
  if (out !== '') defaults.out = out;
  if ((form.dir?.trim() ?? '') !== '') defaults.dir = form.dir?.trim() ?? '';
  if (split !== '') defaults.split = split;
  if ((form.limit?.trim() ?? '') !== '') defaults['max-download-limit'] = form.limit?.trim() ?? '';
  if (form.paused === true) defaults.pause = 'true';
  const requests = parsed.entries.map((entry) => ({
    uris: entry.urls,
    options: { ...defaults, ...toRpcOptions(entry.options) },
    line: entry.line,
  }));
  return { requests, errors: [], warnings };
}
