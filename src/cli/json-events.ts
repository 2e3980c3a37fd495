/**
 * `--json`: one event schema for a single download and a queue (docs/json-events.schema.json).
 * Every event has `event`, `id`, `url` and `path` (null until the output file is known); every
 * string passes `shownDeep` (terminal-safe, URL passwords hidden). Pure: returns the line to write.
 */
import { shownDeep } from './shown.js';

/** The download an event is about. */
export interface EventSubject {
  id: string;
  url: string;
  path?: string;
}

/** Every event name of the schema. */
export type JsonEventName = 'start' | 'progress' | 'note' | 'retry' | 'pause' | 'resume' | 'complete' | 'error' | 'result';

/** What a `result` event says of how a download ended (a queue's unfinished downloads are `stopped`). */
export type ResultStatus = 'complete' | 'already-complete' | 'stopped' | 'cancelled' | 'failed';

/** One event as a JSON line (ending with a newline). `data` cannot override the subject's fields. */
export function jsonEventLine(event: JsonEventName, subject: EventSubject, data: object = {}): string {
  const { id: _id, url: _url, path: _path, ...rest } = data as Record<string, unknown>;
  const body = { event, id: subject.id, url: subject.url, path: subject.path ?? null, ...rest };
  return `${JSON.stringify(shownDeep(body))}\n`;
}

/** A queue state as a `result` status. */
export function resultStatus(state: string): ResultStatus {
  if (state === 'complete') return 'complete';
  if (state === 'error') return 'failed';
  if (state === 'cancelled') return 'cancelled';
  return 'stopped';
}
