/**
 * Runs Debian's real vsftpd in the foreground on 127.0.0.1 for integration tests: its own config
 * file, anonymous root and logs in a temp dir, a free control port and a free passive port range.
 *
 * As root vsftpd runs normally (privilege separation, chroot). As another user it runs with
 * `run_as_launching_user=YES`, which serves anonymous logins only. A local-user login needs
 * root: vsftpd authenticates through PAM against the system account files, so the server is
 * started in a private mount namespace (`unshare -m`) where a temp PAM stack (`pam_unix`), a
 * copy of /etc/passwd with one extra user and a shadow file with only that user are
 * bind-mounted over the real ones. Nothing outside the temp dir is changed.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { access, chmod, constants, copyFile, mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { canConnect, freePort, freePortRange } from './free-port.js';

/** The vsftpd binary: `$VSFTPD`, else Debian's location. */
export const VSFTPD_PATH = process.env.VSFTPD ?? '/usr/sbin/vsftpd';

/**
 * The vsftpd.conf lines of explicit FTPS with the certificate and key in these files: TLS forced
 * for anonymous logins and data, TLS session reuse on the data connections, strong ciphers only.
 */
export function vsftpdFtpsLines(certFile: string, keyFile: string): string[] {
  return [
    'ssl_enable=YES',
    'allow_anon_ssl=YES',
    'force_anon_logins_ssl=YES',
    'force_anon_data_ssl=YES',
    'require_ssl_reuse=YES',
    'ssl_ciphers=HIGH',
    `rsa_cert_file=${certFile}`,
    `rsa_private_key_file=${keyFile}`,
  ];
}

export interface VsftpdOptions {
  /** Files to serve, by path relative to the FTP root (`big.bin`, `dir/f`), with their bytes. */
  files: Record<string, Buffer>;
  /** Modification time given to every file. */
  mtime?: Date;
  /** Enable explicit FTPS (`ssl_enable=YES`, TLS forced for logins and data) with this certificate. */
  tls?: { certPem: string; keyPem: string };
  /** Serve a local user instead of anonymous (root only, see the module comment). */
  localUser?: { name: string; password: string };
}

export interface Vsftpd {
  host: string;
  port: number;
  /** `ftp://[user:password@]127.0.0.1:port/<filePath>`. */
  url(filePath: string, credentials?: { user: string; password: string }): string;
  /** The protocol log (`log_ftp_protocol=YES`). */
  log(): Promise<string>;
  /** Stop the server (and its session processes) by process group, and remove the temp dir. */
  stop(): Promise<void>;
}

/** Start vsftpd; fails with a clear message when it is not installed or does not come up. */
export async function startVsftpd(options: VsftpdOptions): Promise<Vsftpd> {
  try {
    await access(VSFTPD_PATH, constants.X_OK);
  } catch {
    throw new Error(
      `vsftpd is not installed (${VSFTPD_PATH} missing): install it with "apt-get install vsftpd" ` +
        'or set VSFTPD=/path/to/vsftpd; these integration tests need the real server.',
    );
  }
  const isRoot = process.getuid?.() === 0;
  if (options.localUser && !isRoot) {
    throw new Error('a vsftpd local-user login needs root (private mount namespace for PAM); run this test as root');
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ferry-vsftpd-'));
  const root = path.join(dir, 'root');
  const empty = path.join(dir, 'empty');
  await mkdir(root);
  await mkdir(empty);
  for (const d of [dir, root, empty]) await chmod(d, 0o755); // the unprivileged session must read them
  const mtime = options.mtime ?? new Date();
  for (const [name, body] of Object.entries(options.files)) {
    const file = path.join(root, name);
    await mkdir(path.dirname(file), { recursive: true, mode: 0o755 });
    await writeFile(file, body, { mode: 0o644 });
    await utimes(file, mtime, mtime);
  }
  const port = await freePort();
  const pasv = await freePortRange(8);
  const logFile = path.join(dir, 'vsftpd.log');
  const conf = [
    'listen=YES',
    'listen_ipv6=NO',
    'listen_address=127.0.0.1',
    `listen_port=${port}`,
    'background=NO',
    'seccomp_sandbox=NO',
    'write_enable=NO',
    'pasv_enable=YES',
    `pasv_min_port=${pasv}`,
    `pasv_max_port=${pasv + 7}`,
    'connect_from_port_20=NO',
    `secure_chroot_dir=${empty}`,
    'delay_failed_login=0',
    'delay_successful_login=0',
    'xferlog_enable=YES',
    'xferlog_std_format=NO',
    'log_ftp_protocol=YES',
    `vsftpd_log_file=${logFile}`,
    'use_localtime=NO',
    ...(isRoot ? [] : ['run_as_launching_user=YES']),
    ...(options.localUser
      ? ['anonymous_enable=NO', 'local_enable=YES', 'chroot_local_user=YES', 'pam_service_name=ferry-vsftpd']
      : ['anonymous_enable=YES', `anon_root=${root}`, 'no_anon_password=YES', 'local_enable=NO']),
  ];
  if (options.tls) {
    await writeFile(path.join(dir, 'cert.pem'), options.tls.certPem);
    await writeFile(path.join(dir, 'key.pem'), options.tls.keyPem, { mode: 0o600 });
    conf.push(...vsftpdFtpsLines(path.join(dir, 'cert.pem'), path.join(dir, 'key.pem')));
  }
  const confFile = path.join(dir, 'vsftpd.conf');
  await writeFile(confFile, `${conf.join('\n')}\n`, { mode: 0o644 });

  let child: ChildProcess;
  if (options.localUser) {
    const etc = await privateAccounts(dir, root, options.localUser);
    const script = ['mount --bind "$1" /etc/pam.d', 'mount --bind "$2" /etc/passwd', 'mount --bind "$3" /etc/shadow', 'exec "$4" "$5"'].join(' && ');
    const args = [etc.pamDir, etc.passwd, etc.shadow, VSFTPD_PATH, confFile];
    child = spawn('unshare', ['-m', '--', 'sh', '-c', script, 'sh', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
  } else {
    child = spawn(VSFTPD_PATH, [confFile], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  }
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('error', (err) => (output += String(err)));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      // Let sessions of clients that already quit end first: the listener reaps them, whereas
      // orphans of a killed listener are left to PID 1.
      for (let i = 0; i < 60 && (await hasChildren(child.pid)); i++) await new Promise((r) => setTimeout(r, 25));
      try {
        process.kill(-child.pid, 'SIGTERM'); // the group: the listener and its session processes
      } catch {
        // already gone
      }
      const killer = setTimeout(() => child.pid !== undefined && tryKill(-child.pid), 2000);
      await exited;
      clearTimeout(killer);
    }
    await rm(dir, { recursive: true, force: true });
  };

  const up = await waitForPort(port, exited);
  if (!up) {
    const log = await readFile(logFile, 'utf8').catch(() => '');
    await stop();
    throw new Error(`vsftpd did not start on 127.0.0.1:${port}: ${output.trim()} ${log.trim()}`.trim());
  }
  return {
    host: '127.0.0.1',
    port,
    url(filePath, credentials) {
      const enc = encodeURIComponent;
      const cred = credentials ? `${enc(credentials.user)}:${enc(credentials.password)}@` : '';
      return `ftp://${cred}127.0.0.1:${port}/${filePath.replace(/^\//, '')}`;
    },
    log: () => readFile(logFile, 'utf8').catch(() => ''),
    stop,
  };
}

/** True while `pid` has child processes (Linux /proc; false where unavailable). */
async function hasChildren(pid: number): Promise<boolean> {
  const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  return text.trim() !== '';
}

function tryKill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/**
 * Temp PAM stack (pam_unix) and account files: a copy of /etc/passwd plus the test user (home =
 * the FTP root), and a shadow file holding only that user's SHA-512 crypt hash.
 */
async function privateAccounts(dir: string, home: string, user: { name: string; password: string }) {
  const pamDir = path.join(dir, 'pam.d');
  await mkdir(pamDir, { mode: 0o755 });
  await writeFile(path.join(pamDir, 'ferry-vsftpd'), 'auth required pam_unix.so nodelay\naccount required pam_permit.so\nsession required pam_permit.so\n');
  const passwd = path.join(dir, 'passwd');
  const shadow = path.join(dir, 'shadow');
  await copyFile('/etc/passwd', passwd);
  const hash = await new Promise<string>((resolve, reject) => {
    const p = execFile('openssl', ['passwd', '-6', '-stdin'], (err, out) => (err ? reject(err) : resolve(out.trim())));
    p.stdin?.end(`${user.password}\n`);
  });
  const uid = 42_000 + Math.floor(Math.random() * 1000);
  await writeFile(passwd, `${await readFile(passwd, 'utf8')}${user.name}:x:${uid}:${uid}:ferry test:${home}:/bin/sh\n`);
  // Only the test user has a shadow entry: no real password hash is copied anywhere.
  await writeFile(shadow, `${user.name}:${hash}:19000:0:99999:7:::\n`, { mode: 0o600 });
  await chmod(passwd, 0o644);
  return { pamDir, passwd, shadow };
}

/** True once 127.0.0.1:port accepts connections; false if the process exits or 5 s pass. */
async function waitForPort(port: number, exited: Promise<void>): Promise<boolean> {
  let gone = false;
  void exited.then(() => (gone = true));
  for (let i = 0; i < 100 && !gone; i++) {
    if (await canConnect(port)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}
