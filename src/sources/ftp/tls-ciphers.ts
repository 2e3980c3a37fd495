import { tlsModule } from '../../lazy-builtins.js';

/** The TLS 1.3 suite that costs least per byte on CPUs with AES instructions (both ends gain). */
const BULK_SUITE = 'TLS_AES_128_GCM_SHA256';

/**
 * The cipher list for FTPS connections: Node's default list (or `list`) with AES-128-GCM moved to
 * the front of the TLS 1.3 suites. Servers that honour the client's order (vsftpd, most OpenSSL
 * servers) then encrypt the file with AES-128-GCM instead of AES-256-GCM: about a third less CPU
 * per byte on each side, with every suite of the default list still offered. Control and data
 * connections use the same list, so a data connection can resume the control connection's
 * session (the resumed suite's hash must match).
 */
export function ftpsCiphers(list: string = tlsModule().DEFAULT_CIPHERS): string {
  const names = list.split(':');
  if (!names.includes(BULK_SUITE)) return list;
  return [BULK_SUITE, ...names.filter((n) => n !== BULK_SUITE)].join(':');
}
