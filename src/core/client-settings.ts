/**
 * Where the client commands (`ferry add`, `ls`, `watch`, ...) find the daemon: `--rpc-url`,
 * `--rpc-secret`, `FERRY_RPC_SECRET` and the daemon's config file. Pure apart from the injected
 * `readFile`.
 */
import {
  applyDaemonFlag,
  type ConfigSources,
  confLines,
  type DaemonLayer,
  DEFAULT_RPC_PORT,
  defaultConfigPath,
  layerSecret,
  nonEmpty,
  readConf,
  takeFlags,
  usage,
} from './daemon-flags.js';
import { quote } from './input-file-values.js';

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
  let url: string | undefined;
  let secret: string | undefined;
  const rest = takeFlags(
    argv,
    { '--rpc-url': true, '--rpc-secret': true },
    (flag, value) => {
      if (flag === '--rpc-url') url = value;
      else secret = nonEmpty(flag, value, 'a secret');
    },
    'ferry --help',
  );

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
