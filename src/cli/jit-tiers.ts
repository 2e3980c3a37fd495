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
 * Two kinds of run get TurboFan from their start (`optimizeNow`), as before: the daemon, which
 * lives long, and a run whose work goes through TLS, where Node's own stream code runs for every
 * record: 1 GiB over HTTPS from nginx took 2.37-2.47 s and 1.43-1.46 s of user CPU with TurboFan
 * off for its first 5 s, against 2.17 s and 1.34-1.36 s with it on (2.04-2.08 s and 1.27-1.35 s
 * turned on at `main`; medians of two rounds of 4 runs).
 *
 * V8's code cache carries a hash of the flags it was made under, so the build makes the cache
 * with these same flags (it runs the launcher) and keeps TurboFan off until that run's exit.
 */
import type { DownloadOptions } from '../core/options.js';

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

/** What a run's work is made of, for `usesTls`. */
export interface RunWork {
  urls: readonly string[];
  /** The options in force (command line, input-file entries): proxies and `ftpSsl`. */
  options: readonly Pick<Partial<DownloadOptions>, 'allProxy' | 'httpProxy' | 'httpsProxy' | 'ftpProxy' | 'ftpSsl' | 'ftpSslRequired'>[];
  /** The environment (proxy variables). */
  env: Readonly<Record<string, string | undefined>>;
}

const TLS_SCHEME = /^\s*(https|ftps):/i;
const PROXY_VARIABLES = ['http_proxy', 'https_proxy', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY', 'ftp_proxy', 'FTP_PROXY'];

/**
 * Whether a run's work goes through TLS as far as can be told before it starts: an `https:` or
 * `ftps:` URL, an `https:` proxy, or FTP with `--ftp-ssl`. (A redirect to `https:` is not foreseen.)
 */
export function usesTls(work: RunWork): boolean {
  if (work.urls.some((u) => TLS_SCHEME.test(u))) return true;
  for (const o of work.options) {
    if (o.ftpSsl === true || o.ftpSslRequired === true) return true;
    if ([o.allProxy, o.httpProxy, o.httpsProxy, o.ftpProxy].some((p) => p !== undefined && TLS_SCHEME.test(p))) return true;
  }
  return PROXY_VARIABLES.some((k) => TLS_SCHEME.test(work.env[k] ?? ''));
}
