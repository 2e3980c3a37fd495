/**
 * The man page `ferry.1` (roff, man macros), rendered from the option table of args.ts, the same
 * source as `--help` and completion. Pure: the build writes it to `dist/ferry.1`
 * (scripts/build-man.mjs), which package.json's `man` field installs.
 */
import { GROUPS, OPTIONS, type OptionSpec } from '../core/cli-args.js';
import { EXIT } from './exit-codes.js';
import { EXAMPLES, optionHelp, VALUES_TEXT } from './help.js';
import { KEY_BINDINGS } from './keys.js';

/** Text for roff: backslashes and hyphens escaped, a leading `.` or `'` made literal. */
export function roffText(s: string): string {
  const escaped = s.replace(/\\/g, '\\e').replace(/-/g, '\\-');
  return /^[.']/.test(escaped) ? `\\&${escaped}` : escaped;
}

/** `.TP` tag of an option: every name in bold, the value in italics. */
function tag(o: OptionSpec): string {
  const names = o.names.map((n) => `\\fB${roffText(n)}\\fR`).join(', ');
  if (o.value === undefined) return o.optionalValue === undefined ? names : `${names}[=\\fI${roffText(o.optionalValue)}\\fR]`;
  return `${names} \\fI${roffText(o.value)}\\fR`;
}

const EXIT_MEANINGS: ReadonlyArray<[number, string]> = [
  [EXIT.success, 'every download finished (or was already complete)'],
  [EXIT.failure, 'generic failure (an unexpected error, an unsupported protocol or feature)'],
  [EXIT.usage, 'bad command line, bad option value or bad input file'],
  [EXIT.network, 'network: connection failed, timed out, TLS failure, redirect problem'],
  [EXIT.http, 'server: HTTP error status, malformed response, the remote file changed'],
  [EXIT.checksum, 'checksum mismatch after download'],
  [EXIT.fileSystem, 'file system: cannot write the output, or it exists (use --overwrite)'],
  [EXIT.ftp, 'FTP protocol failure (login, file not found, passive mode)'],
  [EXIT.interrupted, 'interrupted (Ctrl-C, q) or stopped; run the same command again to resume'],
];

/** The whole man page for `version`; ends with a newline. */
export function renderMan(version: string): string {
  const out: string[] = [
    `.TH FERRY 1 "" "ferry ${roffText(version)}" "User Commands"`,
    '.SH NAME',
    'ferry \\- segmented, resumable downloads over HTTP, HTTPS, FTP and FTPS',
    '.SH SYNOPSIS',
    '.B ferry',
    '[\\fIoptions\\fR] \\fIURL\\fR...',
    '.br',
    '.B ferry',
    '[\\fIoptions\\fR] \\fB\\-i\\fR \\fIFILE\\fR',
    '.br',
    '.B ferry help',
    '.br',
    '.B ferry \\-\\-completion',
    '\\fBbash\\fR|\\fBzsh\\fR|\\fBfish\\fR',
    '.SH DESCRIPTION',
    'ferry downloads each file over several connections and resumes where it stopped when the same',
    'command runs again (after Ctrl\\-C, a crash or kill \\-9). With one URL it shows one download;',
    'several URLs, \\fB\\-i\\fR or \\fB\\-\\-save\\-session\\fR make a queue.',
    'Options of curl, wget and aria2 that mean the same are accepted:',
    '\\fB\\-O\\fR, \\fB\\-t\\fR, \\fB\\-T\\fR, \\fB\\-s\\fR.',
    '.SH OPTIONS',
  ];
  for (const group of GROUPS) {
    out.push(`.SS ${roffText(group)}`);
    if (group === 'Input') out.push('.TP', '\\fIURL\\fR', 'an http, https, ftp or ftps URL');
    for (const o of OPTIONS.filter((s) => s.group === group)) out.push('.TP', tag(o), roffText(optionHelp(o).join(' ')));
  }
  out.push('.SH VALUES', ...VALUES_TEXT.map(roffText));
  out.push('.SH KEYS', 'On a terminal the live view reads these keys:');
  for (const b of KEY_BINDINGS) out.push('.TP', `\\fB${roffText(b.label)}\\fR`, roffText(b.description));
  out.push('.SH EXIT STATUS');
  for (const [code, meaning] of EXIT_MEANINGS) out.push('.TP', `\\fB${code}\\fR`, roffText(meaning));
  out.push('.SH FILES', '.TP', '\\fIFILE\\fB.part\\fR', 'the bytes of FILE while it downloads', '.TP', '\\fIFILE\\fB.ferry\\fR');
  out.push('the state of the download (what is on disk), for resuming; removed when FILE is complete');
  out.push('.SH EXAMPLES');
  for (const e of EXAMPLES) out.push('.PP', '.nf', roffText(e), '.fi');
  out.push('.SH SEE ALSO', '\\fBcurl\\fR(1), \\fBwget\\fR(1), \\fBaria2c\\fR(1)');
  return `${out.join('\n')}\n`;
}
