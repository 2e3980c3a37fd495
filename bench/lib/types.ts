/** Shapes shared by the benchmark modules: configuration, one measured run, one summarised cell. */

/** The scenarios, in the order they run. */
export const SCENARIOS = [
  'unthrottled',
  'capped',
  'latency',
  'no-ranges',
  'resume',
  'mirrors',
  'mirrors-mixed',
  'kill-waste',
  'files-500',
  'files-500-latency',
  'ftp',
  'ftps',
  'daemon-load',
] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

/** Scenarios that download a list (queue) of small files instead of one file. */
export const LIST_SCENARIOS = ['files-500', 'files-500-latency'] as const;
export type ListScenarioName = (typeof LIST_SCENARIOS)[number];

/** Scenarios served by vsftpd (plain FTP and explicit FTPS). */
export const FTP_SCENARIOS = ['ftp', 'ftps'] as const;
export type FtpScenarioName = (typeof FTP_SCENARIOS)[number];

/** Scenarios of one file from three mirrors at once. */
export const MIRROR_SCENARIOS = ['mirrors', 'mirrors-mixed'] as const;
export type MirrorScenarioName = (typeof MIRROR_SCENARIOS)[number];

/** True for `mirrors` and `mirrors-mixed`. */
export function isMirrorScenario(name: ScenarioName): name is MirrorScenarioName {
  return (MIRROR_SCENARIOS as readonly string[]).includes(name);
}

/** True for `files-500` and `files-500-latency`. */
export function isListScenario(name: ScenarioName): name is ListScenarioName {
  return (LIST_SCENARIOS as readonly string[]).includes(name);
}

/** True for `ftp` and `ftps`. */
export function isFtpScenario(name: ScenarioName): name is FtpScenarioName {
  return (FTP_SCENARIOS as readonly string[]).includes(name);
}

/** Which server plays the `latency` scenario. `auto` prefers the project's test server when present. */
export type LatencyServerChoice = 'auto' | 'helper' | 'own';

/** Everything a benchmark run is parameterised by (see `parseArgs` for flags and defaults). */
export interface BenchConfig {
  /** Scenarios to run, in SCENARIOS order. */
  only: ScenarioName[];
  /** Repetitions of each participant in each scenario; the median is reported. */
  runs: number;
  quick: boolean;
  /** File size per scenario, bytes (list scenarios: the size of each file of the list). */
  sizes: Record<ScenarioName, number>;
  /** Files in each list scenario (`files-500`: 500). */
  listFiles: number;
  /** Downloads at once in the list scenarios (ferry and aria2c `-j`, curl `--parallel-max`). */
  listJobs: number;
  /** Delay before the first byte of every response in `files-500-latency`, ms. */
  listDelayMs: number;
  /** Per-connection cap of `capped` and `latency`, bytes/s. */
  capBytesPerSec: number;
  /** Connections for the segmented participants. */
  connections: number;
  /** Delay before the first byte of every response in `latency`, ms. */
  firstByteDelayMs: number;
  /** Per-connection cap of the `resume` scenario, bytes/s (low enough that the kill lands mid-file). */
  resumeCapBytesPerSec: number;
  /** When the first `resume` attempt is killed, ms after its start. */
  killAfterMs: number;
  /** Restrict to these participants (undefined: all). */
  participants?: string[];
  latencyServer: LatencyServerChoice;
  /** Keep generated data here and reuse it across invocations (undefined: a temp dir removed at exit). */
  dataDir?: string;
  /** `daemon-load`: downloads queued at once (each `sizes['daemon-load']` bytes). */
  daemonFiles: number;
  /** `daemon-load`: downloads active at once (`-j` / `--max-concurrent-downloads`). */
  daemonJobs: number;
  /** `daemon-load`: RPC pollers of the loaded runs (half over HTTP keep-alive, half over WebSocket). */
  daemonClients: number;
  /** `daemon-load`: polls per second of each client (one poll = tellActive + tellWaiting(0, 1000)). */
  daemonPollHz: number;
  /** `daemon-load`: runs of each participant with and without clients (median reported). */
  daemonRuns: number;
  /** `daemon-load`: a run still going after this long is cut and measured up to there, ms. */
  daemonLimitMs: number;
  /** Where the JSON and Markdown results go. */
  resultsDir: string;
  /** Per-run timeout override, ms (undefined: derived from size and rate). */
  timeoutMs?: number;
}

/** One execution of one participant. `ok` means exit 0 and a byte-exact file (SHA-256 matched). */
export interface RunRecord {
  run: number;
  ok: boolean;
  /** Why the run is a FAIL (exit status, timeout, missing file, hash mismatch). */
  failure?: string;
  wallSec: number;
  userSec?: number;
  sysSec?: number;
  /** Largest resident set of the child or any descendant it waited for, KiB (GNU time %M). */
  maxRssKiB?: number;
  sha256?: string;
}

/** One participant in one scenario, summarised over its runs. */
export interface CellSummary {
  scenario: ScenarioName;
  participant: string;
  /** `n/a`: not installed or not part of this scenario; `FAIL`: at least one run failed. */
  status: 'ok' | 'FAIL' | 'n/a';
  note?: string;
  runs: RunRecord[];
  medianWallSec?: number;
  mibPerSec?: number;
  /** List scenarios: files / median wall time. */
  filesPerSec?: number;
  /** Capped/latency: percent of connections x cap; others: percent of the fastest participant. */
  pctIdeal?: number;
  medianCpuSec?: number;
  medianRssMiB?: number;
}

/** One attempt pair of the kill -9 resume scenario. */
export interface ResumeRecord {
  run: number;
  ok: boolean;
  failure?: string;
  /** Seconds from start to SIGKILL of the first attempt. */
  killedAtSec: number;
  /** Wall time of the second attempt. */
  rerunWallSec: number;
  /** Body bytes the server sent for both attempts. */
  bytesSent: number;
  /** bytesSent - file size. */
  redownloadedBytes: number;
  /** bytesSent / (killedAtSec + rerunWallSec). */
  observedBytesPerSec: number;
  /** redownloadedBytes / observedBytesPerSec. */
  redownloadedSec: number;
}

export interface ResumeSummary {
  participant: string;
  status: 'ok' | 'FAIL' | 'n/a';
  note?: string;
  runs: ResumeRecord[];
  medianRedownloadedBytes?: number;
  medianRedownloadedSec?: number;
  medianRerunWallSec?: number;
}

/** Latencies of a set of RPC requests, ms (undefined when there were none). */
export interface LatencySummary {
  count: number;
  p50?: number;
  p90?: number;
  p99?: number;
  max?: number;
  mean?: number;
}

/** One `daemon-load` run of one daemon, with or without pollers. */
export interface DaemonRunRecord {
  run: number;
  /** Pollers during the run (0: none). */
  clients: number;
  /** True when every download completed and every file matched its SHA-256. */
  ok: boolean;
  failure?: string;
  /** Seconds from the first addUri to the last completion. */
  wallSec: number;
  /** Bytes downloaded in the window: all the files, or (a cut run) what was done by the cut. */
  bytes: number;
  /** Downloads queued, and downloads finished in the window. */
  files: number;
  filesDone: number;
  /** Set when the run hit its time limit (`--daemon-limit`) and was measured up to there. */
  cutAtSec?: number;
  /** CPU of the harness itself (the pollers' side) over the window, seconds. */
  clientCpuSec?: number;
  /** Seconds the addUri calls took (all downloads queued), from the start of the window. */
  addedSec?: number;
  /** The daemon's user + system CPU over the same window, from /proc/PID/stat. */
  cpuSec?: number;
  /** The largest VmRSS seen by the 100 ms sampler during the window, KiB. */
  peakRssKiB?: number;
  /** RPC requests per second the pollers got answered (0 without pollers). */
  requestsPerSec?: number;
  /** Failed RPC requests of the pollers and ticks skipped because the previous poll still ran. */
  rpcErrors?: number;
  skippedTicks?: number;
  /** The pollers' latencies (all, and per transport). */
  latency?: { all: LatencySummary; http: LatencySummary; ws: LatencySummary };
}

/** One participant with one load, summarised over its runs (medians). */
export interface DaemonRow {
  participant: string;
  /** Whose unloaded row `pctOfNoClients` is measured against (default: the participant's own). */
  baseline?: string;
  clients: number;
  status: 'ok' | 'FAIL' | 'n/a';
  note?: string;
  runs: DaemonRunRecord[];
  mibPerSec?: number;
  /** Throughput as a percentage of the same participant without pollers. */
  pctOfNoClients?: number;
  p50Ms?: number;
  p99Ms?: number;
  requestsPerSec?: number;
  cpuSec?: number;
  peakRssMiB?: number;
  /** Median downloads finished of the runs, and how many were queued. */
  filesDone?: number;
  files?: number;
  /** The time limit of the runs that were cut (s), when any was. */
  cutAtSec?: number;
}

/** The `daemon-load` result: its conditions and one row per participant and load. */
export interface DaemonScenarioResult {
  description: string;
  files: number;
  /** Bytes of each download. */
  size: number;
  clients: number;
  rows: DaemonRow[];
}
