import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DataFile, ensureDataFile } from '../lib/data.js';
import { ftpParticipants } from '../lib/ftp-participants.js';
import { type Job, which } from '../lib/participants.js';
import { canConnect } from '../lib/ports.js';
import { type RunContext, runMatrix } from '../lib/runner.js';
import { PASV_PORTS, renderVsftpdConf, startVsftpd } from '../lib/vsftpd.js';

describe('vsftpd config', () => {
  const base = { port: 2121, pasvMin: 40000, root: '/r', emptyDir: '/e', logFile: '/l', asRoot: true };
  it('runs in the foreground, anonymous, on loopback, with its own passive range', () => {
    const conf = renderVsftpdConf(base).split('\n');
    for (const line of [
      'listen=YES',
      'background=NO',
      'seccomp_sandbox=NO',
      'anonymous_enable=YES',
      'anon_root=/r',
      'listen_address=127.0.0.1',
      'listen_port=2121',
      'pasv_min_port=40000',
      `pasv_max_port=${40000 + PASV_PORTS - 1}`,
      'write_enable=NO',
      'secure_chroot_dir=/e',
    ]) {
      expect(conf).toContain(line);
    }
    expect(conf.some((l) => l.startsWith('ssl_enable'))).toBe(false);
    expect(conf).not.toContain('run_as_launching_user=YES');
    expect(renderVsftpdConf({ ...base, asRoot: false })).toContain('run_as_launching_user=YES\n');
  });
  it('forces TLS for anonymous logins and data with FTPS', () => {
    const conf = renderVsftpdConf({ ...base, tls: { certFile: '/c.pem', keyFile: '/k.pem' } }).split('\n');
    for (const line of [
      'ssl_enable=YES',
      'allow_anon_ssl=YES',
      'force_anon_logins_ssl=YES',
      'force_anon_data_ssl=YES',
      'rsa_cert_file=/c.pem',
      'rsa_private_key_file=/k.pem',
    ]) {
      expect(conf).toContain(line);
    }
  });
});

describe('vsftpd (real, loopback) with curl and lftp', () => {
  let dir = '';
  let bin = '';
  let ctx: RunContext;
  const files: DataFile[] = [];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ferry-bench-vsftpd-test-'));
    const found = await which('vsftpd', `${process.env.PATH ?? ''}:/usr/sbin`);
    if (found === undefined) throw new Error('vsftpd is required by the FTP scenarios (apt-get install -y vsftpd)');
    bin = found;
    for (const size of [0, 1, 1024 * 1024 + 1]) files.push(await ensureDataFile(dir, size));
    ctx = { workDir: dir, timeBin: '/usr/bin/time', signal: new AbortController().signal, connections: 4, log: () => undefined };
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  for (const tls of [false, true]) {
    it(`serves 0, 1 and 1 MiB + 1 bytes byte-exact over ${tls ? 'explicit FTPS' : 'plain FTP'}, then stops`, async () => {
      const server = await startVsftpd(bin, { files: files.map((f) => f.path), tls });
      try {
        if (tls) expect(await readFile(server.certFile ?? '', 'utf8')).toContain('BEGIN CERTIFICATE');
        else expect(server.certFile).toBeUndefined();
        const peers = ftpParticipants('/nonexistent/bin.js', tls).filter((p) => p.name === 'curl' || p.name === 'lftp');
        for (const f of files) {
          const target = { label: 'ftp', url: () => server.url(f.name), size: f.size, sha256: f.sha256, timeoutMs: 15_000 };
          const runs = await runMatrix(ctx, target, peers, 1);
          for (const p of peers) expect(runs.get(p.name)?.[0], `${p.name} ${f.size}`).toMatchObject({ ok: true, sha256: f.sha256 });
        }
        if (tls) {
          // Without TLS the server refuses the anonymous login: the FTPS runs above really used TLS.
          const plainCurl = ftpParticipants('/x', false).filter((p) => p.name === 'curl');
          const big = files[2];
          const runs = await runMatrix(
            ctx,
            { label: 'ftp', url: () => server.url(big.name), size: big.size, sha256: big.sha256, timeoutMs: 15_000 },
            plainCurl,
            1,
          );
          expect(runs.get('curl')?.[0].ok).toBe(false);
          // Nor does it send a file over a plain data connection (curl protecting its control
          // connection only): the FTPS runs above really had their data encrypted.
          const controlOnly = { ...plainCurl[0], args: (j: Job) => ['-sS', '-f', '--ftp-ssl-control', '-k', '-o', join(j.dir, j.file), j.url] };
          const clear = await runMatrix(
            ctx,
            { label: 'ftp', url: () => server.url(big.name), size: big.size, sha256: big.sha256, timeoutMs: 15_000 },
            [controlOnly],
            1,
          );
          expect(clear.get('curl')?.[0].ok).toBe(false);
        }
      } finally {
        await server.stop();
      }
      expect(await canConnect(server.port)).toBe(false);
      expect(() => process.kill(server.pid, 0)).toThrow();
    });
  }

  it('leaves the data file in place after stopping (the root holds a link or a copy)', async () => {
    const server = await startVsftpd(bin, { files: [files[1].path], tls: false });
    await server.stop();
    expect((await stat(files[1].path)).size).toBe(1);
  });
});
