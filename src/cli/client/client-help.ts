/** The help of the subcommands (`ferry help`, `ferry CMD --help`). */

/** The commands, one line each: in `ferry --help` and in the client's overview. */
export const COMMANDS_TEXT = `Commands (they talk to a running ferry daemon):
  daemon                 run the daemon (see ferry daemon --help)
  add URL... [-d DIR] [-o NAME] [--pause] [download options]
                         add downloads; prints each new GID
  ls [--all] [--json]    list active and waiting downloads (--all: stopped too)
  pause ID...|--all      pause downloads (ID: a GID or a unique prefix of one)
  resume ID...|--all     resume paused downloads
  rm [--delete-files] ID...|--all
                         remove downloads (--delete-files: their files too)
  watch                  the live queue view of the daemon (q quits the watch)
  shutdown               stop the daemon (it saves its queue first)
  help [COMMAND]         this help, or a command's`;

/** One line per subcommand, for `ferry help`. */
const OVERVIEW = `Usage: ferry COMMAND [options]   (or ferry [options] URL... for a one-shot download)

${COMMANDS_TEXT}
Connection (every command but daemon):
  --rpc-url URL          the daemon's endpoint (default: http://127.0.0.1:6800/jsonrpc,
                         or the rpc-listen-port of daemon.conf)
  --rpc-secret SECRET    its secret (also FERRY_RPC_SECRET, or rpc-secret= in daemon.conf)

The download options of ferry add are those of ferry --help.
`;

const COMMANDS: Readonly<Record<string, string>> = {
  add: `Usage: ferry add URL... [-d DIR] [-o NAME] [--pause] [download options]

Adds one download per URL to the daemon and prints each new GID. -d, -o, -n, -H and the other
download options of ferry --help apply to these downloads. --pause adds them paused.
Relative paths (-d, --ca-certificate, --netrc-file) are taken from the current directory.
`,
  ls: `Usage: ferry ls [--all] [--json]

Lists active and waiting downloads: GID prefix, state, percent, size, speed, name.
--all adds stopped downloads (complete, failed, removed); --json prints aria2's status objects.
`,
  pause: 'Usage: ferry pause ID...|--all\n\nPauses downloads. ID is a GID or a unique prefix of one (see ferry ls).\n',
  resume: 'Usage: ferry resume ID...|--all\n\nResumes paused downloads. ID is a GID or a unique prefix of one.\n',
  rm: `Usage: ferry rm [--delete-files] ID...|--all

Removes downloads (a stopped one leaves the list). --delete-files also deletes their files when the
daemon offers ferry.remove; another aria2-compatible daemon only removes them, and ferry says so.
--all removes every active and waiting download.
`,
  watch:
    'Usage: ferry watch [--interval SECONDS]\n\nThe live queue view of the daemon (default: refreshed every second).\np pauses or resumes all, q quits the watch (the daemon keeps running).\n',
  shutdown: 'Usage: ferry shutdown\n\nStops the daemon; it saves its queue first.\n',
  daemon: `Usage: ferry daemon [options] [download options]

Runs the daemon: a queue of downloads driven over aria2's JSON-RPC (ferry add, ls, watch, web pages).
  --rpc-listen-port PORT     port on 127.0.0.1 (default: 6800)
  --rpc-secret SECRET        clients must send this token (also FERRY_RPC_SECRET)
  --rpc-secret-file FILE     read the secret from FILE
  --rpc-listen-all           listen on every interface (needs a secret)
  --rpc-allow-origin ORIGIN  web origin allowed to call the daemon (repeatable)
  --rpc-allow-any-dir        clients may save outside the default directory
  -d, --dir DIR              default download directory
  -j, --max-concurrent-downloads N
                             downloads at once (default: 3)
  --state-dir DIR            queue and history (default: ~/.local/state/ferry)
  --log FILE                 log to FILE (default: standard error)
  --conf-path FILE           config file (default: ~/.config/ferry/daemon.conf)
Every download option of ferry --help is accepted as a default for all downloads.
The config file holds the same options without dashes, one key=value a line, # for comments;
the command line wins over the file.
`,
};

/** The help of `command`, or the overview for `undefined` or an unknown command. */
export function clientHelp(command?: string): string {
  return (command !== undefined && COMMANDS[command]) || OVERVIEW;
}
