/**
 * The daemon's own options (`--rpc-listen-port`, `--rpc-secret`, `--state-dir`, ...) as one
 * layer per source (command line, config file), and the config file's `key=value` lines in
 * aria2's format. Shared by `ferry daemon` (daemon-config.ts) and the client commands
 * (client-settings.ts). Pure apart from the injected `readFile`.
 */
import { optionTakesValue } from './cli-args.js';
import { FerryError } from './errors.js';
import { quote, readInteger } from './input-file-values.js';

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

export const usage = (message: string, hint?: string): FerryError => new FerryError('USAGE', message, { hint });

/** `$XDG_CONFIG_HOME/ferry/daemon.conf`, else `~/.config/ferry/daemon.conf` (relative XDG paths are ignored, as the spec says). */
export function defaultConfigPath(env: Record<string, string | undefined>, home: string): string {
  const xdg = env.XDG_CONFIG_HOME;
  return `${xdg?.startsWith('/') ? xdg : `${home}/.config`}/ferry/daemon.conf`;
}

/** One daemon-only option: its long name and whether it takes a value. */
export const DAEMON_FLAGS: Readonly<Record<string, boolean>> = {
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
export interface DaemonLayer {
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

export function nonEmpty(flag: string, value: string, what: string): string {
  if (value === '' || /[\r\n\0]/.test(value)) throw usage(`${flag} needs ${what}, got ${quote(value)}`);
  return value;
}

/** Store one daemon-only option in `layer`; `value` is '' for a switch. */
export function applyDaemonFlag(layer: DaemonLayer, flag: string, value: string): void {
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
export const flagOf = (arg: string): string => (arg.startsWith('--') && arg.includes('=') ? arg.slice(0, arg.indexOf('=')) : arg);

/**
 * Walk a command line: the flags named in `own` (true: takes a value) go to `apply` (a switch
 * with ''), everything else is returned in order for parseArgs, a ferry option that takes its
 * value from the next argument with that value (`-d --odd-dir` stays one option).
 */
export function takeFlags(
  argv: readonly string[],
  own: Readonly<Record<string, boolean>>,
  apply: (flag: string, value: string) => void,
  help: string,
): string[] {
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const flag = flagOf(arg);
    if (arg === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (!Object.hasOwn(own, flag)) {
      rest.push(arg);
      if (flag === arg && optionTakesValue(arg) === true && i + 1 < argv.length) rest.push(argv[++i]);
      continue;
    }
    if (!own[flag]) {
      if (flag !== arg) throw usage(`${flag} takes no value, got ${quote(arg)}`);
      apply(flag, '');
    } else if (flag !== arg) {
      apply(flag, arg.slice(flag.length + 1));
    } else {
      if (i + 1 >= argv.length) throw usage(`${flag} needs a value (see ${help})`);
      apply(flag, argv[++i]);
    }
  }
  return rest;
}

/**
 * Split a daemon command line: daemon-only options go into the layer, the rest (ferry's download
 * and queue options) is returned in order for parseArgs, each with the value it consumes.
 */
export function splitArgv(argv: readonly string[], layer: DaemonLayer): string[] {
  return takeFlags(argv, DAEMON_FLAGS, (flag, value) => applyDaemonFlag(layer, flag, value), 'ferry daemon --help');
}

/** One `key=value` line of the config file. */
export interface ConfLine {
  line: number;
  key: string;
  value: string;
}

/** The `key=value` lines of a config file's text; blank and `#` lines skipped. */
export function confLines(text: string, file: string): ConfLine[] {
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
export function readConf(sources: ConfigSources, path: string, explicit: boolean): string | undefined {
  try {
    return sources.readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !explicit) return undefined;
    throw usage(`cannot read the config file ${path}: ${code ?? (e as Error).message}`, 'fix its path or its permissions');
  }
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
export function layerSecret(layer: DaemonLayer, sources: ConfigSources, where: string): string | undefined {
  if (layer.secret !== undefined && layer.secretFile !== undefined) {
    throw usage(`${where} gives both rpc-secret and rpc-secret-file`, 'keep one of them');
  }
  return layer.secretFile !== undefined ? readSecretFile(sources, layer.secretFile) : layer.secret;
}
