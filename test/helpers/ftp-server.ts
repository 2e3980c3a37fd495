/**
 * A hermetic FTP/FTPS server for tests, on node:net/node:tls, listening on 127.0.0.1 port 0.
 * Files live in memory; fault switches can be flipped while the server runs; stats record what
 * clients did. It speaks enough of RFC 959/2228/2389/2428/3659/4217 for a download client.
 */
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { makeTestCertificates } from './tls.js';

export interface FtpTestFile {
  body: Buffer;
  mtime: Date;
}

export type FtpTlsMode = 'none' | 'explicit' | 'implicit';

/** Behaviour switches, read on every command: change them at any time. */
export interface FtpServerSwitches {
  /** REST supported (and listed in FEAT); off -> `502`. */
  rest: boolean;
  /** MLST supported and listed in FEAT. */
  mlst: boolean;
  /** FEAT answered; off -> `502` (an old server: clients must probe REST with `REST 0`). */
  feat: boolean;
  /** EPSV supported; off -> `502`, so clients must use PASV. */
  epsv: boolean;
  /** Anonymous logins (`anonymous` / `ftp`) accepted. */
  anonymous: boolean;
  /** Control connections beyond this get `421` and are closed; 0 = unlimited. */
  maxConnections: number;
  /** Close each data connection after this many bytes (then `426`). */
  dropDataAfterBytes?: number;
  /** Wait this long after a transfer's data before its final reply (226/426). */
  finalReplyDelayMs?: number;
  /** Throttle data connections to about this many bytes per second. */
  dataBytesPerSec?: number;
  /** RETR sends this many bytes more than SIZE says (a file that grows while it is read). */
  growOnRetr?: number;
  /** `none`: AUTH TLS refused; `explicit`: AUTH TLS offered; `implicit`: TLS from the first byte. */
  tls: FtpTlsMode;
  /** PASV announces 10.0.0.1 instead of 127.0.0.1 (a server behind NAT). */
  announcePrivateAddress: boolean;
  /** Reply code -> the text to send instead of the usual one (hostile servers: escape sequences, C1 bytes). */
  replyText?: Record<number, string>;
  /**
   * Bytes (latin1, one per character) sent together with the `234` reply to AUTH TLS, before the
   * handshake: an injected reply.
   */
  afterAuthTls?: string;
}

export interface FtpServerStats {
  /** Successful logins. */
  logins: number;
  /** User names of successful logins, in order. */
  users: string[];
  /** Control connections open now, and the most at any time. */
  sessions: number;
  peakSessions: number;
  /** Connections refused with 421 because of `maxConnections`. */
  refused: number;
  dataBytesSent: number;
  /** The TLS suite of every protected data connection, in order. */
  dataCiphers: string[];
  /** The restart offset of every RETR, in order. */
  retrOffsets: number[];
  /** Every command received (`PASS` arguments masked). */
  commands: string[];
  /** The same commands grouped by the socket read they arrived in (pipelined commands share one). */
  commandReads: string[][];
}

export interface FtpServerOptions {
  files?: Record<string, FtpTestFile>;
  /** user -> password for non-anonymous logins. */
  users?: Record<string, string>;
  switches?: Partial<FtpServerSwitches>;
  /** The server's certificate: the default one (which also names localhost), or one naming only its addresses. */
  certificate?: 'default' | 'ip-only';
}

export interface TestFtpServer {
  host: string;
  port: number;
  /** Live: add, replace or delete entries at any time. Keys are absolute paths (`/dir/f.bin`). */
  files: Record<string, FtpTestFile>;
  users: Record<string, string>;
  switches: FtpServerSwitches;
  stats: FtpServerStats;
  /** Send `421` on every control connection and close it (an idle timeout, a restart). */
  disconnectAll(): void;
  /** Replace a file's bytes and modification time (default: now, one second later than before). */
  setFile(filePath: string, body: Buffer, mtime?: Date): void;
  /** `ftp://[user[:password]@]127.0.0.1:port/path` (`ftps://` when `scheme` says so). */
  url(filePath: string, opts?: { scheme?: 'ftp' | 'ftps'; user?: string; password?: string }): string;
  close(): Promise<void>;
}

/** Start a server; `close()` it in `afterEach`. */
export async function startFtpServer(options: FtpServerOptions = {}): Promise<TestFtpServer> {
  const certs = await makeTestCertificates();
  const secureContext = tls.createSecureContext({ cert: options.certificate === 'ip-only' ? certs.ipOnlyCertPem : certs.certPem, key: certs.keyPem });
  const sockets = new Set<net.Socket | net.Server>();
  const track = <T extends net.Socket | net.Server>(s: T): T => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    return s;
  };
  const state: ServerState = {
    files: options.files ?? {},
    users: options.users ?? {},
    switches: {
      rest: true,
      mlst: true,
      feat: true,
      epsv: true,
      anonymous: true,
      maxConnections: 0,
      tls: 'none',
      announcePrivateAddress: false,
      ...options.switches,
    },
    stats: {
      logins: 0,
      users: [],
      sessions: 0,
      peakSessions: 0,
      refused: 0,
      dataBytesSent: 0,
      retrOffsets: [],
      commands: [],
      commandReads: [],
      dataCiphers: [],
    },
    secureContext,
    track,
    sessions: new Set(),
  };
  const server = track(
    net.createServer((raw) => {
      track(raw);
      const st = state.stats;
      const implicit = state.switches.tls === 'implicit';
      const sock = implicit ? track(new tls.TLSSocket(raw, { isServer: true, secureContext })) : raw;
      if (state.switches.maxConnections > 0 && st.sessions >= state.switches.maxConnections) {
        st.refused++;
        sock.end('421 Too many connections, try again later.\r\n');
        return;
      }
      st.sessions++;
      st.peakSessions = Math.max(st.peakSessions, st.sessions);
      raw.on('close', () => st.sessions--);
      const session = new Session(state, sock, implicit);
      state.sessions.add(session);
      raw.on('close', () => state.sessions.delete(session));
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    host: '127.0.0.1',
    port,
    files: state.files,
    users: state.users,
    switches: state.switches,
    stats: state.stats,
    disconnectAll() {
      for (const session of state.sessions) session.kick();
    },
    setFile(filePath, body, mtime) {
      const before = state.files[filePath]?.mtime.getTime() ?? 0;
      state.files[filePath] = { body, mtime: mtime ?? new Date(Math.max(Date.now(), before + 1000)) };
    },
    url(filePath, opts = {}) {
      const scheme = opts.scheme ?? (state.switches.tls === 'implicit' ? 'ftps' : 'ftp');
      const enc = encodeURIComponent;
      const pass = opts.password === undefined ? '' : `:${enc(opts.password)}`;
      const cred = opts.user === undefined ? '' : `${enc(opts.user)}${pass}@`;
      return `${scheme}://${cred}127.0.0.1:${port}${filePath}`;
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) {
        if (s instanceof net.Socket) s.destroy();
        else if (s !== server) s.close();
      }
      await closed;
    },
  };
}

interface ServerState {
  files: Record<string, FtpTestFile>;
  users: Record<string, string>;
  switches: FtpServerSwitches;
  stats: FtpServerStats;
  secureContext: tls.SecureContext;
  track<T extends net.Socket | net.Server>(s: T): T;
  sessions: Set<Session>;
}

const OPEN_COMMANDS = new Set(['USER', 'PASS', 'AUTH', 'PBSZ', 'PROT', 'FEAT', 'SYST', 'QUIT', 'NOOP', 'OPTS']);
const ftpTime = (d: Date) => d.toISOString().replace(/[-:T]/g, '').slice(0, 14);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One control connection. Commands run one after another; a RETR runs beside them (ABOR). */
class Session {
  private buffer = '';
  private queue: Promise<void> = Promise.resolve();
  private user?: string;
  private loggedIn = false;
  private cwd = '/';
  private restAt = 0;
  private protectData = false;
  private passive?: { server: net.Server; conn: Promise<net.Socket> };
  private transfer?: { socket: net.Socket; aborted: boolean };

  constructor(
    private readonly s: ServerState,
    private sock: net.Socket,
    private secure: boolean,
  ) {
    this.listen(sock);
    this.reply(220, 'ferry test FTP server ready');
  }

  /** Close the control connection with a 421, as a server timing out or shutting down. */
  kick(): void {
    this.reply(421, 'Timeout.');
    this.sock.end();
  }

  private listen(sock: net.Socket): void {
    sock.on('data', (d: Buffer) => {
      this.buffer += d.toString('utf8');
      const read: string[] = [];
      for (let i = this.buffer.indexOf('\n'); i >= 0; i = this.buffer.indexOf('\n')) {
        const line = this.buffer.slice(0, i).replace(/\r$/, '');
        this.buffer = this.buffer.slice(i + 1);
        read.push(/^PASS /i.test(line) ? 'PASS ****' : line);
        this.queue = this.queue
          .then(() => this.handle(line))
          .catch(() => {
            this.sock.destroy();
          });
      }
      if (read.length > 0) this.s.stats.commandReads.push(read);
    });
    sock.on('close', () => {
      this.passive?.server.close();
      this.transfer?.socket.destroy();
    });
  }

  private reply(code: number, text: string): void {
    if (!this.sock.destroyed) this.sock.write(`${code} ${this.s.switches.replyText?.[code] ?? text}\r\n`);
  }

  private resolve(arg: string): string {
    return path.posix.normalize(arg.startsWith('/') ? arg : path.posix.join(this.cwd, arg));
  }

  private isDir(p: string): boolean {
    const prefix = p.endsWith('/') ? p : `${p}/`;
    return Object.keys(this.s.files).some((f) => f.startsWith(prefix));
  }

  private async handle(line: string): Promise<void> {
    const space = line.indexOf(' ');
    const cmd = (space < 0 ? line : line.slice(0, space)).toUpperCase();
    const arg = space < 0 ? '' : line.slice(space + 1);
    const { switches: sw, stats, files } = this.s;
    stats.commands.push(cmd === 'PASS' ? 'PASS ****' : line);
    if (!this.loggedIn && !OPEN_COMMANDS.has(cmd)) return this.reply(530, 'Please login with USER and PASS.');
    const file = files[this.resolve(arg)];
    switch (cmd) {
      case 'USER':
        this.user = arg;
        this.loggedIn = false;
        return this.reply(331, 'Please specify the password.');
      case 'PASS': {
        const anon = (this.user === 'anonymous' || this.user === 'ftp') && sw.anonymous;
        const user = this.user ?? '';
        const known = Object.hasOwn(this.s.users, user) && this.s.users[user] === arg;
        if (!anon && !known) return this.reply(530, 'Login incorrect.');
        this.loggedIn = true;
        stats.logins++;
        stats.users.push(this.user ?? '');
        return this.reply(230, 'Login successful.');
      }
      case 'AUTH':
        if (sw.tls !== 'explicit' || this.secure || arg.toUpperCase() !== 'TLS') {
          return this.reply(502, 'AUTH not supported.');
        }
        return this.startTls();
      case 'PBSZ':
        return this.reply(200, 'PBSZ=0');
      case 'PROT':
        if (!this.secure) return this.reply(503, 'PROT needs a secure control connection.');
        this.protectData = arg.toUpperCase() === 'P';
        return this.reply(200, `PROT now ${this.protectData ? 'Private' : 'Clear'}.`);
      case 'FEAT': {
        if (!sw.feat) return this.reply(502, 'FEAT not implemented.');
        const feats = ['SIZE', 'MDTM', 'PASV', 'UTF8'];
        if (sw.epsv) feats.push('EPSV');
        if (sw.rest) feats.push('REST STREAM');
        if (sw.mlst) feats.push('MLST type*;size*;modify*;');
        if (sw.tls === 'explicit') feats.push('AUTH TLS', 'PBSZ', 'PROT');
        this.sock.write(`211-Features:\r\n${feats.map((f) => ` ${f}\r\n`).join('')}211 End\r\n`);
        return;
      }
      case 'SYST':
        return this.reply(215, 'UNIX Type: L8');
      case 'OPTS':
        if (arg.toUpperCase() !== 'UTF8 ON') return this.reply(501, 'Option not understood.');
        return this.reply(200, 'Always in UTF8 mode.');
      case 'NOOP':
        return this.reply(200, 'NOOP ok.');
      case 'QUIT':
        this.reply(221, 'Goodbye.');
        this.sock.end();
        return;
      case 'TYPE':
        return /^[AI]/i.test(arg) ? this.reply(200, 'Type set.') : this.reply(504, 'Bad TYPE.');
      case 'PWD':
        return this.reply(257, `"${this.cwd}" is the current directory`);
      case 'CWD': {
        const dir = this.resolve(arg);
        if (dir !== '/' && !this.isDir(dir)) return this.reply(550, 'Failed to change directory.');
        this.cwd = dir;
        return this.reply(250, 'Directory successfully changed.');
      }
      case 'SIZE':
        return file ? this.reply(213, String(file.body.length)) : this.reply(550, 'Could not get file size.');
      case 'MDTM':
        return file ? this.reply(213, ftpTime(file.mtime)) : this.reply(550, 'Could not get file modification time.');
      case 'MLST': {
        if (!sw.mlst) return this.reply(502, 'MLST not implemented.');
        const p = this.resolve(arg);
        const facts = file ? `type=file;size=${file.body.length};modify=${ftpTime(file.mtime)};` : p === '/' || this.isDir(p) ? 'type=dir;' : undefined;
        if (facts === undefined) return this.reply(550, 'No such file or directory.');
        this.sock.write(`250-Listing ${p}\r\n ${facts} ${p}\r\n250 End\r\n`);
        return;
      }
      case 'EPSV':
        if (!sw.epsv) return this.reply(502, 'EPSV not implemented.');
        return this.reply(229, `Entering Extended Passive Mode (|||${await this.openPassive()}|)`);
      case 'PASV': {
        const port = await this.openPassive();
        const host = sw.announcePrivateAddress ? '10,0,0,1' : '127,0,0,1';
        return this.reply(227, `Entering Passive Mode (${host},${port >> 8},${port & 255}).`);
      }
      case 'REST':
        if (!sw.rest) return this.reply(502, 'REST not implemented.');
        if (!/^\d+$/.test(arg)) return this.reply(501, 'Bad REST offset.');
        this.restAt = Number(arg);
        return this.reply(350, `Restart position accepted (${arg}).`);
      case 'RETR':
        void this.retr(arg, file);
        return;
      case 'ABOR':
        if (!this.transfer) return this.reply(225, 'No transfer to ABOR.');
        this.transfer.aborted = true;
        this.transfer.socket.destroy();
        this.reply(426, 'Connection closed; transfer aborted.');
        return this.reply(226, 'ABOR successful.');
      default:
        return this.reply(502, 'Command not implemented.');
    }
  }

  private startTls(): void {
    const raw = this.sock;
    raw.removeAllListeners('data');
    raw.pause();
    raw.write(Buffer.from(`234 Proceed with negotiation.\r\n${this.s.switches.afterAuthTls ?? ''}`, 'latin1'), () => {
      this.sock = this.s.track(new tls.TLSSocket(raw, { isServer: true, secureContext: this.s.secureContext }));
      this.secure = true;
      this.listen(this.sock);
    });
  }

  private async openPassive(): Promise<number> {
    this.passive?.server.close();
    const server = this.s.track(net.createServer());
    const conn = new Promise<net.Socket>((resolve) => server.once('connection', (c) => resolve(this.s.track(c))));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.passive = { server, conn };
    return (server.address() as net.AddressInfo).port;
  }

  private async retr(name: string, file: FtpTestFile | undefined): Promise<void> {
    const offset = this.restAt;
    this.restAt = 0;
    if (!file) return this.reply(550, 'Failed to open file.');
    const passive = this.passive;
    this.passive = undefined;
    if (!passive) return this.reply(425, 'Use PORT or PASV first.');
    this.s.stats.retrOffsets.push(offset);
    const raw = await Promise.race([passive.conn, sleep(5000).then(() => undefined)]);
    passive.server.close();
    if (!raw) return this.reply(425, 'Failed to establish connection.');
    this.reply(150, `Opening BINARY mode data connection for ${name} (${file.body.length} bytes).`);
    const socket = this.protectData ? this.s.track(new tls.TLSSocket(raw, { isServer: true, secureContext: this.s.secureContext })) : raw;
    if (socket instanceof tls.TLSSocket) socket.once('secure', () => this.s.stats.dataCiphers.push(socket.getCipher().name));
    const t = { socket, aborted: false };
    this.transfer = t;
    const grow = this.s.switches.growOnRetr ?? 0;
    const body = grow > 0 ? Buffer.concat([file.body, Buffer.alloc(grow, 0x6e)]) : file.body;
    const ok = await this.send(t, body.subarray(Math.min(offset, body.length)));
    if (this.transfer === t) this.transfer = undefined;
    if (t.aborted) return;
    if (this.s.switches.finalReplyDelayMs) await sleep(this.s.switches.finalReplyDelayMs);
    this.reply(ok ? 226 : 426, ok ? 'Transfer complete.' : 'Failure writing network stream.');
  }

  /** Write `body` honouring the rate and drop switches; true when every byte was written. */
  private async send(t: { socket: net.Socket; aborted: boolean }, body: Buffer): Promise<boolean> {
    const { switches: sw, stats } = this.s;
    const write = (chunk: Buffer) => new Promise<boolean>((r) => t.socket.write(chunk, (err) => r(!err)));
    let sent = 0;
    while (sent < body.length) {
      if (t.aborted || t.socket.destroyed) return false;
      const drop = sw.dropDataAfterBytes;
      if (drop !== undefined && sent >= drop) {
        t.socket.end();
        return false;
      }
      const rate = sw.dataBytesPerSec;
      let n = Math.min(body.length - sent, rate ? Math.max(1, Math.floor(rate / 20)) : 16384);
      if (drop !== undefined) n = Math.min(n, drop - sent);
      if (!(await write(body.subarray(sent, sent + n)))) return false;
      sent += n;
      stats.dataBytesSent += n;
      if (rate) await sleep((n / rate) * 1000);
    }
    if (t.aborted || t.socket.destroyed) return false;
    return new Promise<boolean>((r) => {
      t.socket.once('error', () => r(false));
      t.socket.end(() => r(true));
    });
  }
}
