/**
 * A private nginx for the benchmark: its own prefix and config in a temp dir, run in the
 * foreground as one process (`daemon off; master_process off;`), stopped by its PID.
 *
 * Locations (all serve the data directory):
 *   /plain/     unthrottled, ranges on
 *   /capped/    `limit_rate` = cap per connection (nginx limits each response separately)
 *   /noranges/  `max_ranges 0`: Range is ignored, every GET is a full 200 without Accept-Ranges
 *   /resume/    `limit_rate` = resume cap per connection
 * The access log has one tab-separated line per response: the `run` query argument (a tag the
 * harness adds to every URL), status, $bytes_sent, $body_bytes_sent, request time, Range header.
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exited, freePort, waitForPort } from './ports.js';

export { freePort } from './ports.js';

export interface NginxConfigInput {
  prefix: string;
  port: number;
  dataDir: string;
  capBytesPerSec: number;
  resumeCapBytesPerSec: number;
}

/**
 * The whole nginx.conf. `sendfile_max_chunk` is kept small on throttled locations because nginx
 * sends one chunk before its first rate delay: the smaller the chunk, the truer the cap.
 */
export function renderNginxConf(c: NginxConfigInput): string {
  const p = (name: string): string => join(c.prefix, name);
  return `daemon off;
master_process off;
worker_processes 1;
pid ${p('nginx.pid')};
error_log ${p('error.log')} warn;
events { worker_connections 4096; }
http {
  default_type application/octet-stream;
  log_format bench '$arg_run\\t$status\\t$bytes_sent\\t$body_bytes_sent\\t$request_time\\t$http_range';
  access_log ${p('access.log')} bench;
  client_body_temp_path ${p('client_body')};
  proxy_temp_path ${p('proxy')};
  fastcgi_temp_path ${p('fastcgi')};
  uwsgi_temp_path ${p('uwsgi')};
  scgi_temp_path ${p('scgi')};
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_timeout 30s;
  keepalive_requests 10000;
  server {
    listen 127.0.0.1:${c.port};
    location /plain/ { alias ${c.dataDir}/; }
    location /capped/ { alias ${c.dataDir}/; limit_rate ${c.capBytesPerSec}; sendfile_max_chunk 128k; }
    location /noranges/ { alias ${c.dataDir}/; max_ranges 0; }
    location /resume/ { alias ${c.dataDir}/; limit_rate ${c.resumeCapBytesPerSec}; sendfile_max_chunk 64k; }
  }
}
`;
}

/** One access-log line. */
export interface AccessEntry {
  tag: string;
  status: number;
  bytesSent: number;
  bodyBytesSent: number;
  requestTimeSec: number;
  range: string;
}

/** Parse the `bench` log format; lines that do not fit are skipped. */
export function parseAccessLog(text: string): AccessEntry[] {
  const out: AccessEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.split('\t');
    if (f.length < 6) continue;
    const [status, bytesSent, body, time] = [Number(f[1]), Number(f[2]), Number(f[3]), Number(f[4])];
    if (![status, bytesSent, body, time].every(Number.isFinite)) continue;
    out.push({ tag: f[0], status, bytesSent, bodyBytesSent: body, requestTimeSec: time, range: f[5] });
  }
  return out;
}

export interface Nginx {
  /** http://127.0.0.1:PORT */
  baseUrl: string;
  pid: number;
  accessLog: string;
  /** Body bytes sent for responses tagged `tag` (logged so far). */
  bodyBytesFor(tag: string): Promise<number>;
  stop(): Promise<void>;
}

/** Start nginx (binary `bin`) with a fresh prefix; resolves once it accepts connections. */
export async function startNginx(bin: string, input: Omit<NginxConfigInput, 'port'>): Promise<Nginx> {
  await mkdir(input.prefix, { recursive: true });
  const port = await freePort();
  const conf = join(input.prefix, 'nginx.conf');
  await writeFile(conf, renderNginxConf({ ...input, port }));
  const errorLog = join(input.prefix, 'error.log');
  const child = spawn(bin, ['-p', input.prefix, '-c', conf, '-e', errorLog], { stdio: 'ignore' });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    if (!(await exited(child, 3000))) {
      child.kill('SIGKILL');
      await exited(child, 3000);
    }
  };
  if (!(await waitForPort(port, child))) {
    await stop();
    const log = await readFile(errorLog, 'utf8').catch(() => '');
    throw new Error(`nginx did not start on port ${port}: ${log.trim().split('\n').slice(-3).join(' | ')}`);
  }
  const accessLog = join(input.prefix, 'access.log');
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    pid: child.pid ?? -1,
    accessLog,
    async bodyBytesFor(tag) {
      const entries = parseAccessLog(await readFile(accessLog, 'utf8').catch(() => ''));
      return entries.filter((e) => e.tag === tag).reduce((sum, e) => sum + e.bodyBytesSent, 0);
    },
    stop,
  };
}
