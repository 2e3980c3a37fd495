/**
 * aria2's result shapes, in one place: every number and boolean as a string, key filtering,
 * `files` with their `uris`, and ferry's error codes as aria2's numeric ones.
 */
import type { ErrorCode } from '../core/errors.js';
import type { QueueState } from '../engine/queue-types.js';
import type { RpcDownload } from './service.js';

/** aria2's status names. */
export type Aria2Status = 'active' | 'waiting' | 'paused' | 'error' | 'complete' | 'removed';

/** ferry's queue state as aria2's status (`cancelled` is aria2's `removed`). */
export function toAria2State(state: QueueState): Aria2Status {
  return state === 'cancelled' ? 'removed' : state;
}

/**
 * aria2's numeric `errorCode` for a ferry error code (and HTTP status or FTP reply, when known).
 * 1 unknown, 2 timeout, 3 not found, 6 network, 13 file exists, 17 I/O, 21 FTP command failed,
 * 22 bad HTTP response, 23 too many redirects, 24 HTTP auth failed, 28 bad option,
 * 29 HTTP 503, 31 removed, 32 checksum.
 */
export function toAria2ErrorCode(code: string | undefined, status?: number): string {
  switch (code as ErrorCode | undefined) {
    case 'TIMEOUT':
      return '2';
    case 'NETWORK':
      return '6';
    case 'HTTP_STATUS':
      if (status === 404) return '3';
      if (status === 401 || status === 407) return '24';
      if (status === 503) return '29';
      return '22';
    case 'BAD_RESPONSE':
      return '22';
    case 'REDIRECT':
      return '23';
    case 'CHECKSUM':
      return '32';
    case 'FILE_SYSTEM':
      return '17';
    case 'FILE_EXISTS':
      return '13';
    case 'FTP':
      return status === 550 ? '3' : '21';
    case 'USAGE':
      return '28';
    case 'ABORTED':
      return '31';
    default:
      return '1';
  }
}

/** The HTTP status or FTP reply in an error message such as "HTTP 404 Not Found", if any. */
function statusIn(message: string | undefined): number | undefined {
  const m = message?.match(/\b(?:HTTP|FTP)\D{0,3}(\d{3})\b/);
  return m ? Number(m[1]) : undefined;
}

/** `files` of a download: ferry downloads one file, with its mirrors as `uris`. */
export function toAria2Files(d: RpcDownload): Record<string, unknown>[] {
  const active = d.state === 'active';
  return [
    {
      index: '1',
      path: d.path ?? '',
      length: String(d.totalBytes ?? 0),
      completedLength: String(d.completedBytes),
      selected: 'true',
      uris: d.urls.map((uri, i) => ({ uri, status: active && i === 0 ? 'used' : 'waiting' })),
    },
  ];
}

/** Every key of aria2's tellStatus that ferry can answer, computed on demand. */
const FIELDS: Record<string, (d: RpcDownload) => unknown> = {
  gid: (d) => d.id,
  status: (d) => toAria2State(d.state),
  totalLength: (d) => String(d.totalBytes ?? 0),
  completedLength: (d) => String(d.completedBytes),
  uploadLength: () => '0',
  downloadSpeed: (d) => String(d.state === 'active' ? Math.round(d.speed) : 0),
  uploadSpeed: () => '0',
  connections: (d) => String(d.state === 'active' ? d.connections : 0),
  dir: (d) => d.dir,
  files: toAria2Files,
  pieceLength: (d) => (d.pieceLength === undefined ? undefined : String(d.pieceLength)),
  numPieces: (d) => (d.pieceLength === undefined || d.pieceLength <= 0 ? undefined : String(Math.ceil((d.totalBytes ?? 0) / d.pieceLength))),
  bitfield: (d) => d.bitfield,
  errorCode: (d) => {
    if (d.state === 'complete') return '0';
    if (d.state === 'cancelled') return '31';
    if (d.state === 'error') return toAria2ErrorCode(d.errorCode, statusIn(d.errorMessage));
    return undefined;
  },
  errorMessage: (d) => {
    if (d.state === 'error') return d.errorMessage ?? 'Unknown error';
    if (d.state === 'cancelled') return 'Removed';
    return undefined;
  },
};

/** The fields of a download that FIELDS reads (a new reader there must be listed here too). */
const STATUS_INPUT = [
  'id',
  'state',
  'totalBytes',
  'completedBytes',
  'speed',
  'connections',
  'dir',
  'path',
  'urls',
  'pieceLength',
  'bitfield',
  'errorCode',
  'errorMessage',
] as const;

/** What `toAria2Status` reads of a download. */
export type StatusInput = Pick<RpcDownload, (typeof STATUS_INPUT)[number]>;

/** A copy of what `toAria2Status` reads of `d` (its own copy of the URLs: `d` may change later). */
export function statusInput(d: RpcDownload): StatusInput {
  const copy: Record<string, unknown> = {};
  for (const f of STATUS_INPUT) copy[f] = d[f];
  copy.urls = [...d.urls];
  return copy as unknown as StatusInput;
}

/** True when `toAria2Status` gives the same object for `d` as for the download `was` was copied from, with any key list. */
export function sameStatusInput(was: StatusInput, d: RpcDownload): boolean {
  for (const f of STATUS_INPUT) if (f !== 'urls' && was[f] !== d[f]) return false;
  return was.urls.length === d.urls.length && was.urls.every((u, i) => u === d.urls[i]);
}

/** Every key tellStatus may answer. */
export const STATUS_KEYS: readonly string[] = Object.keys(FIELDS);

/**
 * aria2's status object for `d`: only `keys` when given (unknown keys are skipped), else every
 * key that applies. Keys without a value for this download (bitfield before pieces are known,
 * errorCode of a download that is not stopped) are left out, as aria2 does.
 */
export function toAria2Status(d: RpcDownload, keys?: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys ?? STATUS_KEYS) {
    const field = Object.hasOwn(FIELDS, key) ? FIELDS[key] : undefined;
    const value = field?.(d);
    if (value !== undefined) out[key] = value;
  }
  return out;
}
