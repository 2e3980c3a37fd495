/**
 * Building an HTTP/1.1 GET request head.
 */
import { FerryError } from '../../core/errors.js';

// RFC 9110 token characters for field names; field values: visible ASCII, obs-text, SP and HTAB.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const BAD_VALUE = /[^\t\x20-\x7e\x80-\xff]/;
/** Fields ferry writes itself, or that would change how the server reads the request. */
const RESERVED = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive', 'upgrade', 'te']);

/**
 * The head of `GET u` with `headers` (names lowercase), `Host` first (the user's own Host value
 * wins, as with Node's http), and `Connection: keep-alive`. Throws FerryError USAGE for a header
 * that cannot be sent (bad name, CR/LF or other control characters in a value). `absolute`: the
 * absolute-form target (`http://host/path`) a request to an HTTP proxy needs.
 */
export function requestHead(u: URL, headers: Record<string, string>, absolute = false): string {
  const path = `${u.pathname === '' ? '/' : u.pathname}${u.search}`;
  // Never the userinfo or the fragment: the target names the resource only.
  const target = absolute ? `${u.protocol}//${u.host}${path}` : path;
  let head = `GET ${target} HTTP/1.1\r\nHost: ${headers.host ?? u.host}\r\n`;
  for (const [name, value] of Object.entries(headers)) {
    if (!TOKEN.test(name)) throw new FerryError('USAGE', `${u.host}: invalid request header name "${name}"`);
    if (BAD_VALUE.test(value)) throw new FerryError('USAGE', `${u.host}: invalid characters in request header ${name}`);
    if (RESERVED.has(name)) continue;
    head += `${name}: ${value}\r\n`;
  }
  return `${head}Connection: keep-alive\r\n\r\n`;
}
