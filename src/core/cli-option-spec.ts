/**
 * The shape of one command-line option (names, value, help section and text, default, how it is
 * stored) and the value checks the option tables share. Pure.
 */

import type { ParsedArgs } from './cli-args.js';
import { FerryError } from './errors.js';
import { readHeader } from './input-file-values.js';
/** A section of `--help` and of the man page. */
export type Group = 'Input' | 'Queue' | 'Output' | 'Connections' | 'Retries and timeouts' | 'HTTP and TLS' | 'FTP' | 'Proxy' | 'Display';

/** The sections in the order `--help` and the man page show them. */
export const GROUPS: readonly Group[] = ['Input', 'Queue', 'Output', 'Connections', 'Retries and timeouts', 'HTTP and TLS', 'FTP', 'Proxy', 'Display'];

/** The shells `--completion` writes a script for. */
export const COMPLETION_SHELLS = ['bash', 'zsh', 'fish'] as const;
export type CompletionShell = (typeof COMPLETION_SHELLS)[number];

/** One option: the single source of its parsing, its help line, its completion and its man page entry. */
export interface OptionSpec {
  /** Short names first (if any), then long names; the first long name is the canonical one. */
  names: readonly string[];
  /** Placeholder shown in help; absent for a flag that takes no value. FILE and DIR complete as paths. */
  value?: string;
  /** A flag that may also take a value after `=` (`--flag` or `--flag=VALUE`, never a separate word). */
  optionalValue?: string;
  /** The only values accepted, offered by completion. */
  choices?: readonly string[];
  group: Group;
  /** One or more lines of help (split on `\n`), without the default. */
  help: string;
  /** The default as help shows it (`(default: ...)`); absent when there is none worth saying. */
  default?: string;
  /** Store the option; `flag` is the spelling the user typed, for messages. */
  apply(args: ParsedArgs, value: string, flag: string): void;
}

export const usage = (message: string): FerryError => new FerryError('USAGE', message);

/** A user's value for a one-line message: control characters escaped, long values cut. */
export function esc(value: string): string {
  // \p{Cc}: C0 controls, DEL and C1 controls.
  const escaped = value.replace(/[\p{Cc}\u2028\u2029]/gu, (c) =>
    c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return escaped.length > 80 ? `${escaped.slice(0, 77)}...` : escaped;
}

/** A user's value, quoted and escaped for a message. */
export const q = (value: string): string => `'${esc(value)}'`;

/** True when `value` holds a control character that may not appear in a header value (tab is allowed). */
export function hasBadFieldChar(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) return true;
  }
  return false;
}

export function header(args: ParsedArgs, value: string, flag: string): void {
  const [name, headerValue] = readHeader(flag, value);
  const headers = { ...args.options.headers };
  // Header names are case-insensitive: a repeated name replaces the earlier one.
  for (const k of Object.keys(headers)) if (k.toLowerCase() === name.toLowerCase()) delete headers[k];
  headers[name] = headerValue;
  args.options.headers = headers;
}

export function text(flag: string, value: string, what: string): string {
  if (value === '' || /[\r\n\0]/.test(value)) throw usage(`${flag} needs ${what}, got ${q(value)}`);
  return value;
}

/** A secret value: checked like `text`, but never echoed in the message. */
export function secretText(flag: string, value: string, what: string): string {
  if (/[\r\n\0]/.test(value)) throw usage(`${flag} needs ${what} without line breaks or NUL characters`);
  return value;
}

/** `--user USER:PASS` (curl and wget spelling): the user up to the first `:`, the password after it. */
export function userAndPassword(args: ParsedArgs, value: string, flag: string): void {
  const colon = value.indexOf(':');
  const user = colon < 0 ? value : value.slice(0, colon);
  if (user === '') throw usage(`${flag} needs USER:PASSWORD with a user name before the ':'`);
  args.options.httpUser = secretText(flag, user, 'a user name');
  if (colon >= 0) args.options.httpPassword = secretText(flag, value.slice(colon + 1), 'a password');
}
