/**
 * Where the daemon keeps its state, following the XDG Base Directory specification:
 * `$XDG_STATE_HOME/ferry`, or `~/.local/state/ferry` when the variable is unset, empty or not an
 * absolute path (the specification says a relative value must be ignored). Pure: the environment
 * and the home directory are passed in.
 */

/** Join POSIX path parts without doubling or dropping the separator. */
function join(base: string, rest: string): string {
  return `${base.replace(/\/+$/, '')}/${rest}`;
}

/**
 * The daemon's state directory for `env` and `home`.
 * @param env the process environment (only `XDG_STATE_HOME` is read)
 * @param home the user's home directory (absolute)
 */
export function stateDir(env: Readonly<Record<string, string | undefined>>, home: string): string {
  const xdg = env.XDG_STATE_HOME;
  const base = xdg?.startsWith('/') ? xdg : join(home, '.local/state');
  return join(base, 'ferry');
}

/** The state database's file name inside the state directory. */
export const STATE_DB_NAME = 'ferry.db';
