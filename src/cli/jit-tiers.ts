/**
 * Which of V8's compilers the command runs with. Most runs of `ferry` last a second or two, and
 * in so short a run TurboFan (V8's optimizing compiler) costs more than it gives back: it compiles
 * on background threads and maps more of Node's binary. Measured on the benchmark machine (medians,
 * interleaved runs): the 500-file list took 0.72-0.75 s and 0.76-0.79 s of CPU without it against
 * 0.80-0.88 s and 1.07-1.19 s with it; 1 GiB from nginx peaked at 62.3-62.9 MiB of RSS against
 * 65.0-68.7. So the launcher starts with TurboFan off (the interpreter and the Sparkplug baseline
 * compiler run everything) and turns it on once the run has lasted `TURBOFAN_AFTER_MS`: a long
 * download or the daemon gets optimized code for its steady state.
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

/**
 * Start with TurboFan off and turn it on after `TURBOFAN_AFTER_MS`, unless Node was given a
 * TurboFan flag of its own. With `keepOff` (the build's code-cache run) it stays off.
 * Returns whether it changed anything.
 */
export function startCompilerTiers(host: TierHost, keepOff = false): boolean {
  if (host.execArgv.some((a) => TURBOFAN_FLAG.test(a))) return false;
  host.setFlags(START_FLAGS);
  if (!keepOff) host.later(() => host.setFlags(LATER_FLAGS), TURBOFAN_AFTER_MS);
  return true;
}
