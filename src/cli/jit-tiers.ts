/**
 * Which of V8's compilers the command runs with. Most runs of `ferry` last a second or two, and
 * in so short a run TurboFan (V8's optimizing compiler) costs more than it gives back: it compiles
 * on background threads and maps more of Node's binary. Measured on the benchmark machine (medians,
 * interleaved runs): the 500-file list took 0.73-0.76 s and 0.78-0.81 s of CPU without it against
 * 0.80-0.88 s and 1.07-1.19 s with it; 1 GiB from nginx peaked at 60.8-61.4 MiB of RSS against
 * 64.0-67.4. So the launcher starts with TurboFan off (the interpreter and the Sparkplug baseline
 * compiler run everything) and turns it on once the run has lasted `TURBOFAN_AFTER_MS`: a long
 * download gets optimized code for its steady state.
 *
 * Two kinds of run get TurboFan early (`optimizeNow`): the daemon, which lives long, from its
 * start, and the large HTTPS download of a one-URL run as it starts (`worthOptimizing`; its size is
 * known then), where the HTTP reader's code runs for every TLS record. Turned on later than that
 * (after 1 s of an HTTPS run) it costs more than either: the functions that waited are then
 * optimized together.
 *
 * V8's code cache carries a hash of the flags it was made under, so the build makes the cache
 * with these same flags (it runs the launcher) and keeps TurboFan off until that run's exit.
 */
/** The V8 flags the command starts with. */
export const START_FLAGS = '--no-turbofan';

/** The flags set once the run has lasted `TURBOFAN_AFTER_MS`. */
export const LATER_FLAGS = '--turbofan';

/** How long a run lasts before TurboFan is turned on. */
export const TURBOFAN_AFTER_MS = 5000;

/** What `startCompilerTiers` needs of the process. */
export interface TierHost {
  /** Node's own options (`process.execArgv`): a TurboFan flag there is the user's choice. */
  execArgv: readonly string[];
  setFlags: (flags: string) => void;
  /** Call `fn` after `ms` without keeping the process alive (an unref'd timer). */
  later: (fn: () => void, ms: number) => void;
}

/** A TurboFan flag given to Node itself (`--opt`, `--no-turbofan`, ...). */
const TURBOFAN_FLAG = /^--(no-)?(opt|turbofan|always-opt|always-turbofan)(=|$)/;

const userChose = (execArgv: readonly string[]): boolean => execArgv.some((a) => TURBOFAN_FLAG.test(a));

/**
 * Start with TurboFan off and turn it on after `TURBOFAN_AFTER_MS`, unless Node was given a
 * TurboFan flag of its own. With `keepOff` (the build's code-cache run) it stays off.
 * Returns whether it changed anything.
 */
export function startCompilerTiers(host: TierHost, keepOff = false): boolean {
  if (userChose(host.execArgv)) return false;
  host.setFlags(START_FLAGS);
  if (!keepOff) host.later(() => host.setFlags(LATER_FLAGS), TURBOFAN_AFTER_MS);
  return true;
}

/** Turn TurboFan on now (a run that pays for it from its start), unless Node was given a TurboFan flag. */
export function optimizeNow(host: Pick<TierHost, 'execArgv' | 'setFlags'>): boolean {
  if (userChose(host.execArgv)) return false;
  host.setFlags(LATER_FLAGS);
  return true;
}

/** `optimizeNow` for `host` as a function that does its work on the first call only. */
export function optimizer(host: Pick<TierHost, 'execArgv' | 'setFlags'>): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    optimizeNow(host);
  };
}

/**
 * A download with at least this many bytes still to fetch over HTTPS gets TurboFan when it starts
 * (its size known). Measured from nginx on loopback, `-n 16`, TurboFan on at the start against held
 * back (interleaved runs, medians): 1 GiB 1.725 s against 1.98 s (in other rounds, on after 100 ms
 * 1.53 s, on from the start 1.615 s); 512 MiB 1.24 s against 1.07 s and 256 MiB 0.71 s against
 * 0.66 s (peak RSS 67 MiB against 58 MiB). FTPS gains nothing from it (256 MiB `-n 4` 0.885 s
 * against 0.835 s, 64.4 against 56.4 MiB; 1 GiB 2.32 s against 2.245 s):
 * its records go straight into the batches, while an HTTPS response runs the HTTP reader's code for
 * every 16 KiB record.
 */
export const HTTPS_TURBOFAN_MIN_BYTES = 1024 ** 3;

const HTTPS = /^https:/i;

/**
 * Whether a download that starts now is worth TurboFan: its URL (after redirects) is `https:` and
 * at least `HTTPS_TURBOFAN_MIN_BYTES` remain to fetch.
 */
export function worthOptimizing(start: { url: string; totalBytes?: number; resumedBytes?: number }): boolean {
  if (!HTTPS.test(start.url) || start.totalBytes === undefined) return false;
  return start.totalBytes - (start.resumedBytes ?? 0) >= HTTPS_TURBOFAN_MIN_BYTES;
}
