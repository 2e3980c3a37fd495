/**
 * Matching a host against a no_proxy list, as curl reads it: comma- (or space-) separated
 * entries, `*` for every host, host names matching themselves and their subdomains (a leading
 * dot is ignored), IP addresses and CIDR blocks (`10.0.0.0/8`, `fd00::/8`), and `host:port`
 * entries that match that port only.
 */

/** The 16 bytes of an IPv6 address or the 4 of an IPv4 one; undefined for a host name. */
function ipBytes(text: string): number[] | undefined {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(text)) {
    const parts = text.split('.').map(Number);
    return parts.every((p) => p <= 255) ? parts : undefined;
  }
  if (!text.includes(':') || !/^[0-9a-f:.]+$/i.test(text)) return undefined;
  let tail: number[] = [];
  let body = text;
  const v4 = /(\d{1,3}(\.\d{1,3}){3})$/.exec(text);
  if (v4) {
    const b = ipBytes(v4[1]);
    if (b === undefined) return undefined;
    tail = b;
    body = `${text.slice(0, v4.index)}0:0`;
  }
  const halves = body.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string): number[] | undefined => {
    if (s === '') return [];
    const g = s.split(':').map((x) => (/^[0-9a-f]{1,4}$/i.test(x) ? Number.parseInt(x, 16) : Number.NaN));
    return g.some(Number.isNaN) ? undefined : g;
  };
  const head = groups(halves[0]);
  const rest = halves.length === 2 ? groups(halves[1]) : [];
  if (head === undefined || rest === undefined) return undefined;
  const missing = 8 - head.length - rest.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return undefined;
  const all = [...head, ...new Array<number>(missing).fill(0), ...rest];
  const bytes = all.flatMap((g) => [g >> 8, g & 255]);
  if (tail.length === 4) bytes.splice(12, 4, ...tail);
  return bytes;
}

/** True when the first `bits` bits of `a` and `b` (same length) are equal. */
function samePrefix(a: number[], b: number[], bits: number): boolean {
  for (let i = 0; i < a.length && bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 255 : (0xff << (8 - bits)) & 255;
    if ((a[i] & mask) !== (b[i] & mask)) return false;
  }
  return true;
}

/** One entry against a host (lowercase, IPv6 without brackets). */
function entryMatches(entry: string, host: string, hostIp: number[] | undefined): boolean {
  if (entry === '*') return true;
  const slash = entry.indexOf('/');
  if (slash >= 0) {
    const net = ipBytes(entry.slice(0, slash));
    const bits = Number(entry.slice(slash + 1));
    if (net === undefined || hostIp === undefined || net.length !== hostIp.length || !Number.isInteger(bits)) return false;
    return bits >= 0 && bits <= net.length * 8 && samePrefix(net, hostIp, bits);
  }
  const ip = ipBytes(entry);
  if (ip !== undefined) return hostIp !== undefined && ip.length === hostIp.length && samePrefix(ip, hostIp, ip.length * 8);
  const name = entry.startsWith('.') ? entry.slice(1) : entry;
  return name !== '' && (host === name || host.endsWith(`.${name}`));
}

/** Split `host:port`, `[v6]:port`, `[v6]` or a bare entry into its host and optional port. */
function splitPort(entry: string): [string, number | undefined] {
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracket) return [bracket[1], bracket[2] === undefined ? undefined : Number(bracket[2])];
  const hostPort = /^([^:]+):(\d+)$/.exec(entry);
  if (hostPort) return [hostPort[1], Number(hostPort[2])];
  return [entry, undefined];
}

/**
 * True when `host` (a name or IP, IPv6 without brackets) at `port` is in the no_proxy `list`.
 */
export function noProxyMatches(host: string, port: number, list: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  const hostIp = ipBytes(h);
  for (const raw of list.split(/[\s,]+/)) {
    if (raw === '') continue;
    const [entry, entryPort] = splitPort(raw.toLowerCase());
    if (entryPort !== undefined && entryPort !== port) continue;
    if (entryMatches(entry.replace(/\.$/, ''), h, hostIp)) return true;
  }
  return false;
}
