/**
 * The start of one RETR with as few round trips as the server allows: the validator lookup
 * (MLST, or SIZE and MDTM), the passive-mode command, REST and RETR go out together in one write
 * once this source saw the server answer them; the data connection is dialled as soon as the
 * passive reply arrives, while the REST and RETR replies are still on their way.
 */
import { FerryError, isFerryError } from '../../core/errors.js';
import { type FtpReply, ftpTimeToHttpDate, parseEpsvPort, parseMlst, parsePasv, parseSizeReply } from '../../core/ftp-reply.js';
import type { BatchPool } from '../stream/batch-pool.js';
import { connectData, DataReader } from './data.js';
import { replyError, replyText } from './errors.js';
import type { FtpSession, FtpStat } from './session.js';

/** What one read asks the server for. */
export interface RetrieveRequest {
  path: string;
  /** Restart offset (REST); 0 = from the first byte (no REST sent). */
  offset: number;
  /** Bytes wanted from `offset`; undefined = to the end of the file. */
  length?: number;
  /** Given the file's current facts; throws (CHANGED, ...) to refuse the transfer. Undefined: no lookup. */
  check?: (stat: FtpStat) => void;
  /** Batches the data bytes are read into. */
  pool: BatchPool;
  signal?: AbortSignal;
}

/** A started transfer: its data connection and, if the server already sent it, the final reply. */
export interface Retrieval {
  reader: DataReader;
  finalReply?: FtpReply;
}

const NOT_IMPLEMENTED = new Set([500, 501, 502, 504]);

/**
 * Start the RETR of `req` on session `s`. Invariant: `s.reusable` is false from the first command
 * until the RETR was accepted, so a failure at any step (a refused command, a changed file with
 * REST and RETR already sent) drops the session instead of reusing an out-of-sync connection.
 * Commands are only sent ahead of a reply whose outcome this source has already seen succeed
 * (`facts.passiveWorks`, `facts.statWorks`); otherwise the replies are awaited in turn.
 */
export async function startRetrieve(s: FtpSession, req: RetrieveRequest): Promise<Retrieval> {
  const { control, facts } = s;
  const where = s.config.where;
  s.reusable = false;
  const statLines = req.check === undefined ? [] : statCommands(s, req.path);
  const passive = facts.epsvRefused ? 'PASV' : 'EPSV';
  const transfer = [...(req.offset > 0 ? [`REST ${req.offset}`] : []), `RETR ${req.path}`];
  const early = facts.passiveWorks === true && (statLines.length === 0 || facts.statWorks === true);
  control.sendAll([...statLines, passive, ...(early ? transfer : [])]);
  const statReplies: FtpReply[] = [];
  for (let i = 0; i < statLines.length; i++) statReplies.push(await control.read());
  let port = passivePort(s, passive, await control.read(), !early);
  if (port === undefined) {
    control.send('PASV');
    // Without a fall-back a reply that gives no port throws: a number comes back.
    port = passivePort(s, 'PASV', await control.read(), false) as number;
  }
  facts.passiveWorks = true;
  const check = async (): Promise<void> => {
    if (req.check === undefined) return;
    let stat = readStat(s, statLines, statReplies);
    if (stat === undefined) {
      if (early) throw new FerryError('NETWORK', `${where}: the server stopped answering MLST`, { retryable: true });
      stat = await s.stat(req.path); // MLST refused just now: SIZE and MDTM, one at a time
    }
    req.check(stat);
  };
  if (!early) {
    try {
      await check();
    } catch (err) {
      // Nothing was sent after the lookup: a changed file leaves the session in sync.
      if (isFerryError(err) && err.code === 'CHANGED') s.reusable = true;
      throw err;
    }
  }
  const { timeoutMs, connectTimeoutMs, proxy, proxyTls } = s.config;
  const reader = new DataReader(req.pool, where, timeoutMs);
  if (req.length !== undefined) reader.limit(req.length);
  s.config.log?.('data connection');
  const target = { host: control.remoteAddress, port, where, connectTimeoutMs, signal: req.signal, tls: s.dataTls(), proxy, proxyTls };
  const connected = connectData(target, reader);
  // A data connection that cannot be made fails the control connection too: no reply wait hangs.
  connected.catch((err: FerryError) => control.fail(err));
  try {
    // With RETR sent ahead the data connection is made even for a changed file and closed at
    // once: the server's RETR ends instead of waiting for a connection that never comes.
    if (early) await check();
    if (!early) control.sendAll(transfer);
    if (req.offset > 0) {
      const rest = await control.read();
      if (rest.code !== 350) throw restError(where, rest);
    }
    const retr = await control.read();
    if (retr.code >= 300 || retr.code < 100) throw replyError(where, 'RETR', retr);
    await connected;
    s.reusable = true;
    return { reader, finalReply: retr.code >= 200 ? retr : undefined };
  } catch (err) {
    reader.close();
    throw err;
  }
}

/** The lookup commands for `path`: MLST when offered (and not refused), else SIZE and MDTM. */
function statCommands(s: FtpSession, path: string): string[] {
  return s.has('MLST') && !s.facts.mlstRefused ? [`MLST ${path}`] : [`SIZE ${path}`, `MDTM ${path}`];
}

/**
 * The file's facts from the replies to `statCommands`; undefined when MLST was refused (then
 * `facts.mlstRefused` is set and SIZE/MDTM are the way). A directory or a missing file is
 * reported as such; any other refusal throws.
 */
function readStat(s: FtpSession, lines: string[], replies: FtpReply[]): FtpStat | undefined {
  const where = s.config.where;
  if (lines[0].startsWith('MLST')) {
    const reply = replies[0];
    if (reply.code === 250) {
      const facts = parseMlst(reply);
      if (facts?.type === 'dir' || facts?.type === 'cdir' || facts?.type === 'pdir') return { kind: 'dir' };
      if (facts) {
        s.facts.statWorks = true;
        return { kind: 'file', size: facts.size, lastModified: facts.lastModified };
      }
      throw new FerryError('BAD_RESPONSE', `${where}: unreadable MLST reply (${replyText(reply)})`);
    }
    if (NOT_IMPLEMENTED.has(reply.code)) {
      s.facts.mlstRefused = true;
      return undefined;
    }
    if (reply.code === 550) return { kind: 'missing', reply };
    throw replyError(where, 'MLST', reply);
  }
  const [sizeReply, mdtm] = replies;
  let size: number | undefined;
  if (sizeReply.code === 213) size = parseSizeReply(sizeReply.message);
  else if (sizeReply.code === 550) return { kind: 'missing', reply: sizeReply };
  else if (!NOT_IMPLEMENTED.has(sizeReply.code)) throw replyError(where, 'SIZE', sizeReply);
  if (mdtm.code === 550 && size === undefined) return { kind: 'missing', reply: mdtm };
  s.facts.statWorks = true;
  return { kind: 'file', size, lastModified: mdtm.code === 213 ? ftpTimeToHttpDate(mdtm.message) : undefined };
}

/**
 * The data port from the reply to `command`. With `canFallBack` (REST and RETR not sent yet) an
 * EPSV the server does not implement gives undefined (and sets `facts.epsvRefused`): PASV is next.
 * A PASV-announced host is ignored: data goes to the control connection's peer.
 */
function passivePort(s: FtpSession, command: 'EPSV' | 'PASV', reply: FtpReply, canFallBack: boolean): number | undefined {
  const where = s.config.where;
  if (command === 'EPSV') {
    const port = reply.code === 229 ? parseEpsvPort(reply.message) : undefined;
    if (port !== undefined) return port;
    if (canFallBack && NOT_IMPLEMENTED.has(reply.code)) s.facts.epsvRefused = true;
    if (canFallBack && (reply.code === 229 || NOT_IMPLEMENTED.has(reply.code))) return undefined;
    throw replyError(where, 'EPSV (passive mode)', reply);
  }
  if (reply.code !== 227) throw replyError(where, 'PASV (passive mode)', reply);
  const announced = parsePasv(reply.message);
  if (announced === undefined) throw new FerryError('BAD_RESPONSE', `${where}: unreadable PASV reply (${replyText(reply)})`);
  return announced.port;
}

/** The error for a refused REST: a 5xx means the server cannot restart at an offset. */
export function restError(where: string, reply: FtpReply): FerryError {
  if (reply.code >= 500) {
    return new FerryError('FTP', `${where}: server does not support REST, cannot read from an offset (${replyText(reply)})`, {
      status: reply.code,
    });
  }
  return replyError(where, 'REST', reply);
}
