/**
 * `ferry --help` (and `ferry help`), rendered from the option table of args.ts: pure text, no I/O.
 * Invariant: every line fits 80 columns and every description starts in one column.
 */
import { GROUPS, OPTIONS, type OptionSpec } from '../core/cli-args.js';
import { COMMANDS_TEXT } from './client/client-help.js';

/** Where descriptions start; a longer label puts its description on the next line. */
const COLUMN = 34;

/** `-n, -s, --concurrency, --split N`: short names, long names, then the value placeholder. */
export function optionLabel(o: OptionSpec): string {
  const shorts = o.names.filter((n) => !n.startsWith('--'));
  const longs = o.names.filter((n) => n.startsWith('--'));
  const names = [...shorts, ...longs].join(', ');
  return `${shorts.length === 0 ? '    ' : ''}${names}${o.value ? ` ${o.value}` : o.optionalValue ? `[=${o.optionalValue}]` : ''}`;
}

/** The description lines of an option, the default (if any) appended to the last one. */
export function optionHelp(o: OptionSpec): string[] {
  const lines = o.help.split('\n');
  if (o.default !== undefined) lines[lines.length - 1] += ` (default: ${o.default})`;
  return lines;
}

/** The text after the options: what SIZE and SECONDS accept. */
export const VALUES_TEXT: readonly string[] = [
  'SIZE is bytes or a number with a suffix: k, M, G are 1024-based (1.5M, 10MiB),',
  'kB, MB, GB are 1000-based. SECONDS may be fractional (1.5) or in ms (500ms).',
];

/** Examples shown by `--help` and the man page; each one parses. */
export const EXAMPLES: readonly string[] = [
  'ferry https://example.com/big.iso',
  'ferry -n 16 -d downloads https://example.com/big.iso',
  'ferry -o linux.iso --checksum sha-256=HEX https://example.com/get?id=7',
  'ferry --limit-rate 2M -H "Authorization: Bearer T" https://example.com/f.zip',
  'ferry --ftp-ssl-required --ftp-user me ftp://ftp.example.com/pub/f.iso',
  'ferry -x socks5h://127.0.0.1:1080 https://example.com/f.iso',
  'ferry -q -i urls.txt',
];

/** What `ferry --help` prints: grouped, aligned, with examples; ends with a newline. */
export function renderHelp(): string {
  const lines = [
    'Usage: ferry [options] URL...',
    '       ferry [options] -i FILE',
    '       ferry help [COMMAND] | --completion bash|zsh|fish',
    '       ferry COMMAND ...   (the commands below talk to a ferry daemon)',
    '',
    'Download files over HTTP, HTTPS, FTP and FTPS with many connections per file.',
    'An interrupted download resumes where it stopped.',
  ];
  const row = (label: string, help: readonly string[]): string[] => {
    const [first, ...more] = help;
    const indent = ' '.repeat(COLUMN);
    const head = label.length + 2 <= COLUMN - 2 ? [`  ${label.padEnd(COLUMN - 2)}${first}`] : [`  ${label}`, `${indent}${first}`];
    return [...head, ...more.map((m) => indent + m)];
  };
  for (const group of GROUPS) {
    lines.push('', `${group}:`);
    if (group === 'Input') lines.push(...row('URL', ['an http, https, ftp or ftps URL']));
    for (const o of OPTIONS.filter((s) => s.group === group)) lines.push(...row(optionLabel(o), optionHelp(o)));
  }
  lines.push('', ...VALUES_TEXT, '', ...COMMANDS_TEXT.split('\n'), '', 'Examples:', ...EXAMPLES.map((e) => `  ${e}`));
  return `${lines.join('\n')}\n`;
}
