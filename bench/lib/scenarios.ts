/** What each scenario is, in words and numbers (descriptions, ideal speeds, timeouts). Pure. */
import type { BenchConfig, ScenarioName } from './types.js';
import { formatBytes, MIB } from './units.js';

/** Unthrottled runs are given at least this speed (bytes/s) before a timeout. */
const SLOWEST_UNTHROTTLED = 20 * MIB;

/** connections x cap for the capped scenarios, undefined for the others. */
export function idealBytesPerSec(name: ScenarioName, c: BenchConfig): number | undefined {
  return name === 'capped' || name === 'latency' ? c.connections * c.capBytesPerSec : undefined;
}

/**
 * Per-run timeout: 30 s plus three times what a single connection needs at the scenario's cap
 * (curl in `capped` is 16x slower than the ideal by design and must still finish).
 */
export function timeoutFor(name: ScenarioName, size: number, c: BenchConfig): number {
  if (c.timeoutMs !== undefined) return c.timeoutMs;
  const rate = name === 'capped' || name === 'latency' ? c.capBytesPerSec : name === 'resume' ? c.resumeCapBytesPerSec : SLOWEST_UNTHROTTLED;
  return Math.round(30_000 + (3 * size * 1000) / rate);
}

const rate = (bps: number): string => `${formatBytes(bps)}/s`;

/** One sentence per scenario for the report. */
export function describe(name: ScenarioName, c: BenchConfig, latencyServer = 'the latency server'): string {
  const size = formatBytes(c.sizes[name]);
  switch (name) {
    case 'unthrottled':
      return `${size} from nginx on 127.0.0.1, no limits; percentages are relative to the fastest participant.`;
    case 'capped':
      return `${size} from nginx with \`limit_rate\` ${rate(c.capBytesPerSec)} per connection; ideal = ${c.connections} x cap = ${rate(c.connections * c.capBytesPerSec)}.`;
    case 'latency':
      return `${size} from ${latencyServer}, ${rate(c.capBytesPerSec)} per connection and ${c.firstByteDelayMs} ms before the first byte of every response; ideal = ${c.connections} x cap = ${rate(c.connections * c.capBytesPerSec)}.`;
    case 'no-ranges':
      return `${size} from nginx with \`max_ranges 0\` (every request gets the whole file with 200), no limits; percentages are relative to the fastest.`;
    case 'resume':
      return `${size} from nginx at ${rate(c.resumeCapBytesPerSec)} per connection; the first attempt is killed with SIGKILL after ${(c.killAfterMs / 1000).toFixed(1)} s, then the same command runs again. Re-downloaded = body bytes sent by the server for both attempts - file size; in seconds at the observed speed.`;
  }
}
