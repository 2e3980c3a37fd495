/**
 * HTTP error statuses as FerryErrors with one-line messages that name the host and the status.
 * The reason phrase is server text: it passes `terminalSafe` (through `oneLine`) first.
 */
import { FerryError } from '../../core/errors.js';
import { parseRetryAfter } from '../../core/http-headers.js';
import { oneLine } from '../net/network-errors.js';

/** True for statuses worth retrying later: 408, 429 and every 5xx. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}

/**
 * An HTTP_STATUS error for a non-success status. Retryable statuses carry `retryAfterMs` from
 * the Retry-After header (evaluated against `nowMs`).
 */
export function statusError(status: number, statusText: string, host: string, retryAfter: string | undefined, nowMs: number): FerryError {
  const retryable = isRetryableStatus(status);
  const text = oneLine(statusText);
  const message = `${host}: HTTP ${status}${text === '' ? '' : ` ${text}`}`;
  let hint: string | undefined;
  if (status === 404 || status === 410) hint = 'check the URL';
  else if (status === 401 || status === 403) hint = 'the server refused access; check credentials and headers';
  else if (status === 429 || status === 503) hint = 'the server is busy or limits connections; try fewer connections';
  return new FerryError('HTTP_STATUS', message, {
    retryable,
    status,
    retryAfterMs: retryable ? parseRetryAfter(retryAfter, nowMs) : undefined,
    hint,
  });
}
