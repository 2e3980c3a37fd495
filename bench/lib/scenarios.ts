/** What each scenario is, in words and numbers (descriptions, ideal speeds, timeouts). Pure. */
import { describeKillWaste } from './kill-waste-plan.js';
import { type BenchConfig, isListScenario, type ScenarioName } from './types.js';
import { formatBytes, MIB } from './units.js';

/** Unthrottled runs are given at least this speed (bytes/s) before a timeout. */
const SLOWEST_UNTHROTTLED = 20 * MIB;

/** connections x cap for the capped scenarios, the mirrors' offer for the mirror ones, undefined for the others. */
export function idealBytesPerSec(name: ScenarioName, c: BenchConfig): number | undefined {
  if (name === 'mirrors' || name === 'mirrors-mixed') return MIRRORS_OFFERED;
  return name === 'capped' || name === 'latency' ? c.connections * c.capBytesPerSec : undefined;
}

/** What the three mirrors of the mirror scenarios offer together: 3 x 2 connections x 10 MB/s. */
export const MIRRORS_OFFERED = 60_000_000;

/**
 * Per-run timeout: 30 s plus three times what a single connection needs at the scenario's cap
 * (curl in `capped` is 16x slower than the ideal by design and must still finish). For a list,
 * three times what a client that fetches one file after another needs (wget does): every file's
 * first-byte delay plus its bytes at the slowest unthrottled speed.
 */
export function timeoutFor(name: ScenarioName, size: number, c: BenchConfig): number {
  if (c.timeoutMs !== undefined) return c.timeoutMs;
  if (isListScenario(name)) {
    const delay = name === 'files-500-latency' ? c.listDelayMs : 0;
    return Math.round(30_000 + 3 * c.listFiles * (delay + (size * 1000) / SLOWEST_UNTHROTTLED));
  }
  const rate = name === 'capped' || name === 'latency' ? c.capBytesPerSec : name === 'resume' ? c.resumeCapBytesPerSec : SLOWEST_UNTHROTTLED;
  return Math.round(30_000 + (3 * size * 1000) / rate);
}

const rate = (bps: number): string => `${formatBytes(bps)}/s`;

/** One sentence per scenario for the report; `server` names the server of the latency scenarios. */
export function describe(name: ScenarioName, c: BenchConfig, server = 'the latency server'): string {
  const size = formatBytes(c.sizes[name]);
  const list = `${c.listFiles} files of ${size} (${formatBytes(c.listFiles * c.sizes[name])} in all)`;
  const jobs = `${c.listJobs} downloads at once, one connection each; every file is checked with SHA-256; files/s = files / wall; percentages are relative to the fastest.`;
  switch (name) {
    case 'unthrottled':
      return `${size} from nginx on 127.0.0.1, no limits; percentages are relative to the fastest participant.`;
    case 'capped':
      return `${size} from nginx with \`limit_rate\` ${rate(c.capBytesPerSec)} per connection; ideal = ${c.connections} x cap = ${rate(c.connections * c.capBytesPerSec)}.`;
    case 'latency':
      return `${size} from ${server}, ${rate(c.capBytesPerSec)} per connection and ${c.firstByteDelayMs} ms before the first byte of every response; ideal = ${c.connections} x cap = ${rate(c.connections * c.capBytesPerSec)}.`;
    case 'no-ranges':
      return `${size} from nginx with \`max_ranges 0\` (every request gets the whole file with 200), no limits; percentages are relative to the fastest.`;
    case 'resume':
      return `${size} from nginx at ${rate(c.resumeCapBytesPerSec)} per connection; the first attempt is killed with SIGKILL after ${(c.killAfterMs / 1000).toFixed(1)} s, then the same command runs again. Re-downloaded = body bytes sent by the server for both attempts - file size; in seconds at the observed speed.`;
    case 'mirrors':
      return `${size} on three mirrors (127.0.0.1, .2, .3), each serving 2 connections of 10 MB/s at once (more requests wait in its queue), as one aria2-style entry of three TAB-separated URIs with split=6 (ferry -i -n 6 --max-connections-per-host 2; aria2c -i -x2 -s6); both with a 1 MiB minimum split; ideal = 6 x 10 MB/s = 60 MB/s (${rate(MIRRORS_OFFERED)}).`;
    case 'mirrors-mixed':
      return `As mirrors, with 0, 30 and 80 ms before the first byte of each response of the first, second and third mirror, and the third failing mid-way: once it has sent a sixth of the file it cuts its responses and answers 404 from then on; ideal = 60 MB/s (${rate(MIRRORS_OFFERED)}), not reachable once a mirror is gone.`;
    case 'kill-waste':
      return describeKillWaste(c.sizes[name]);
    case 'files-500':
      return `A list of ${list} from nginx on 127.0.0.1, no limits; ${jobs}`;
    case 'files-500-latency':
      return `A list of ${list} from ${server}, ${c.listDelayMs} ms before the first byte of every response, no rate cap; ${jobs}`;
    case 'ftp':
      return `${size} from vsftpd on 127.0.0.1 (anonymous, passive mode), no limits; percentages are relative to the fastest.`;
    case 'ftps':
      return `${size} from vsftpd on 127.0.0.1 with explicit FTPS (AUTH TLS; TLS forced on control and data connections, TLS session reuse required; self-signed certificate, not verified), no limits; percentages are relative to the fastest.`;
    case 'daemon-load': {
      const http = Math.ceil(c.daemonClients / 2);
      return (
        `${c.daemonFiles} downloads of ${size} (${formatBytes(c.daemonFiles * c.sizes[name])} in all) queued at once into each daemon, ` +
        `${c.daemonJobs} active at a time, from nginx on 127.0.0.1 (no limits); once with no RPC clients and once with ${c.daemonClients} pollers ` +
        `(${http} over HTTP keep-alive, ${c.daemonClients - http} over WebSocket) each calling tellActive() then tellWaiting(0, 1000) ` +
        `${c.daemonPollHz} times a second. Throughput = all bytes / time from the first addUri to the last completion; RPC latency per request; ` +
        'CPU (utime + stime) and peak VmRSS of the daemon process from /proc over the same window; every file checked with SHA-256.'
      );
    }
  }
}
