import type { ByteRange, RemoteInfo } from './types.js';

/** What a control file says about the bytes on disk (the subset of it that resume needs). */
export interface SavedState {
  size?: number;
  etag?: string;
  lastModified?: string;
  done: ByteRange[];
}

export type ResumeDecision = { resume: true; done: ByteRange[] } | { resume: false; reason?: string };

/**
 * Decide whether saved progress may be reused for what the server reports now. Never splice two
 * versions: any difference in size or validators means starting over, with the reason said.
 * `partSize` is the size of the partial file on disk (undefined when it is missing).
 */
export function decideResume(saved: SavedState | undefined, remote: RemoteInfo, partSize: number | undefined): ResumeDecision {
  if (!saved) {
    return partSize !== undefined && partSize > 0 ? { resume: false, reason: 'a partial file without a control file cannot be trusted' } : { resume: false };
  }
  if (partSize === undefined) return { resume: false, reason: 'the partial file is missing' };
  // A shorter partial file still holds every byte claimed below its length (a file taken over
  // with `-c` before it was extended): it is extended, the claimed bytes kept.
  const claimedEnd = saved.done.reduce((end, r) => Math.max(end, r.end), 0);
  const shorterButHolding = saved.size !== undefined && partSize < saved.size && claimedEnd <= partSize;
  if (saved.size !== undefined && partSize !== saved.size && !shorterButHolding) {
    return { resume: false, reason: `the partial file has ${partSize} bytes, expected ${saved.size}` };
  }
  if (!remote.acceptsRanges || remote.size === undefined) {
    return { resume: false, reason: 'the server no longer supports ranges' };
  }
  if (saved.size !== remote.size) {
    return { resume: false, reason: `the size changed on the server (${saved.size ?? 'unknown'} -> ${remote.size})` };
  }
  if (saved.etag !== undefined && remote.etag !== undefined && saved.etag !== remote.etag) {
    return { resume: false, reason: `the file changed on the server (ETag ${saved.etag} -> ${remote.etag})` };
  }
  if (saved.lastModified !== undefined && remote.lastModified !== undefined && saved.lastModified !== remote.lastModified) {
    return { resume: false, reason: `the file changed on the server (Last-Modified ${saved.lastModified} -> ${remote.lastModified})` };
  }
  if ((saved.etag !== undefined) !== (remote.etag !== undefined) && saved.lastModified === undefined) {
    return { resume: false, reason: 'the server no longer sends the same validator' };
  }
  return { resume: true, done: saved.done };
}

/**
 * True when a finished file can be told from a foreign one by isAlreadyComplete alone (its length
 * and its time, which needs a Last-Modified that parses). Only then may a download do without a
 * control file beside it until the end: a kill right after its rename into place must leave a
 * file the rerun takes for complete, not one it saves again under a second name.
 */
export function isRecognizableWhenFinished(remote: Pick<RemoteInfo, 'size' | 'lastModified'>): boolean {
  return remote.size !== undefined && remote.lastModified !== undefined && Number.isFinite(Date.parse(remote.lastModified));
}

/**
 * True when an existing complete file is the one the server has: same size, and its mtime equals
 * Last-Modified (which ferry sets on completion, as wget does), to the second.
 */
export function isAlreadyComplete(file: { size: number; mtimeMs: number }, remote: RemoteInfo): boolean {
  if (remote.size === undefined || file.size !== remote.size) return false;
  if (remote.lastModified === undefined) return false;
  const t = Date.parse(remote.lastModified);
  return Number.isFinite(t) && Math.floor(t / 1000) === Math.floor(file.mtimeMs / 1000);
}

/**
 * A final file left beside our own control file with no `.part`: ferry renamed the `.part` into
 * place (only ever done once every byte was there) and was stopped before it removed the control
 * file. It is this download, complete, when its length and the control file's size and validators
 * are the server's. (A `-c` takeover interrupted at the same point leaves a shorter file.)
 */
export function isFinishedBeside(file: { size: number }, control: { size?: number; etag?: string; lastModified?: string }, remote: RemoteInfo): boolean {
  if (remote.size === undefined || file.size !== remote.size || control.size !== remote.size) return false;
  if (control.etag !== undefined && remote.etag !== undefined && control.etag !== remote.etag) return false;
  if (control.lastModified !== undefined && remote.lastModified !== undefined && control.lastModified !== remote.lastModified) return false;
  return true;
}

/**
 * `url` without its userinfo (`user:pass@`): what control files store and compare, so that no
 * credential is ever written to disk. A string that is not a URL is returned unchanged.
 */
export function withoutUserinfo(url: string): string {
  try {
    const u = new URL(url);
    if (u.username === '' && u.password === '') return url;
    u.username = '';
    u.password = '';
    return u.href;
  } catch {
    return url;
  }
}

/**
 * True when a control file that records `recorded` (its URLs: as given and after redirects)
 * belongs to a download of one of `urls` (the URL and its mirrors). Userinfo is ignored.
 */
export function isControlFor(recorded: readonly (string | undefined)[], urls: readonly string[]): boolean {
  const mine = new Set(urls.map(withoutUserinfo));
  return recorded.some((u) => u !== undefined && mine.has(withoutUserinfo(u)));
}
