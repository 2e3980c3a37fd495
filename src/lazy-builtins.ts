/**
 * Node built-ins that a plain HTTP download never needs, loaded on first use. Loading `node:tls`
 * and `node:crypto` takes a bare Node from 64 to 110 built-in modules (about 3 MiB and several
 * milliseconds before the first byte); a plain HTTP download now loads 109, none of them TLS or
 * crypto. HTTPS, FTPS, checksums, Digest logins and SOCKS name lookups load them when they start.
 */
import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

/** `node:tls` (loaded by the first call; later calls return the same module). */
export function tlsModule(): typeof import('node:tls') {
  return load('node:tls') as typeof import('node:tls');
}

/** `node:dns` (loaded by the first call; later calls return the same module). */
export function dnsModule(): typeof import('node:dns') {
  return load('node:dns') as typeof import('node:dns');
}

/** `node:crypto` (loaded by the first call; later calls return the same module). */
export function cryptoModule(): typeof import('node:crypto') {
  return load('node:crypto') as typeof import('node:crypto');
}

/** `node:v8` (loaded by the first call; later calls return the same module). */
export function v8Module(): typeof import('node:v8') {
  return load('node:v8') as typeof import('node:v8');
}
