/**
 * A private vsftpd for the FTP scenarios: Debian's vsftpd in the foreground (`listen=YES`,
 * `background=NO`) with its own config, anonymous root and log in a temp dir, on a free port of
 * 127.0.0.1 with its own passive port range, stopped by its process group. Explicit FTPS
 * (`ssl_enable=YES`, TLS forced for anonymous logins and data) uses a self-signed certificate
 * made with the openssl CLI.
 *
 * As root, vsftpd chroots each session into the anonymous root and drops to the `ftp` user, so
 * the temp dir, the root and the files are world-readable. As another user it runs with
 * `run_as_launching_user=YES`.
 */
import { execFile, spawn } from 'node:child_process';
import { chmod, copyFile, link, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { vsftpdFtpsLines } from '../../test/helpers/vsftpd.js';
import { exited, freePort, freePortRange, waitForPort } from './ports.js';

/** Passive data ports per server: room for every data connection of 8 parallel segments. */
export const PASV_PORTS = 64;

export interface VsftpdConfigInput {
  port: number;
  /** First passive port; the range is `pasvMin .. pasvMin + PASV_PORTS - 1`. */
  pasvMin: number;
  /** The anonymous root. */
  root: string;
  /** An empty directory vsftpd may chroot into for its unprivileged parts. */
  emptyDir: string;
  logFile: string;
  /** False: add `run_as_launching_user=YES` (vsftpd started by an ordinary user). */
  asRoot: boolean;
  /** Explicit FTPS with this certificate and key (PEM files). */
  tls?: { certFile: string; keyFile: string };
}

/** The whole vsftpd.conf. */
export function renderVsftpdConf(c: VsftpdConfigInput): string {
  const lines = [
    'listen=YES',
    'listen_ipv6=NO',
    'listen_address=127.0.0.1',
    `listen_port=${c.port}`,
    'background=NO',
    'seccomp_sandbox=NO',
    'write_enable=NO',
    'anonymous_enable=YES',
    `anon_root=${c.root}`,
    'no_anon_password=YES',
    'local_enable=NO',
    'pasv_enable=YES',
    `pasv_min_port=${c.pasvMin}`,
    `pasv_max_port=${c.pasvMin + PASV_PORTS - 1}`,
    'connect_from_port_20=NO',
    `secure_chroot_dir=${c.emptyDir}`,
    'delay_failed_login=0',
    'delay_successful_login=0',
    'xferlog_enable=YES',
    'xferlog_std_format=NO',
    `vsftpd_log_file=${c.logFile}`,
    'use_localtime=NO',
    ...(c.asRoot ? [] : ['run_as_launching_user=YES']),
  ];
  if (c.tls) {
    lines.push(...vsftpdFtpsLines(c.tls.certFile, c.tls.keyFile));
  }
  return `${lines.join('\n')}\n`;
}

/** A self-signed certificate for 127.0.0.1 (and localhost), valid 2 days, written into `dir`. */
export function makeCertificate(dir: string): Promise<{ certFile: string; keyFile: string }> {
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  const args = [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    keyFile,
    '-out',
    certFile,
    '-days',
    '2',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
  ];
  return new Promise((resolve, reject) => {
    execFile('openssl', args, (err, _out, stderr) =>
      err ? reject(new Error(`openssl: ${String(stderr).trim() || err.message}`)) : resolve({ certFile, keyFile }),
    );
  });
}

export interface Vsftpd {
  port: number;
  pid: number;
  /** `ftp://127.0.0.1:PORT/<name>`. */
  url(name: string): string;
  /** The certificate of an FTPS server (PEM file), undefined for plain FTP. */
  certFile?: string;
  /** Stop the server and its sessions (process group), remove the temp dir. */
  stop(): Promise<void>;
}

export interface VsftpdOptions {
  /** Files to serve at the root, by path (hard-linked when possible, else copied). */
  files: string[];
  tls: boolean;
}

/** Put `src` into `dir` under its own name: a hard link when on the same file system, else a copy. */
async function place(src: string, dir: string): Promise<void> {
  const dest = join(dir, basename(src));
  await link(src, dest).catch(() => copyFile(src, dest));
  await chmod(dest, 0o644); // read by the unprivileged session
}

/** Start vsftpd (binary `bin`); resolves once it accepts connections. */
export async function startVsftpd(bin: string, o: VsftpdOptions): Promise<Vsftpd> {
  const dir = await mkdtemp(join(tmpdir(), 'ferry-bench-vsftpd-'));
  const root = join(dir, 'root');
  const emptyDir = join(dir, 'empty');
  await mkdir(root);
  await mkdir(emptyDir);
  for (const d of [dir, root, emptyDir]) await chmod(d, 0o755);
  for (const f of o.files) await place(f, root);
  const tls = o.tls ? await makeCertificate(dir) : undefined;
  const port = await freePort();
  const logFile = join(dir, 'vsftpd.log');
  const conf = join(dir, 'vsftpd.conf');
  const asRoot = process.getuid?.() === 0;
  await writeFile(conf, renderVsftpdConf({ port, pasvMin: await freePortRange(PASV_PORTS), root, emptyDir, logFile, asRoot, tls }), { mode: 0o644 });
  const child = spawn(bin, [conf], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  child.once('error', (e) => (stderr += String(e)));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      const group = -child.pid;
      const signal = (s: NodeJS.Signals): void => {
        try {
          process.kill(group, s); // the listener and its session processes
        } catch {
          // already gone
        }
      };
      signal('SIGTERM');
      if (!(await exited(child, 2000))) {
        signal('SIGKILL');
        await exited(child, 2000);
      }
    }
    await rm(dir, { recursive: true, force: true });
  };
  if (!(await waitForPort(port, child))) {
    const log = await readFile(logFile, 'utf8').catch(() => '');
    await stop();
    throw new Error(`vsftpd did not start on 127.0.0.1:${port}: ${`${stderr} ${log}`.trim().slice(-300)}`);
  }
  return { port, pid: child.pid ?? -1, url: (name) => `ftp://127.0.0.1:${port}/${name}`, certFile: tls?.certFile, stop };
}
