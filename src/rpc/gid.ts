/** GID lookups: 16 hex digits, or any unique prefix of a known one, as aria2 accepts. */
import { RpcError } from './rpc-error.js';
import type { RpcDownload, RpcService } from './service.js';

const HEX = /^[0-9a-f]{1,16}$/i;

/**
 * The full gid for `text` (a gid or a unique prefix).
 * @throws RpcError "Invalid GID x", "GID x is not found" or "GID x is not unique."
 */
export function resolveGid(service: RpcService, text: string): string {
  if (!HEX.test(text)) throw new RpcError(`Invalid GID ${text}`);
  const wanted = text.toLowerCase();
  if (wanted.length === 16) {
    if (service.get(wanted)) return wanted;
    throw new RpcError(`GID ${text} is not found`);
  }
  let found: string | undefined;
  for (const gid of service.gids()) {
    if (!gid.startsWith(wanted)) continue;
    if (found !== undefined) throw new RpcError(`GID ${text} is not unique.`);
    found = gid;
  }
  if (found === undefined) throw new RpcError(`GID ${text} is not found`);
  return found;
}

/** The download for `text` (see resolveGid). */
export function findDownload(service: RpcService, text: string): RpcDownload {
  const gid = resolveGid(service, text);
  const d = service.get(gid);
  if (!d) throw new RpcError(`GID ${text} is not found`);
  return d;
}

/** True for a download that is finished, failed or removed. */
export function isStopped(d: RpcDownload): boolean {
  return d.state === 'complete' || d.state === 'error' || d.state === 'cancelled';
}

/**
 * aria2's paging of a list of `size` items: a negative offset counts from the end, and then the
 * items come back in reverse order. Returns the 0-based [start, count) to read and whether to reverse.
 */
export function pageRange(offset: number, num: number, size: number): { start: number; count: number; reverse: boolean } {
  if (offset < 0) {
    const last = offset + size;
    if (last < 0 || num === 0) return { start: 0, count: 0, reverse: true };
    const start = Math.max(0, last - (num - 1));
    return { start, count: last - start + 1, reverse: true };
  }
  if (offset >= size) return { start: 0, count: 0, reverse: false };
  return { start: offset, count: Math.min(num, size - offset), reverse: false };
}
