/**
 * Pure parsing of FTP control-connection text (RFC 959, RFC 2389, RFC 2428, RFC 3659).
 * Nothing here does I/O; every function is total on arbitrary server text.
 */

/** One complete FTP reply. */
export interface FtpReply {
  /** Three-digit reply code; 0 when the server sent a line that is not a reply. */
  code: number;
  /** Every line of the reply as sent, without the trailing CRLF. */
  lines: string[];
  /** The text of the last line after the code (the usual one-line message). */
  message: string;
}

const REPLY_START = /^(\d{3})([ -]?)(.*)$/;

/**
 * Split buffered control text into complete replies. Text after the last complete reply
 * (a partial line or an unfinished multi-line reply) is returned in `rest` to be fed again
 * with more data. A multi-line reply `ddd-...` ends at the first line starting `ddd ` (or `ddd`).
 */
export function parseFtpReplies(buffer: string): { replies: FtpReply[]; rest: string } {
  const replies: FtpReply[] = [];
  let pos = 0;
  // Invariant: `pos` is the start of the first line not yet part of a returned reply.
  for (;;) {
    const firstEnd = buffer.indexOf('\n', pos);
    if (firstEnd < 0) break;
    const first = stripCr(buffer.slice(pos, firstEnd));
    const m = REPLY_START.exec(first);
    if (!m) {
      replies.push({ code: 0, lines: [first], message: first });
      pos = firstEnd + 1;
      continue;
    }
    if (m[2] !== '-') {
      replies.push({ code: Number(m[1]), lines: [first], message: m[3] });
      pos = firstEnd + 1;
      continue;
    }
    const lines = [first];
    let cursor = firstEnd + 1;
    let done = false;
    for (;;) {
      const end = buffer.indexOf('\n', cursor);
      if (end < 0) break;
      const line = stripCr(buffer.slice(cursor, end));
      lines.push(line);
      cursor = end + 1;
      if (line === m[1] || line.startsWith(`${m[1]} `)) {
        done = true;
        break;
      }
    }
    if (!done) break;
    const last = lines[lines.length - 1];
    replies.push({ code: Number(m[1]), lines, message: last.slice(4) });
    pos = cursor;
  }
  return { replies, rest: buffer.slice(pos) };
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/** The port of a `229 Entering Extended Passive Mode (|||port|)` reply, or undefined. */
export function parseEpsvPort(message: string): number | undefined {
  const m = /\((.)\1\1(\d{1,5})\1\)/.exec(message);
  if (!m) return undefined;
  return validPort(Number(m[2]));
}

/**
 * The announced address of a `227 Entering Passive Mode (h1,h2,h3,h4,p1,p2)` reply.
 * Callers use only the port: the announced host is often a private address behind NAT.
 */
export function parsePasv(message: string): { host: string; port: number } | undefined {
  const m = /(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3})/.exec(message);
  if (!m) return undefined;
  const n = m.slice(1).map(Number);
  if (n.some((x) => x > 255)) return undefined;
  const port = validPort(n[4] * 256 + n[5]);
  return port === undefined ? undefined : { host: n.slice(0, 4).join('.'), port };
}

function validPort(port: number): number | undefined {
  return Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined;
}

/**
 * Features of a `211-Features` reply to FEAT: upper-case feature name -> its parameters
 * (for example `REST` -> `STREAM`, `MLST` -> `type*;size*;modify*;`).
 */
export function parseFeatures(reply: FtpReply): Map<string, string> {
  const features = new Map<string, string>();
  if (reply.code !== 211) return features;
  for (const line of reply.lines.slice(1, -1)) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    const space = trimmed.indexOf(' ');
    const name = (space < 0 ? trimmed : trimmed.slice(0, space)).toUpperCase();
    features.set(name, space < 0 ? '' : trimmed.slice(space + 1).trim());
  }
  return features;
}

/** A `213 <decimal>` SIZE reply as a byte count, or undefined when malformed. */
export function parseSizeReply(message: string): number | undefined {
  const m = /^\s*(\d{1,16})\s*$/.exec(message);
  if (!m) return undefined;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) ? n : undefined;
}

/**
 * An RFC 3659 time-val (`YYYYMMDDHHMMSS[.sss]`, UTC) as an HTTP date string
 * (`Tue, 02 Jan 2024 03:04:05 GMT`), or undefined when malformed. Fractions are dropped so the
 * value compares equal across MDTM and MLST replies.
 */
export function ftpTimeToHttpDate(value: string): string | undefined {
  const m = /^\s*(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\.\d+)?\s*$/.exec(value);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return undefined;
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, Math.min(s, 59)));
  return Number.isNaN(date.getTime()) ? undefined : date.toUTCString();
}

/** A Date as an RFC 3659 time-val (UTC), the inverse of {@link ftpTimeToHttpDate}. */
export function dateToFtpTime(date: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return (
    p(date.getUTCFullYear(), 4) + p(date.getUTCMonth() + 1) + p(date.getUTCDate()) + p(date.getUTCHours()) + p(date.getUTCMinutes()) + p(date.getUTCSeconds())
  );
}

/** What an MLST reply says about one path. */
export interface MlstFacts {
  /** Lower-case `type` fact: `file`, `dir`, `cdir`, `pdir`, or an OS-specific value. */
  type?: string;
  size?: number;
  /** The `modify` fact as an HTTP date. */
  lastModified?: string;
}

/**
 * Facts of a `250-` MLST reply: the fact line is the continuation line that starts with a space,
 * `fact=value;fact=value; pathname`. Fact names are case-insensitive.
 */
export function parseMlst(reply: FtpReply): MlstFacts | undefined {
  const middle = reply.lines.slice(1, -1);
  const line = middle.find((l) => l.startsWith(' ')) ?? middle[0];
  if (line === undefined) return undefined;
  const trimmed = line.trimStart();
  const space = trimmed.indexOf(' ');
  const factText = space < 0 ? trimmed : trimmed.slice(0, space);
  const facts: MlstFacts = {};
  for (const part of factText.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).toLowerCase();
    const value = part.slice(eq + 1);
    if (name === 'type') facts.type = value.toLowerCase();
    else if (name === 'size') facts.size = parseSizeReply(value);
    else if (name === 'modify') facts.lastModified = ftpTimeToHttpDate(value);
  }
  return facts;
}
