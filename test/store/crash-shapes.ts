import type { DownloadOptions } from '../../src/core/options.js';

/** The URIs the crash writer gives the download `gid` (the checker expects the same). */
export const crashUris = (gid: string): string[] => [`http://127.0.0.1:8080/${gid}`, `ftp://127.0.0.1/${gid}`];

/** The options the crash writer gives the download `gid`, secrets included. */
export const crashOptions = (gid: string): Partial<DownloadOptions> => ({
  connections: (Number.parseInt(gid.slice(-2), 16) % 64) + 1,
  headers: { Authorization: `Bearer ${gid}` },
  ftpPassword: `pw-${gid.slice(0, 4)}`,
});
