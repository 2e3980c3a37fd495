/**
 * The control file beside a partial file: which byte ranges of it are on disk, and the remote
 * file they came from. Small UTF-8 JSON, versioned, saved atomically.
 *
 * Format (version 1), keys in this order, optional keys omitted when absent:
 *
 *   {
 *     "ferry": "control",
 *     "version": 1,
 *     "url": "https://example.com/file.iso",
 *     "source": "https://example.com/get?id=7",
 *     "size": 1048576,
 *     "etag": "\"abc\"",
 *     "lastModified": "Tue, 01 Oct 2024 10:00:00 GMT",
 *     "createdAt": "2024-10-01T10:00:00.000Z",
 *     "done": [[0, 65536], [131072, 196608]],
 *     "boot": "0f6a5d1e-3c1b-4d7e-9a55-2b1f0c8e7d64",
 *     "written": [[65536, 98304]]
 *   }
 *
 * `done` lists the bytes that were synced to stable storage (with `--no-fsync`: written) before
 * the file was saved. `written` (optional) lists more bytes whose positional write had returned
 * (they are in the page cache, perhaps not yet on disk) when the file was saved, and `boot` the
 * kernel's boot id at that moment: a rerun trusts `written` only during the same boot (see
 * core/written-ranges.ts). Both were added without a new version on purpose: a build that does
 * not know them ignores them, and so trusts only the synced bytes, which is always safe.
 *
 * `source` (optional, added without a new version) is the URL as the user gave it. No URL ever
 * carries userinfo (`user:pass@`): credentials are never written. The file is created 0600.
 * Ranges are half-open [start, end), sorted, disjoint and non-empty. Every version ever written
 * keeps being readable; test/fixtures/control-v1.ferry pins version 1.
 */
import { promises as fs, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { FerryError } from '../core/errors.js';
import { withoutUserinfo } from '../core/resume.js';
import type { ByteRange } from '../core/types.js';
import { writeFileAtomic } from './atomic-write.js';
import { errnoCode, fileSystemError, removeIfExists } from './file-ops.js';

/** The newest control file version this build writes and reads. */
export const CONTROL_VERSION = 1;

/** What a control file records. Invariant: never claims bytes that are not on disk. */
export interface ControlState {
  version: 1;
  /** The URL the bytes came from (after redirects), without userinfo. */
  url: string;
  /** The URL the download was asked for (before redirects), without userinfo. */
  source?: string;
  /** Total size of the remote file, when known. */
  size?: number;
  /** The remote validators at the time the bytes were fetched, exactly as sent. */
  etag?: string;
  lastModified?: string;
  /** Byte ranges on disk: sorted, disjoint, non-empty, half-open, inside `size` when known. */
  done: ByteRange[];
  /** When the download was first started (ISO 8601). */
  createdAt?: string;
  /**
   * Byte ranges whose write returned but that were perhaps not synced (same form as `done`; may
   * overlap it). Trusted only during the boot `boot`.
   */
  written?: ByteRange[];
  /** The kernel's boot id when `written` was recorded. */
  boot?: string;
}

/**
 * Serialize `state` (validated first: an invalid state throws FerryError FILE_SYSTEM rather than
 * producing a file that could not be read back).
 */
export function encodeControl(state: ControlState): string {
  const s = validate(state, (why) => new FerryError('FILE_SYSTEM', `invalid control state: ${why}`));
  const lines = ['  "ferry": "control"', `  "version": ${CONTROL_VERSION}`, `  "url": ${JSON.stringify(s.url)}`];
  if (s.source !== undefined) lines.push(`  "source": ${JSON.stringify(s.source)}`);
  if (s.size !== undefined) lines.push(`  "size": ${s.size}`);
  if (s.etag !== undefined) lines.push(`  "etag": ${JSON.stringify(s.etag)}`);
  if (s.lastModified !== undefined) lines.push(`  "lastModified": ${JSON.stringify(s.lastModified)}`);
  if (s.createdAt !== undefined) lines.push(`  "createdAt": ${JSON.stringify(s.createdAt)}`);
  lines.push(`  "done": ${encodeRanges(s.done)}`);
  if (s.boot !== undefined) lines.push(`  "boot": ${JSON.stringify(s.boot)}`);
  if (s.written !== undefined) lines.push(`  "written": ${encodeRanges(s.written)}`);
  return `{\n${lines.join(',\n')}\n}\n`;
}

/**
 * Parse and validate control file text. `where` names the file in messages. Anything malformed,
 * or a version newer than this build knows, throws FerryError FILE_SYSTEM with a hint.
 * Unknown keys are ignored (a later build may add optional keys without a new version).
 */
export function decodeControl(text: string, where: string): ControlState {
  let raw: unknown;
  try {
    raw = JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text);
  } catch {
    throw corrupt(where, 'it is not valid JSON');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw corrupt(where, 'it is not a JSON object');
  const obj = raw as Record<string, unknown>;
  if (obj.ferry !== 'control') throw corrupt(where, 'it lacks the "ferry": "control" marker');
  const version = obj.version;
  if (typeof version === 'number' && Number.isSafeInteger(version) && version > CONTROL_VERSION) {
    throw new FerryError('FILE_SYSTEM', `${where} was written by a newer ferry (control file version ${version}, this one reads up to ${CONTROL_VERSION})`, {
      hint: `upgrade ferry, or delete ${where} to start over`,
    });
  }
  if (version !== 1) throw corrupt(where, `"version" must be 1, got ${JSON.stringify(version)}`);
  const done = decodePairs(obj.done, 'done', where);
  const written = obj.written === undefined ? undefined : decodePairs(obj.written, 'written', where);
  return validate({ ...obj, version: 1, done, written } as ControlState, (why) => corrupt(where, why));
}

/** `[[start, end], ...]` as ranges (checked further by validate). */
function decodePairs(value: unknown, key: string, where: string): ByteRange[] {
  if (!Array.isArray(value)) throw corrupt(where, `"${key}" must be an array of [start, end] pairs`);
  return value.map((pair: unknown, i) => {
    if (!Array.isArray(pair) || pair.length !== 2) throw corrupt(where, `"${key}"[${i}] must be a [start, end] pair`);
    return { start: pair[0] as number, end: pair[1] as number };
  });
}

function encodeRanges(ranges: readonly ByteRange[]): string {
  return `[${ranges.map((r) => `[${r.start}, ${r.end}]`).join(', ')}]`;
}

/** The one temporary name saves of the control file `filePath` use: a rerun finds its leftover without listing. */
export function controlTempPath(filePath: string): string {
  return `${filePath}.tmp`;
}

/**
 * Save `state` to `filePath` atomically: write `filePath.tmp`, fsync it, rename it over
 * `filePath`, fsync the directory. A crash at any instant leaves either the old or the new file
 * (and maybe the temp file, which the next save or the removal replaces or deletes).
 * Invariant: callers do not save the same path twice at once (one checkpoint at a time), and one
 * engine holds an output path (output claims), so no two saves share the temp name.
 */
export async function saveControl(filePath: string, state: ControlState, options: { durable?: boolean } = {}): Promise<void> {
  const clean = { ...state, url: withoutUserinfo(state.url), source: state.source === undefined ? undefined : withoutUserinfo(state.source) };
  await writeFileAtomic(filePath, encodeControl(clean), { ...options, mode: 0o600, tmpPath: controlTempPath(filePath) });
}

/**
 * Read the control file at `filePath`. Resolves undefined when there is none; a file that cannot
 * be read or is corrupt throws FerryError FILE_SYSTEM.
 */
export async function loadControl(filePath: string): Promise<ControlState | undefined> {
  let text: string;
  try {
    // Most downloads have none: a look first answers that without building an exception.
    if (statSync(filePath, { throwIfNoEntry: false }) === undefined) return undefined;
    text = readFileSync(filePath, 'utf8');
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return undefined;
    throw fileSystemError(e, 'read', filePath);
  }
  return decodeControl(text, filePath);
}

/**
 * Delete the control file and any temporary file a crashed save left beside it (`<name>.tmp`,
 * always; `<name>.tmp-<pid>` of earlier versions by listing the directory, skipped with
 * `leftovers: false`: for a control file this process created, listing a directory of many files
 * per download would cost O(n) each). Missing files are not an error.
 */
export async function removeControl(filePath: string, options: { leftovers?: boolean } = {}): Promise<void> {
  // The control file goes last: beside a final file it is what makes that file this download's,
  // so a kill while the leftovers go leaves it, and the rerun finds the download complete.
  await removeIfExists(controlTempPath(filePath));
  if (options.leftovers !== false) await removeLeftovers(filePath);
  await removeIfExists(filePath);
}

/** Remove the temporary files crashed saves of `filePath` left (`<name>.tmp-<pid>`). */
async function removeLeftovers(filePath: string): Promise<void> {
  const dir = path.dirname(filePath);
  const prefix = `${path.basename(filePath)}.tmp-`;
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return;
    throw fileSystemError(e, 'list', dir);
  }
  for (const name of names) {
    if (name.startsWith(prefix) && /^\d+$/.test(name.slice(prefix.length))) {
      await removeIfExists(path.join(dir, name));
    }
  }
}

/** Check every field of a state; returns a clean copy holding only known keys. */
function validate(state: ControlState, bad: (why: string) => FerryError): ControlState {
  if (typeof state !== 'object' || state === null) throw bad('it is not an object');
  if (state.version !== 1) throw bad(`"version" must be 1, got ${JSON.stringify(state.version)}`);
  if (typeof state.url !== 'string' || state.url.length === 0) throw bad('"url" must be a non-empty string');
  const out: ControlState = { version: 1, url: state.url, done: [] };
  if (state.size !== undefined) {
    if (!isOffset(state.size)) throw bad(`"size" must be a non-negative integer, got ${JSON.stringify(state.size)}`);
    out.size = state.size;
  }
  for (const key of ['source', 'etag', 'lastModified', 'createdAt', 'boot'] as const) {
    const v = state[key];
    if (v === undefined) continue;
    if (typeof v !== 'string') throw bad(`"${key}" must be a string, got ${JSON.stringify(v)}`);
    out[key] = v;
  }
  out.done = validRanges(state.done, 'done', out.size, bad);
  if (state.written !== undefined) out.written = validRanges(state.written, 'written', out.size, bad);
  return out;
}

/** Sorted, disjoint, non-empty, non-negative integer ranges inside `size` (when known). */
function validRanges(ranges: unknown, key: string, size: number | undefined, bad: (why: string) => FerryError): ByteRange[] {
  if (!Array.isArray(ranges)) throw bad(`"${key}" must be an array of ranges`);
  let prevEnd = 0;
  return ranges.map((r: ByteRange | undefined, i) => {
    const { start, end } = r ?? {};
    if (!isOffset(start) || !isOffset(end)) {
      throw bad(`"${key}"[${i}] must hold two non-negative integers, got ${JSON.stringify([start, end])}`);
    }
    if (start >= end) throw bad(`"${key}"[${i}] [${start}, ${end}] is empty or reversed`);
    if (i > 0 && start < prevEnd) throw bad(`"${key}"[${i}] [${start}, ${end}] overlaps or precedes the range before it`);
    if (size !== undefined && end > size) throw bad(`"${key}"[${i}] [${start}, ${end}] ends past the size ${size}`);
    prevEnd = end;
    return { start, end };
  });
}

function isOffset(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

function corrupt(where: string, why: string): FerryError {
  return new FerryError('FILE_SYSTEM', `${where} is not a valid control file: ${why}`, {
    hint: `delete ${where} to start over`,
  });
}
