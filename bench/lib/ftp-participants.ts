/**
 * The participants of the FTP scenarios, each with a fixed number of connections: ferry with 4
 * and with 8, aria2c with 4 (`-x4 -s4 -k1M`), lftp's `pget -n 4`, and curl (one connection).
 * With `tls` every command asks for explicit FTPS (AUTH TLS) with protected data connections
 * (curl's `--ssl-reqd` sends PROT P, lftp's `ftp:ssl-protect-data`) and skips certificate
 * verification (the server's certificate is self-signed); aria2 has no FTPS and is `n/a` there.
 * Every participant fetches the same URL, so the same file. Pure.
 */
import { join } from 'node:path';
import { durableCopy } from './durable-copy.js';
import type { Participant } from './participants.js';
import type { FtpScenarioName } from './types.js';

/** An FTP participant; `unsupported` says why it cannot take part (shown as `n/a`). */
export interface FtpParticipant extends Participant {
  unsupported?: string;
}

/** A word of an lftp command line, double-quoted (`\` and `"` escaped). */
export function lftpQuote(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

const BOTH: readonly FtpScenarioName[] = ['ftp', 'ftps'];

/** The FTP participants of one scenario (`tls`: explicit FTPS). */
export function ftpParticipants(ferryCommand: string, tls: boolean): FtpParticipant[] {
  const ferry = (n: number, extra: string[] = []): FtpParticipant => ({
    name: `ferry-n${n}${extra.length > 0 ? '-nofsync' : ''}`,
    program: ferryCommand,
    prefixArgs: [],
    requires: ferryCommand,
    scenarios: BOTH,
    args: (j) => [j.url, '-n', String(n), '-o', j.file, '-d', j.dir, '-q', ...(tls ? ['--ftp-ssl', '--insecure'] : []), ...extra],
    versionArgs: ['--version'],
  });
  // lftp protects data by default and falls back to PROT P when the server refuses PROT C; the
  // setting is spelled out so the command line says so (the server forces TLS on data anyway).
  const lftpSettings = tls ? 'set ssl:verify-certificate no; set ftp:ssl-force true; set ftp:ssl-allow-anonymous true; set ftp:ssl-protect-data true; ' : '';
  return [
    ferry(4),
    ferry(8),
    // One connection, as curl: on a loopback link one already fills what two cores can copy, and
    // every range that ends before the end of the file costs the server a socket buffer of bytes
    // sent past it (its RETR runs to the end until ABOR).
    ferry(1),
    // Without waiting for the disk, as the peers do (what power-cut safety costs).
    ferry(4, ['--no-fsync']),
    {
      name: 'aria2c',
      program: 'aria2c',
      prefixArgs: [],
      scenarios: BOTH,
      unsupported: tls ? 'aria2 has no FTPS' : undefined,
      args: (j) => ['-x4', '-s4', '-k1M', '-d', j.dir, '-o', j.file, '--quiet=true', '--summary-interval=0', '--console-log-level=error', j.url],
      versionArgs: ['--version'],
    },
    {
      name: 'lftp',
      program: 'lftp',
      prefixArgs: [],
      scenarios: BOTH,
      args: (j) => ['-c', `${lftpSettings}pget -n 4 ${lftpQuote(j.url)} -o ${lftpQuote(join(j.dir, j.file))}`],
      versionArgs: ['--version'],
    },
    {
      name: 'curl',
      program: 'curl',
      prefixArgs: [],
      scenarios: BOTH,
      args: (j) => ['-sS', '-f', ...(tls ? ['--ssl-reqd', '-k'] : []), '-o', join(j.dir, j.file), j.url],
      versionArgs: ['--version'],
    },
    durableCopy(BOTH),
  ];
}
