/**
 * The options of how a download runs: input, queue, output, connections, retries and timeouts.
 * Order within a group is the order of `--help`.
 */

import { type OptionSpec, text } from './cli-option-spec.js';
import { normalizeOutputPath, STDOUT_OUT } from './filename.js';
import { readBoolean, readChecksum, readInteger, readMilliseconds, readSize } from './input-file-values.js';
import { DEFAULT_OPTIONS, MAX_CONNECTIONS } from './options.js';
import { formatBytes } from './units.js';

const D = DEFAULT_OPTIONS;

export const DOWNLOAD_OPTIONS: readonly OptionSpec[] = [
  {
    names: ['-u', '--url'],
    value: 'URL',
    group: 'Input',
    help: 'a URL to download (repeatable)',
    apply: (a, v, f) => {
      a.urls.push(text(f, v, 'a URL'));
    },
  },
  {
    names: ['-i', '--input-file'],
    value: 'FILE',
    group: 'Input',
    help: 'read more URLs from FILE',
    apply: (a, v, f) => {
      a.inputFile = text(f, v, 'a file name');
    },
  },
  {
    names: ['-j', '--max-concurrent-downloads'],
    value: 'N',
    group: 'Queue',
    help: 'downloads at once',
    default: '3',
    apply: (a, v, f) => {
      a.maxActive = readInteger(f, v, 1, 1000);
    },
  },
  {
    names: ['--max-overall-download-limit'],
    value: 'SIZE',
    group: 'Queue',
    help: 'at most SIZE/s over all downloads',
    apply: (a, v, f) => {
      a.overallLimit = readSize(f, v, 0);
    },
  },
  {
    names: ['--save-session'],
    value: 'FILE',
    group: 'Queue',
    help: 'keep unfinished downloads in FILE',
    apply: (a, v, f) => {
      a.saveSession = text(f, v, 'a file name');
    },
  },
  {
    names: ['-o', '--output'],
    value: 'FILE',
    group: 'Output',
    help: 'save as FILE; - for stdout (one URL)',
    apply: (a, v) => {
      a.options.out = v === STDOUT_OUT ? STDOUT_OUT : normalizeOutputPath(v);
    },
  },
  {
    names: ['-d', '--dir'],
    value: 'DIR',
    group: 'Output',
    help: 'save into DIR',
    default: D.dir,
    apply: (a, v, f) => {
      a.options.dir = text(f, v, 'a directory');
    },
  },
  {
    names: ['-O', '--remote-name'],
    group: 'Output',
    help: "use the server's file name (as always)",
    apply: () => {
      // curl's -O: ferry already takes the name from the server unless -o says otherwise.
    },
  },
  {
    names: ['--overwrite'],
    group: 'Output',
    help: 'replace an existing file',
    apply: (a) => {
      a.options.overwrite = true;
    },
  },
  {
    names: ['-c', '--continue'],
    group: 'Output',
    help: 'continue a partial file made elsewhere',
    apply: (a) => {
      a.options.continuePartial = true;
    },
  },
  {
    names: ['--auto-file-renaming'],
    optionalValue: 'true|false',
    group: 'Output',
    help: 'a taken name: save as NAME.1;\n=false: fail instead',
    default: 'true',
    apply: (a, v, f) => {
      a.options.autoFileRenaming = v === '' ? true : readBoolean(f, v);
    },
  },
  {
    names: ['--no-fsync'],
    group: 'Output',
    help: 'skip disk syncs (unsafe on power cut)',
    apply: (a) => {
      a.options.fsync = false;
    },
  },
  {
    names: ['--checksum'],
    value: 'ALGO=HEX',
    group: 'Output',
    help: 'verify: sha-256, sha-1, md5 or sha-512',
    apply: (a, v, f) => {
      a.options.checksum = readChecksum(f, v);
    },
  },
  {
    names: ['-n', '-s', '--concurrency', '--connections', '--split'],
    value: 'N',
    group: 'Connections',
    help: `connections per file, 1-${MAX_CONNECTIONS}`,
    default: String(D.connections),
    apply: (a, v, f) => {
      a.options.connections = readInteger(f, v, 1, MAX_CONNECTIONS);
    },
  },
  {
    names: ['--max-connections-per-host'],
    value: 'N',
    group: 'Connections',
    help: 'per host, all files',
    default: String(D.maxConnectionsPerHost),
    apply: (a, v, f) => {
      a.options.maxConnectionsPerHost = readInteger(f, v, 1);
    },
  },
  {
    names: ['--min-split-size'],
    value: 'SIZE',
    group: 'Connections',
    help: 'smallest split',
    default: formatBytes(D.minSplitSize),
    apply: (a, v, f) => {
      a.options.minSplitSize = readSize(f, v, 1);
    },
  },
  {
    names: ['--limit-rate'],
    value: 'SIZE',
    group: 'Connections',
    help: 'at most SIZE per second, e.g. 500k, 2M',
    apply: (a, v, f) => {
      a.options.limitRate = readSize(f, v, 0);
    },
  },
  {
    names: ['-t', '--max-tries', '--tries'],
    value: 'N',
    group: 'Retries and timeouts',
    help: 'per request, 0 = unlimited',
    default: String(D.maxTries),
    apply: (a, v, f) => {
      a.options.maxTries = readInteger(f, v, 0);
    },
  },
  {
    names: ['--retry-wait'],
    value: 'SECONDS',
    group: 'Retries and timeouts',
    help: 'first wait between tries',
    default: String(D.retryWaitMs / 1000),
    apply: (a, v, f) => {
      a.options.retryWaitMs = readMilliseconds(f, v, false);
    },
  },
  {
    names: ['-T', '--timeout'],
    value: 'SECONDS',
    group: 'Retries and timeouts',
    help: 'connect and stall timeout in one\n(--connect-timeout wins)',
    default: String(D.timeoutMs / 1000),
    apply: (a, v, f) => {
      a.options.timeoutMs = readMilliseconds(f, v, true);
    },
  },
];
