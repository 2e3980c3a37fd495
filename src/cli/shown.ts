/**
 * The one gate for text that did not come from ferry itself (names, paths, URLs, notes, server
 * messages, table cells) on its way to the terminal or to `--json`: passwords of URLs hidden
 * (`user:***@`), then made terminal-safe (no controls, no escape sequences, no reordering).
 * Pure.
 */
import { redactUrls } from '../core/redact.js';
import { terminalSafe } from '../core/terminal-text.js';

/** `text` as the command line shows it: URL passwords hidden, terminal-safe. */
export function shown(text: string): string {
  return terminalSafe(redactUrls(text));
}

/**
 * A JSON-ready copy of `value` with every string in it (at any depth) passed through `shown`:
 * `--json` events carry the same clean text as the terminal lines. Numbers, booleans and
 * structure are kept; `undefined` fields stay undefined (JSON.stringify drops them).
 */
export function shownDeep<T>(value: T): T {
  if (typeof value === 'string') return shown(value) as T;
  if (Array.isArray(value)) return value.map((v) => shownDeep(v)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = shownDeep(v);
    return out as T;
  }
  return value;
}
