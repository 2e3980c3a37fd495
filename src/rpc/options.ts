/**
 * aria2 option objects (string values; `header` may be an array) to ferry's options and back,
 * through the one option table of `core/input-file-keys.ts`. Unknown option names are ignored,
 * as aria2 does (AriaNg re-adds a stopped download with every option it read, ferry's or not).
 */
import { isFerryError } from '../core/errors.js';
import { findKey, OPTION_KEYS, readOption } from '../core/input-file-keys.js';
import { readInteger, readSize, readText } from '../core/input-file-values.js';
import type { DownloadOptions } from '../core/options.js';
import { RpcError } from './rpc-error.js';
import type { RpcGlobalOptions } from './service.js';

/** An aria2 option object as it arrives: values are strings, `header` may be a string array. */
export type Aria2Options = Record<string, unknown>;

/** Engine-wide keys that are not per-download options. */
const GLOBAL_ONLY: Record<string, (o: RpcGlobalOptions, value: string, name: string) => void> = {
  'max-concurrent-downloads': (o, v, n) => {
    o.maxActive = readInteger(n, v, 1);
  },
  'max-overall-download-limit': (o, v, n) => {
    o.limitRate = readSize(n, v, 0);
  },
  'max-download-limit': (o, v, n) => {
    o.downloadLimitRate = readSize(n, v, 0);
  },
  'save-session': (o, v, n) => {
    o.saveSession = readText(n, v);
  },
};

function problem(key: string, e: unknown): RpcError {
  const detail = isFerryError(e) ? ` ${e.message}` : '';
  return new RpcError(`We encountered a problem while processing the option '--${key}'.${detail}`);
}

/** The values of one key: a string, or (for `header` only) an array of strings. */
function valuesOf(key: string, value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (key === 'header' && Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
  throw problem(key, undefined);
}

/**
 * Read a per-download option object.
 * @throws RpcError naming the option for a bad value.
 */
export function readDownloadOptions(input: Aria2Options): Partial<DownloadOptions> {
  const out: Partial<DownloadOptions> = {};
  for (const [key, raw] of Object.entries(input)) {
    const spec = findKey(key);
    if (!spec) continue;
    for (const value of valuesOf(key, raw)) {
      try {
        readOption(spec, out, value, key);
      } catch (e) {
        throw problem(key, e);
      }
    }
  }
  return out;
}

/**
 * Read a global option object: engine settings plus download defaults.
 * @throws RpcError naming the option for a bad value.
 */
export function readGlobalOptions(input: Aria2Options): RpcGlobalOptions {
  const out: RpcGlobalOptions = {};
  const perDownload: Aria2Options = {};
  for (const [key, raw] of Object.entries(input)) {
    const global = Object.hasOwn(GLOBAL_ONLY, key) ? GLOBAL_ONLY[key] : undefined;
    if (!global) {
      perDownload[key] = raw;
      continue;
    }
    const [value] = valuesOf(key, raw);
    if (value === '') throw problem(key, undefined);
    try {
      global(out, value, key);
    } catch (e) {
      throw problem(key, e);
    }
  }
  const defaults = readDownloadOptions(perDownload);
  // `limitRate` of a download default is the engine's `downloadLimitRate`: handled above.
  delete defaults.limitRate;
  return { ...(defaults as RpcGlobalOptions), ...out };
}

/** A download's options as aria2 strings (`header` lines joined by newlines, as aria2 does). */
export function writeDownloadOptions(options: Partial<DownloadOptions>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const spec of OPTION_KEYS) {
    const value = options[spec.option];
    if (value === undefined) continue;
    const lines = spec.write(value as NonNullable<typeof value>);
    if (lines.length > 0) out[spec.key] = lines.join('\n');
  }
  return out;
}

/** Global settings as aria2 strings. The RPC secret is never among them. */
export function writeGlobalOptions(options: RpcGlobalOptions): Record<string, string> {
  const { maxActive, limitRate, downloadLimitRate, saveSession, ...defaults } = options;
  const out = writeDownloadOptions(defaults as Partial<DownloadOptions>);
  if (maxActive !== undefined) out['max-concurrent-downloads'] = String(maxActive);
  if (limitRate !== undefined) out['max-overall-download-limit'] = String(limitRate);
  if (downloadLimitRate !== undefined) out['max-download-limit'] = String(downloadLimitRate);
  if (saveSession !== undefined) out['save-session'] = saveSession;
  return out;
}
