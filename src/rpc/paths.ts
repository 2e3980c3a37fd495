/**
 * Confinement of the paths an RPC call names (aria2 lets `dir`, `out`, `log`... write anywhere).
 * Pure: the root comes from the handler's context.
 */
import path from 'node:path';
import { RpcError } from './rpc-error.js';

/** Option keys whose value is a local path (ferry's and aria2's, known or not to ferry). */
export const PATH_KEYS: ReadonlySet<string> = new Set([
  'dir',
  'out',
  'log',
  'save-session',
  'netrc-path',
  'ca-certificate',
  'input-file',
  'load-cookies',
  'save-cookies',
  'server-stat-of',
  'server-stat-if',
  'dht-file-path',
  'dht-file-path6',
  'rpc-certificate',
  'rpc-private-key',
  'certificate',
  'private-key',
  'on-download-start',
  'on-download-pause',
  'on-download-stop',
  'on-download-complete',
  'on-download-error',
  'on-bt-download-complete',
]);

/** True when `target` is `root` or inside it (both absolute, normalized). */
function inside(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/**
 * Refuse any path option of `options` that leaves `root`. Relative paths count from `root`;
 * `out` counts from the `dir` given beside it (or `root`). Non-string values are left to the
 * option reader.
 * @throws RpcError naming the option and the root.
 */
export function confinePaths(options: Record<string, unknown>, root: string): void {
  const base = path.resolve(root);
  const dirValue = typeof options.dir === 'string' ? path.resolve(base, options.dir) : base;
  for (const [key, value] of Object.entries(options)) {
    if (!PATH_KEYS.has(key) || typeof value !== 'string') continue;
    const target = key === 'out' ? path.resolve(dirValue, value) : path.resolve(base, value);
    if (!inside(base, target) || value.includes('\0')) {
      throw new RpcError(`The option '${key}' names a path outside the download root ${base}: give a path inside it.`);
    }
  }
}
