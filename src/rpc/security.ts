/**
 * Browser and network checks shared by the HTTP and WebSocket transports (pure).
 * - Host: an IP literal, `localhost` or a configured name, with the listening port (a DNS
 *   rebinding attack sends its own domain name).
 * - Origin: none (not a browser), the daemon's own page, or one allowed with
 *   `--rpc-allow-origin` (`*` only together with a secret).
 */
import { isIP } from 'node:net';

/** Which Host and Origin values the daemon accepts. */
export interface OriginPolicy {
  /** The port the server listens on. */
  port: number;
  /** Host names accepted besides IP literals and `localhost` (lowercase). */
  hosts?: readonly string[];
  /** Origins allowed besides the daemon's own page, exactly as browsers send them; `*` = any. */
  allowOrigins?: readonly string[];
}

/** The host name of a Host header value (`[::1]:6800` -> `::1`), and its port, or undefined. */
function splitHost(host: string): { name: string; port: string } | undefined {
  const m = host.toLowerCase().match(/^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/);
  if (!m) return undefined;
  const name = m[1].startsWith('[') ? m[1].slice(1, -1) : m[1];
  return { name, port: m[2] ?? '80' };
}

/** True when a Host header names this server. */
export function hostAllowed(host: string | undefined, policy: OriginPolicy): boolean {
  if (host === undefined) return false;
  const h = splitHost(host);
  if (!h || h.port !== String(policy.port)) return false;
  return isIP(h.name) !== 0 || h.name === 'localhost' || (policy.hosts ?? []).includes(h.name);
}

/**
 * True when a request with this Origin (and a Host already checked) may be answered.
 * The daemon's own page has the origin `http://<Host>`.
 */
export function originAllowed(origin: string | undefined, host: string | undefined, policy: OriginPolicy): boolean {
  if (origin === undefined) return true;
  if (host !== undefined && origin.toLowerCase() === `http://${host.toLowerCase()}`) return true;
  const allowed = policy.allowOrigins ?? [];
  return allowed.includes('*') || allowed.includes(origin);
}
