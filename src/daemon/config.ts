/**
 * The configuration of `ferry daemon`, and the connection settings of the client commands
 * (`ferry add`, `ls`, ...), from the command line, the environment and the config file
 * `$XDG_CONFIG_HOME/ferry/daemon.conf` (default `~/.config/ferry/daemon.conf`).
 *
 * The file uses aria2's format: one `key=value` per line, `#` starts a comment line, the keys are
 * the long option names without their dashes (`rpc-listen-port=6800`, `dir=/srv/downloads`,
 * `connections=16`, `overwrite=true`); aria2's own option keys (`split`, `check-certificate`, ...)
 * are understood too. The command line wins over the environment, which wins over the file.
 *
 * Pure apart from the injected `readFile`: no process access, no globals.
 */
import { optionTakesValue, type ParsedArgs, parseArgs } from '../core/cli-args.js';
import { FerryError } from '../core/errors.js';
import { findKey, readOption } from '../core/input-file-keys.js';
import { quote, readBoolean, readInteger } from '../core/input-file-values.js';
import type { DownloadOptions } from '../core/options.js';

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

/** What the configuration is read from besides the command line. */
export interface ConfigSources {
  env: Record<string, string | undefined>;
  /** The user's home directory. */
  home: string;
  /** Read a whole UTF-8 file; throws a Node errno error (ENOENT, EACCES, ...) when it cannot. */
  readFile(path: string): string;
}

/** The daemon's default port, as aria2's. */
export const DEFAULT_RPC_PORT = 6800;
/** Downloads at once when `-j` is not given (as the one-shot queue). */
export const DEFAULT_MAX_ACTIVE = 3;

const usage = (message: string, hint?: string): FerryError => new FerryError('USAGE', message, { hint });

/** `$XDG_CONFIG_HOME/ferry/daemon.conf`, else `~/.config/ferry/daemon.conf` (relative XDG paths are ignored, as the spec says). */
export function defaultConfigPath(env: Record<string, string | undefined>, home: string): string {
  const xdg = env.XDG_CONFIG_HOME;
  return `${xdg?.startsWith('/') ? xdg : `${home}/.config`}/ferry/daemon.conf`;
}

function defaultStateDir(env: Record<string, string | undefined>, home: string): string {
  const xdg = env.XDG_STATE_HOME;
  return `${xdg?.startsWith('/') ? xdg : `${home}/.local/state`}/ferry`;
}

/** One daemon-only option: its long name and whether it takes a value. */
const DAEMON_FLAGS: Readonly<Record<string, boolean>> = {
  '--rpc-listen-port': true,
  '--rpc-secret': true,
  '--rpc-secret-file': true,
  '--rpc-listen-all': false,
  '--rpc-allow-origin': true,
  '--rpc-allow-any-dir': false,
  '--state-dir': true,
  '--log': true,
  '--conf-path': true,
};

/** The daemon-only options of one layer (command line or file), as given. */
interface DaemonLayer {
  port?: number;
  secret?: string;
  secretFile?: string;
  listenAll?: boolean;
  origins?: string[];
  anyDir?: boolean;
  stateDir?: string;
  log?: string;
  confPath?: string;
}

/** A web origin: `null`, or `scheme://host[:port]` without a path. */
const ORIGIN = /^(null|[a-z][a-z0-9+.-]*:\/\/[^/\s?#@]+)$/i;

function nonEmpty(flag: string, value: string, what: string): string {
  if (value === '' || /[\r\n\0]/.test(value)) throw usage(`${flag} needs ${what}, got ${quote(value)}`);
  return value;
}

/** Store one daemon-only option in `layer`; `value` is '' for a switch. */
function applyDaemonFlag(layer: DaemonLayer, flag: string, value: string): void {
  switch (flag) {
    case '--rpc-listen-port':
      layer.port = readInteger(flag, value, 1, 65535);
      break;
    case '--rpc-secret':
      layer.secret = nonEmpty(flag, value, 'a secret');
      break;
    case '--rpc-secret-file':
      layer.secretFile = nonEmpty(flag, value, 'a file name');
      break;
    case '--rpc-listen-all':
      layer.listenAll = true;
      break;
    case '--rpc-allow-origin':
      if (!ORIGIN.test(value)) throw usage(`${flag} needs an origin such as https://example.com or null, got ${quote(value)}`);
      layer.origins = [...(layer.origins ?? []), value];
      break;
    case '--rpc-allow-any-dir':
      layer.anyDir = true;
      break;
    case '--state-dir':
      layer.stateDir = nonEmpty(flag, value, 'a directory');
      break;
    case '--log':
      layer.log = nonEmpty(flag, value, 'a file name');
      break;
    case '--conf-path':
      layer.confPath = nonEmpty(flag, value, 'a file name');
      break;
  }
}

/** The flag of an argument (`--rpc-secret=S` -> `--rpc-secret`). */
const flagOf = (arg: string): string => (arg.startsWith('--') && arg.includes('=') ? arg.slice(0, arg.indexOf('=')) : arg);

/**
 * Split a daemon command line: daemon-only options go into the layer, the rest (ferry's download
 * and queue options) is returned in order for parseArgs, each with the value it consumes.
 */
function splitArgv(argv: readonly string[], layer: DaemonLayer): string[] {
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const flag = flagOf(arg);
    if (arg === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (!Object.hasOwn(DAEMON_FLAGS, flag)) {
      rest.push(arg);
      // A ferry option that takes its value from the next argument keeps it (`-d --odd-dir`).
      if (flag === arg && optionTakesValue(arg) === true && i + 1 < argv.length) rest.push(argv[++i]);
      continue;
    }
    const takes = DAEMON_FLAGS[flag];
    if (!takes) {
      if (flag !== arg) throw usage(`${flag} takes no value, got ${quote(arg)}`);
      applyDaemonFlag(layer, flag, '');
    } else if (flag !== arg) {
      applyDaemonFlag(layer, flag, arg.slice(flag.length + 1));
    } else {
      if (i + 1 >= argv.length) throw usage(`${flag} needs a value (see ferry daemon --help)`);
      applyDaemonFlag(layer, flag, argv[++i]);
    }
  }
  return rest;
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

/** One `key=value` line of the config file. */
interface ConfLine {
  line: number;
  key: string;
  value: string;
}

/** The `key=value` lines of a config file's text; blank and `#` lines skipped. */
function confLines(text: string, file: string): ConfLine[] {
  const out: ConfLine[] = [];
  text
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\r|\n/)
    .forEach((raw, index) => {
      const body = raw.trim();
      if (body === '' || body.startsWith('#')) return;
      const eq = body.indexOf('=');
      if (eq <= 0) throw usage(`${file}:${index + 1}: expected key=value, got ${quote(body)}`);
      out.push({ line: index + 1, key: body.slice(0, eq).trim(), value: body.slice(eq + 1).trim() });
    });
  return out;
}

/** Read the config file; undefined when it does not exist and was not named explicitly. */
function readConf(sources: ConfigSources, path: string, explicit: boolean): string | undefined {
  try {
    return sources.readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !explicit) return undefined;
    throw usage(`cannot read the config file ${path}: ${code ?? (e as Error).message}`, 'fix its path or its permissions');
  }
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

/** A secret file's contents without the trailing newline; an empty one is an error. */
function readSecretFile(sources: ConfigSources, path: string): string {
  let text: string;
  try {
    text = sources.readFile(path);
  } catch (e) {
    throw usage(`cannot read the secret file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'fix --rpc-secret-file');
  }
  const secret = text.replace(/[\r\n]+$/, '');
  if (secret === '' || /[\r\n\0]/.test(secret)) throw usage(`the secret file ${path} must hold one non-empty line`);
  return secret;
}

/** The secret of one layer: its `rpc-secret` or the contents of its `rpc-secret-file`. */
function layerSecret(layer: DaemonLayer, sources: ConfigSources, where: string): string | undefined {
  if (layer.secret !== undefined && layer.secretFile !== undefined) {
    throw usage(`${where} gives both rpc-secret and rpc-secret-file`, 'keep one of them');
  }
  return layer.secretFile !== undefined ? readSecretFile(sources, layer.secretFile) : layer.secret;
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

/** Where the client commands find the daemon. */
export interface ClientSettings {
  /** The JSON-RPC endpoint, without credentials (`http://127.0.0.1:6800/jsonrpc`). */
  url: string;
  /** The secret sent as `token:SECRET`; undefined: none. */
  secret?: string;
  /** `argv` without `--rpc-url`/`--rpc-secret` and their values. */
  rest: string[];
}

/**
 * The daemon a client command talks to: `--rpc-url` (default `http://127.0.0.1:PORT/jsonrpc`,
 * PORT from the config file's `rpc-listen-port`, else 6800; `http://token:SECRET@host/...` gives
 * the secret too), and the secret from `--rpc-secret`, the URL, `FERRY_RPC_SECRET`, or the config
 * file's `rpc-secret`/`rpc-secret-file`, in that order. Other keys of the file are not checked.
 * @throws FerryError USAGE for a bad URL, a missing value, or a bad port line in the file.
 */
export function clientSettings(argv: readonly string[], env: Record<string, string | undefined>, sources: Omit<ConfigSources, 'env'>): ClientSettings {
  const rest: string[] = [];
  let url: string | undefined;
  let secret: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const flag = flagOf(arg);
    if (arg === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (flag !== '--rpc-url' && flag !== '--rpc-secret') {
      rest.push(arg);
      continue;
    }
    if (flag === arg && i + 1 >= argv.length) throw usage(`${flag} needs a value`);
    const value = flag === arg ? argv[++i] : arg.slice(flag.length + 1);
    if (flag === '--rpc-url') url = value;
    else secret = nonEmpty(flag, value, 'a secret');
  }

  const confPath = defaultConfigPath(env, sources.home);
  const text = readConf({ ...sources, env }, confPath, false);
  const conf: DaemonLayer = {};
  for (const l of text === undefined ? [] : confLines(text, confPath)) {
    if (!['rpc-listen-port', 'rpc-secret', 'rpc-secret-file'].includes(l.key)) continue;
    try {
      applyDaemonFlag(conf, `--${l.key}`, l.value);
    } catch (e) {
      throw usage(`${confPath}:${l.line}: ${(e as Error).message}`);
    }
  }

  const endpoint = parseRpcUrl(url ?? `http://127.0.0.1:${conf.port ?? DEFAULT_RPC_PORT}/jsonrpc`);
  const envSecret = env.FERRY_RPC_SECRET === '' ? undefined : env.FERRY_RPC_SECRET;
  const fileSecret = text === undefined ? undefined : layerSecret(conf, { ...sources, env }, confPath);
  return { url: endpoint.url, secret: secret ?? endpoint.secret ?? envSecret ?? fileSecret, rest };
}

/** An http(s) RPC URL; `token:SECRET@` in it becomes the secret and leaves the URL. */
function parseRpcUrl(text: string): { url: string; secret?: string } {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw usage(`--rpc-url needs an http:// or https:// URL, got ${quote(text)}`, 'e.g. http://127.0.0.1:6800/jsonrpc');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw usage(`--rpc-url needs an http:// or https:// URL, got ${quote(text)}`, 'e.g. http://127.0.0.1:6800/jsonrpc');
  }
  const secret = u.username === 'token' && u.password !== '' ? decodeURIComponent(u.password) : undefined;
  u.username = '';
  u.password = '';
  return { url: u.href, secret };
}
