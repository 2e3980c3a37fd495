/**
 * Command-line parsing of the benchmark: `node --import tsx bench/run.ts [flags]`. Pure: argv in,
 * a BenchConfig (or a help request) out; throws Error with a one-line message on bad input.
 */

import { type BenchConfig, type LatencyServerChoice, SCENARIOS, type ScenarioName } from './types.js';
import { KIB, MIB, parseRate, parseSize } from './units.js';

/** Sizes of the full benchmark. */
export const FULL_SIZES: Record<ScenarioName, number> = {
  unthrottled: 1024 * MIB,
  capped: 256 * MIB,
  latency: 256 * MIB,
  'no-ranges': 256 * MIB,
  resume: 256 * MIB,
  mirrors: 200 * MIB,
  'mirrors-mixed': 200 * MIB,
  'kill-waste': 8 * MIB,
  'files-500': 64 * KIB,
  'files-500-latency': 64 * KIB,
  ftp: 256 * MIB,
  ftps: 256 * MIB,
  'daemon-load': 6 * MIB,
};

/** Sizes of `--quick`: a smoke check of the whole pipeline in well under a minute. */
export const QUICK_SIZES: Record<ScenarioName, number> = {
  unthrottled: 128 * MIB,
  capped: 64 * MIB,
  latency: 64 * MIB,
  'no-ranges': 64 * MIB,
  resume: 64 * MIB,
  mirrors: 48 * MIB,
  'mirrors-mixed': 48 * MIB,
  'kill-waste': 8 * MIB,
  'files-500': 64 * KIB,
  'files-500-latency': 64 * KIB,
  ftp: 64 * MIB,
  ftps: 64 * MIB,
  'daemon-load': 4 * MIB,
};

/** Downloads queued in `daemon-load` (`--quick`: fewer). */
export const DAEMON_FILES = { full: 1000, quick: 200 } as const;

export const USAGE = `usage: npm run bench -- [flags]     (or: node --import tsx bench/run.ts [flags])

  --only LIST          scenarios to run, comma-separated (${SCENARIOS.join(', ')}); repeatable
  --runs N             runs per participant and scenario, median reported (default 3; --quick: 1)
  --quick              small files for a fast end-to-end check
  --size NAME=SIZE     file size of one scenario, e.g. --size capped=512M (repeatable);
                       for files-500*: the size of each file (default 64k)
  --cap RATE           per-connection cap of capped/latency (default 20m = 20 MiB/s)
  --connections N      connections of the segmented participants (default 16)
  --delay-ms N         first-byte delay of latency (default 50)
  --list-files N       files in the list scenarios (default 500)
  --jobs N             downloads at once in the list scenarios (default 16)
  --list-delay-ms N    first-byte delay of files-500-latency (default 20)
  --resume-cap RATE    per-connection cap of resume (default 2m; --quick: 1m)
  --kill-after SEC     SIGKILL the first resume attempt after SEC seconds (default 3; --quick: 1.5)
  --participants LIST  only these: ferry, aria2c, axel, curl, wget, lftp (ferry also selects
                       ferry-n4, ferry-n8 and ferry-n1 of the FTP scenarios)
  --latency-server S   auto (project test server if present), helper, own (default auto)
  --data-dir DIR       keep generated files in DIR and reuse them next time
  --results-dir DIR    where JSON/Markdown results go (default bench/results)
  --timeout SEC        per-run timeout (default: derived from size and rate)
  --daemon-files N     downloads queued in daemon-load (default 1000; --quick: 200);
                       --size daemon-load=SIZE sets the size of each (default 6M; --quick: 4M)
  --daemon-jobs N      downloads active at once in daemon-load (default 8)
  --daemon-clients N   RPC pollers of daemon-load, half HTTP, half WebSocket (default 50)
  --poll-hz N          polls per second of each poller (default 10)
  --daemon-runs N      runs of daemon-load per participant and load (default 1)
  --daemon-limit SEC   cut a daemon-load run after SEC s and measure it up to there
                       (default 120; --quick: 60)
  -h, --help           this text`;

function list(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function positiveInt(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} needs a positive integer, got ${JSON.stringify(value)}`);
  return n;
}

function nonNegativeInt(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} needs a whole number >= 0, got ${JSON.stringify(value)}`);
  return n;
}

function milliseconds(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} needs a whole number of milliseconds >= 0`);
  return n;
}

function scenario(name: string): ScenarioName {
  if (!(SCENARIOS as readonly string[]).includes(name)) {
    throw new Error(`unknown scenario ${JSON.stringify(name)} (known: ${SCENARIOS.join(', ')})`);
  }
  return name as ScenarioName;
}

/** Parse argv (without node and script). Returns 'help' for -h/--help. */
export function parseArgs(argv: readonly string[], defaultResultsDir: string): BenchConfig | 'help' {
  const flags = new Map<string, string[]>();
  let quick = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') return 'help';
    if (arg === '--quick') {
      quick = true;
      continue;
    }
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${JSON.stringify(arg)}`);
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new Error(`${name} needs a value`);
    flags.set(name, [...(flags.get(name) ?? []), value]);
  }
  const known = [
    '--only',
    '--runs',
    '--size',
    '--cap',
    '--connections',
    '--delay-ms',
    '--resume-cap',
    '--kill-after',
    '--participants',
    '--latency-server',
    '--data-dir',
    '--results-dir',
    '--timeout',
    '--list-files',
    '--jobs',
    '--list-delay-ms',
    '--daemon-files',
    '--daemon-jobs',
    '--daemon-clients',
    '--poll-hz',
    '--daemon-runs',
    '--daemon-limit',
  ];
  for (const name of flags.keys()) if (!known.includes(name)) throw new Error(`unknown flag ${name}`);
  const last = (name: string): string | undefined => flags.get(name)?.at(-1);

  const sizes = { ...(quick ? QUICK_SIZES : FULL_SIZES) };
  for (const spec of flags.get('--size') ?? []) {
    const eq = spec.indexOf('=');
    if (eq <= 0) throw new Error(`--size needs NAME=SIZE, got ${JSON.stringify(spec)}`);
    sizes[scenario(spec.slice(0, eq))] = parseSize(spec.slice(eq + 1));
  }
  const onlyNames = (flags.get('--only') ?? []).flatMap(list).map(scenario);
  const only = onlyNames.length > 0 ? SCENARIOS.filter((s) => onlyNames.includes(s)) : [...SCENARIOS];
  const latencyServer = (last('--latency-server') ?? 'auto') as LatencyServerChoice;
  if (!['auto', 'helper', 'own'].includes(latencyServer)) {
    throw new Error(`--latency-server is one of auto, helper, own; got ${JSON.stringify(latencyServer)}`);
  }
  const killAfter = Number(last('--kill-after') ?? (quick ? 1.5 : 3));
  if (!(killAfter > 0)) throw new Error('--kill-after needs a positive number of seconds');
  const delayMs = milliseconds('--delay-ms', last('--delay-ms') ?? '50');
  const listDelayMs = milliseconds('--list-delay-ms', last('--list-delay-ms') ?? '20');
  const daemonLimit = Number(last('--daemon-limit') ?? (quick ? 60 : 120));
  if (!(daemonLimit > 0)) throw new Error('--daemon-limit needs a positive number of seconds');
  const timeout = last('--timeout');
  if (timeout !== undefined && !(Number(timeout) > 0)) throw new Error('--timeout needs a positive number of seconds');
  const participants = flags.has('--participants') ? (flags.get('--participants') ?? []).flatMap(list) : undefined;

  return {
    only,
    runs: positiveInt('--runs', last('--runs') ?? (quick ? '1' : '3')),
    quick,
    sizes,
    capBytesPerSec: parseRate(last('--cap') ?? '20m'),
    connections: positiveInt('--connections', last('--connections') ?? '16'),
    firstByteDelayMs: delayMs,
    listFiles: positiveInt('--list-files', last('--list-files') ?? '500'),
    listJobs: positiveInt('--jobs', last('--jobs') ?? '16'),
    listDelayMs,
    daemonFiles: positiveInt('--daemon-files', last('--daemon-files') ?? String(quick ? DAEMON_FILES.quick : DAEMON_FILES.full)),
    daemonJobs: positiveInt('--daemon-jobs', last('--daemon-jobs') ?? '8'),
    daemonClients: nonNegativeInt('--daemon-clients', last('--daemon-clients') ?? '50'),
    daemonPollHz: positiveInt('--poll-hz', last('--poll-hz') ?? '10'),
    daemonRuns: positiveInt('--daemon-runs', last('--daemon-runs') ?? '1'),
    daemonLimitMs: Math.round(daemonLimit * 1000),
    resumeCapBytesPerSec: parseRate(last('--resume-cap') ?? (quick ? '1m' : '2m')),
    killAfterMs: Math.round(killAfter * 1000),
    participants,
    latencyServer,
    dataDir: last('--data-dir'),
    resultsDir: last('--results-dir') ?? defaultResultsDir,
    timeoutMs: timeout === undefined ? undefined : Math.round(Number(timeout) * 1000),
  };
}
