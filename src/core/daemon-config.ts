/**
 * The configuration of `ferry daemon` from the command line, the environment and the config file
 * `$XDG_CONFIG_HOME/ferry/daemon.conf` (default `~/.config/ferry/daemon.conf`).
 *
 * The file uses aria2's format: one `key=value` per line, `#` starts a comment line, the keys are
 * the long option names without their dashes (`rpc-listen-port=6800`, `dir=/srv/downloads`,
 * `connections=16`, `overwrite=true`); aria2's own option keys (`split`, `check-certificate`, ...)
 * are understood too. The command line wins over the environment, which wins over the file.
 *
 * Pure apart from the injected `readFile`: no process access, no globals.
 */
import { optionTakesValue, type ParsedArgs, parseArgs } from './cli-args.js';
import {
  applyDaemonFlag,
  type ConfigSources,
  type ConfLine,
  confLines,
  DAEMON_FLAGS,
  type DaemonLayer,
  DEFAULT_RPC_PORT,
  defaultConfigPath,
  layerSecret,
  readConf,
  splitArgv,
  usage,
} from './daemon-flags.js';
import type { FerryError } from './errors.js';
import { findKey, readOption } from './input-file-keys.js';
import { quote, readBoolean } from './input-file-values.js';
import type { DownloadOptions } from './options.js';

export { type ConfigSources, DEFAULT_RPC_PORT, defaultConfigPath } from './daemon-flags.js';

/** Everything `ferry daemon` needs to start. */
export interface DaemonConfig {
  /** `--rpc-listen-port` (default 6800). */
  rpcListenPort: number;
  /** `--rpc-secret`, the contents of `--rpc-secret-file`, or `FERRY_RPC_SECRET`; undefined: no secret. */
  rpcSecret?: string;
  /** `--rpc-listen-all`: listen on every interface, not only 127.0.0.1 (needs a secret). */
  rpcListenAll: boolean;
  /** `--rpc-allow-origin` (repeatable): web origins allowed besides the daemon's own page. */
  rpcAllowOrigins: string[];
  /** `--rpc-allow-any-dir`: RPC clients may set `dir`/`out` outside the default directory. */
  rpcAllowAnyDir: boolean;
  /** `-j/--max-concurrent-downloads` (default 3). */
  maxActive: number;
  /** `--max-overall-download-limit` in bytes/s; undefined: unlimited. */
  overallLimit?: number;
  /** `--state-dir` (default `$XDG_STATE_HOME/ferry`, else `~/.local/state/ferry`). */
  stateDir: string;
  /** `--log FILE`; undefined: standard error. */
  logFile?: string;
  /** The download options given (`-d DIR`, `-n 16`, ...): defaults for every download. */
  defaults: Partial<DownloadOptions>;
  /** The config file that was read, if one was. */
  configFile?: string;
  /** `--debug`. */
  debug: boolean;
  /** `-h/--help`: print the daemon's help instead of starting. */
  help: boolean;
}

/** Downloads at once when `-j` is not given (as the one-shot queue). */
export const DEFAULT_MAX_ACTIVE = 3;

function defaultStateDir(env: Record<string, string | undefined>, home: string): string {
  const xdg = env.XDG_STATE_HOME;
  return `${xdg?.startsWith('/') ? xdg : `${home}/.local/state`}/ferry`;
}

/** The ferry options of a daemon command line, refusing those that name single downloads. */
function parseDownloadArgs(rest: string[]): ParsedArgs {
  const parsed = parseArgs(rest);
  if (parsed.urls.length > 0) throw usage(`ferry daemon takes no URL, got ${quote(parsed.urls[0])}`, 'add downloads with ferry add URL');
  if (parsed.inputFile !== undefined) throw usage('ferry daemon takes no -i/--input-file', 'add downloads with ferry add URL');
  if (parsed.saveSession !== undefined) throw usage('ferry daemon takes no --save-session', 'the daemon keeps its queue in --state-dir');
  if (parsed.options.out !== undefined) throw usage('ferry daemon takes no -o/--output', 'name a file with ferry add -o NAME URL');
  return parsed;
}

/** The daemon layer, the download options and `-j`/limit from a config file's lines. */
function parseConf(lines: ConfLine[], file: string): { layer: DaemonLayer; args: ParsedArgs } {
  const layer: DaemonLayer = {};
  const args = parseArgs([]);
  for (const { line, key, value } of lines) {
    const flag = `--${key}`;
    try {
      if (key === 'conf-path') throw usage('conf-path cannot be set inside a config file');
      if (Object.hasOwn(DAEMON_FLAGS, flag)) {
        if (DAEMON_FLAGS[flag]) applyDaemonFlag(layer, flag, value);
        else if (readBoolean(key, value)) applyDaemonFlag(layer, flag, '');
        continue;
      }
      const takes = optionTakesValue(flag);
      if (takes !== undefined) {
        const one = takes ? parseDownloadArgs([`${flag}=${value}`]) : readBoolean(key, value) ? parseDownloadArgs([flag]) : undefined;
        if (one) mergeArgs(args, one);
        continue;
      }
      const aria2 = findKey(key);
      if (aria2 === undefined) throw usage(`unknown option ${quote(key)} (see ferry daemon --help)`);
      readOption(aria2, args.options, value, key);
    } catch (e) {
      const err = e as FerryError;
      throw usage(`${file}:${line}: ${err.message}`, err.hint);
    }
  }
  return { layer, args };
}

/** Fold `later` into `into`: set values replace, headers merge by name (case-insensitive). */
function mergeArgs(into: ParsedArgs, later: ParsedArgs): void {
  const headers = { ...into.options.headers };
  for (const name of Object.keys(later.options.headers ?? {})) {
    for (const k of Object.keys(headers)) if (k.toLowerCase() === name.toLowerCase()) delete headers[k];
  }
  Object.assign(into.options, later.options);
  if (into.options.headers !== undefined || later.options.headers !== undefined) into.options.headers = { ...headers, ...later.options.headers };
  into.maxActive = later.maxActive ?? into.maxActive;
  into.overallLimit = later.overallLimit ?? into.overallLimit;
  into.debug ||= later.debug;
  into.help ||= later.help;
}

/**
 * Parse `ferry daemon`'s arguments (after `daemon`) and its config file into a DaemonConfig.
 * @throws FerryError USAGE with one line: a bad option (from the file: `FILE:LINE: ...`), or
 *   `--rpc-listen-all` without a secret.
 */
export function parseDaemonConfig(argv: readonly string[], sources: ConfigSources): DaemonConfig {
  const cli: DaemonLayer = {};
  const cliArgs = parseDownloadArgs(splitArgv(argv, cli));
  const confPath = cli.confPath ?? defaultConfigPath(sources.env, sources.home);
  const text = readConf(sources, confPath, cli.confPath !== undefined);
  const conf = text === undefined ? { layer: {} as DaemonLayer, args: parseArgs([]) } : parseConf(confLines(text, confPath), confPath);
  const args = conf.args;
  mergeArgs(args, cliArgs);

  const envSecret = sources.env.FERRY_RPC_SECRET === '' ? undefined : sources.env.FERRY_RPC_SECRET;
  const rpcSecret = layerSecret(cli, sources, 'the command line') ?? envSecret ?? layerSecret(conf.layer, sources, confPath);
  const rpcListenAll = cli.listenAll ?? conf.layer.listenAll ?? false;
  if (rpcListenAll && rpcSecret === undefined) {
    throw usage(
      '--rpc-listen-all without a secret would let anyone on the network control ferry',
      'set --rpc-secret, --rpc-secret-file, FERRY_RPC_SECRET or rpc-secret= in the config file',
    );
  }
  return {
    rpcListenPort: cli.port ?? conf.layer.port ?? DEFAULT_RPC_PORT,
    rpcSecret,
    rpcListenAll,
    rpcAllowOrigins: cli.origins ?? conf.layer.origins ?? [],
    rpcAllowAnyDir: cli.anyDir ?? conf.layer.anyDir ?? false,
    maxActive: args.maxActive ?? DEFAULT_MAX_ACTIVE,
    overallLimit: args.overallLimit,
    stateDir: cli.stateDir ?? conf.layer.stateDir ?? defaultStateDir(sources.env, sources.home),
    logFile: cli.log ?? conf.layer.log,
    defaults: args.options,
    configFile: text === undefined ? undefined : confPath,
    debug: args.debug,
    help: args.help,
  };
}
