import type tls from 'node:tls';
import { abortedError, FerryError } from '../../core/errors.js';
import { type FtpReply, ftpTimeToHttpDate, parseFeatures, parseMlst, parseSizeReply } from '../../core/ftp-reply.js';
import { FtpControl, type FtpEndpoint } from './control.js';
import { loginError, replyError, replyText } from './errors.js';

/** Everything needed to log in; resolved once per source. */
export interface FtpSessionConfig extends FtpEndpoint {
  /** `ftps://`: TLS from the first byte. */
  implicitTls: boolean;
  /** `ftp://` with AUTH TLS. */
  explicitTls: boolean;
  /** A refused AUTH TLS / PROT P is an error instead of a fallback to plain text. */
  tlsRequired: boolean;
  tlsOptions: tls.ConnectionOptions;
  user: string;
  password: string;
}

/**
 * What ferry learned about one server, shared by the sessions of one source (not global).
 * Features are read with FEAT once; a refused EPSV or MLST is not tried again; commands that
 * worked once are pipelined from then on.
 */
export interface FtpServerFacts {
  features?: Map<string, string>;
  epsvRefused?: boolean;
  mlstRefused?: boolean;
  /** A passive-mode command (EPSV, or PASV once EPSV was refused) worked: later ones are sent ahead. */
  passiveWorks?: boolean;
  /** The lookup before a read (MLST, or SIZE and MDTM) answered for a file: later ones are sent ahead. */
  statWorks?: boolean;
}

/** The result of looking a path up. */
export type FtpStat = { kind: 'file'; size?: number; lastModified?: string } | { kind: 'dir' } | { kind: 'missing'; reply: FtpReply };

const NOT_IMPLEMENTED = new Set([500, 501, 502, 504]);

/**
 * One logged-in control connection in binary mode. Invariant: between operations the control
 * connection is in sync (every command's reply was read) unless `reusable` is false.
 */
export class FtpSession {
  /** False once the session state is unusual (e.g. the working directory changed). */
  reusable = true;
  /** Stops the running transfer's data connection, while one runs. */
  stopData?: (err: FerryError) => void;
  /** True when data connections are TLS-protected (PROT P accepted). */
  private protectedData = false;

  private constructor(
    readonly control: FtpControl,
    readonly config: FtpSessionConfig,
    readonly facts: FtpServerFacts,
  ) {}

  /** Connect and log in; an abort of `signal` destroys the half-open connection. */
  static async login(config: FtpSessionConfig, facts: FtpServerFacts, signal: AbortSignal): Promise<FtpSession> {
    if (signal.aborted) throw abortedError();
    const control = await FtpControl.open(config, config.implicitTls ? config.tlsOptions : undefined, signal);
    const onAbort = () => control.fail(abortedError());
    signal.addEventListener('abort', onAbort);
    try {
      if (signal.aborted) throw abortedError();
      const session = new FtpSession(control, config, facts);
      await session.handshake();
      return session;
    } catch (err) {
      control.fail(err instanceof FerryError ? err : abortedError());
      throw err;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  private get where(): string {
    return this.config.where;
  }

  private async handshake(): Promise<void> {
    const { control, config } = this;
    const greeting = await control.read();
    if (greeting.code !== 220) throw replyError(this.where, 'connect', greeting);
    if (config.explicitTls && !config.implicitTls) {
      const auth = await control.command('AUTH TLS');
      if (auth.code === 234) await control.upgradeToTls(config.tlsOptions);
      else if (config.tlsRequired) {
        throw new FerryError('TLS', `${this.where}: server refused TLS (AUTH TLS: ${replyText(auth)})`, {
          status: auth.code,
          hint: 'The server does not offer FTPS; drop --ftp-ssl-required to continue without encryption.',
        });
      }
    }
    let reply = await control.command(`USER ${config.user}`);
    // The rest of the login goes in one write: a failed PASS makes the later replies moot (the
    // session is dropped), and every reply is read in order.
    const needPass = reply.code === 331 || reply.code === 332;
    const learnFeatures = this.facts.features === undefined;
    const lines = needPass ? [`PASS ${config.password}`] : [];
    if (control.secure) lines.push('PBSZ 0', 'PROT P');
    if (learnFeatures) lines.push('FEAT');
    else if (this.has('UTF8')) lines.push('OPTS UTF8 ON');
    lines.push('TYPE I');
    control.sendAll(lines);
    if (needPass) reply = await control.read();
    if (reply.code !== 230 && reply.code !== 202) throw loginError(this.where, config.user, reply);
    if (control.secure) {
      await control.read(); // PBSZ 0
      const prot = await control.read();
      this.protectedData = prot.code === 200;
      if (!this.protectedData && config.tlsRequired) {
        throw new FerryError('TLS', `${this.where}: server refused encrypted data (PROT P: ${replyText(prot)})`, {
          status: prot.code,
        });
      }
    }
    if (learnFeatures) this.facts.features = parseFeatures(await control.read());
    else if (this.has('UTF8')) await control.read(); // OPTS UTF8 ON
    const type = await control.read();
    if (type.code !== 200) throw replyError(this.where, 'TYPE I', type);
    if (learnFeatures && this.has('UTF8')) await control.command('OPTS UTF8 ON');
  }

  /** Stop everything in flight (data and control connections) with `err`; the session is dead. */
  stop(err: FerryError): void {
    this.stopData?.(err);
    this.control.fail(err);
  }

  /** True when FEAT listed the feature (e.g. `MLST`, `REST`). */
  has(feature: string): boolean {
    return this.facts.features?.has(feature) ?? false;
  }

  /** Send a command and return its reply. */
  command(line: string): Promise<FtpReply> {
    return this.control.command(line);
  }

  /** Size and modification time of `path`: MLST when offered, else SIZE and MDTM. */
  async stat(path: string): Promise<FtpStat> {
    if (this.has('MLST') && !this.facts.mlstRefused) {
      const reply = await this.command(`MLST ${path}`);
      if (reply.code === 250) {
        const facts = parseMlst(reply);
        if (facts?.type === 'dir' || facts?.type === 'cdir' || facts?.type === 'pdir') return { kind: 'dir' };
        if (facts) return { kind: 'file', size: facts.size, lastModified: facts.lastModified };
      } else if (NOT_IMPLEMENTED.has(reply.code)) {
        this.facts.mlstRefused = true;
      } else if (reply.code === 550) {
        return { kind: 'missing', reply };
      } else {
        throw replyError(this.where, 'MLST', reply);
      }
    }
    let size: number | undefined;
    const sizeReply = await this.command(`SIZE ${path}`);
    if (sizeReply.code === 213) {
      size = parseSizeReply(sizeReply.message);
    } else if (sizeReply.code === 550) {
      // SIZE fails on directories too: a CWD that works tells them apart.
      const cwd = await this.command(`CWD ${path}`);
      if (cwd.code === 250) {
        this.reusable = false;
        return { kind: 'dir' };
      }
      return { kind: 'missing', reply: sizeReply };
    } else if (!NOT_IMPLEMENTED.has(sizeReply.code)) {
      throw replyError(this.where, 'SIZE', sizeReply);
    }
    const mdtm = await this.command(`MDTM ${path}`);
    const lastModified = mdtm.code === 213 ? ftpTimeToHttpDate(mdtm.message) : undefined;
    if (mdtm.code === 550 && size === undefined) return { kind: 'missing', reply: mdtm };
    return { kind: 'file', size, lastModified };
  }

  /** True when the server restarts transfers: FEAT lists `REST STREAM`, or `REST 0` is accepted. */
  async supportsRest(): Promise<boolean> {
    if (/\bSTREAM\b/i.test(this.facts.features?.get('REST') ?? '')) return true;
    const reply = await this.command('REST 0');
    return reply.code === 350;
  }

  /**
   * TLS options for a data connection (PROT P accepted): a TLS client resuming the control
   * connection's session (servers may require it). Undefined: data in plain text.
   */
  dataTls(): tls.ConnectionOptions | undefined {
    return this.protectedData ? { ...this.config.tlsOptions, session: this.control.tlsSession } : undefined;
  }
}
