/**
 * The HTTP(S) Source: probe with `Range: bytes=0-`, read exact byte ranges with `If-Range`, and
 * check every response strictly so that no byte of a wrong response ever reaches the file.
 */

import { parseContentDisposition } from '../../core/content-disposition.js';
import { FerryError } from '../../core/errors.js';
import { acceptsByteRanges, isEncodedBody, isWeakEtag, parseContentLength, parseContentRange } from '../../core/http-headers.js';
import type { ConnectionContext } from '../../core/proxy-route.js';
import { terminalSafe } from '../../core/terminal-text.js';
import type { ByteStream, ProbeResult, Source, Validators } from '../../core/types.js';
import { createHttpClient, discardBody, type FinalResponse, type HttpSourceOptions, type HttpTransport } from './client.js';
import type { HttpCookies } from './cookies.js';
import { statusError } from './status-errors.js';
import { bodyStream, emptyStream } from './stream.js';

export type { HttpSourceOptions } from './client.js';

/** A response header as one string (repeated headers joined with ", ", which strict parsers reject). */
function header(r: FinalResponse, name: string): string | undefined {
  return r.res.headers[name];
}

/** The response's validators (and its Content-Length when the body is the file's bytes). */
function responseValidators(r: FinalResponse): Validators {
  const encoded = isEncodedBody(header(r, 'content-encoding'));
  return {
    etag: header(r, 'etag'),
    lastModified: header(r, 'last-modified'),
    size: encoded ? undefined : parseContentLength(header(r, 'content-length')),
  };
}

/** What differs between the expected validators and the response's, or undefined. Absent = unknown. */
function changedValidator(expected: Validators, got: Validators): string | undefined {
  if (expected.etag !== undefined && got.etag !== undefined && expected.etag !== got.etag) {
    return `ETag ${expected.etag} -> ${got.etag}`;
  }
  if (expected.lastModified !== undefined && got.lastModified !== undefined && expected.lastModified !== got.lastModified) {
    return `Last-Modified ${expected.lastModified} -> ${got.lastModified}`;
  }
  if (expected.size !== undefined && got.size !== undefined && expected.size !== got.size) {
    return `size ${expected.size} -> ${got.size}`;
  }
  return undefined;
}

function changedError(r: FinalResponse, what: string): FerryError {
  return new FerryError('CHANGED', `${r.host}: the file changed on the server (${terminalSafe(what)})`, {
    hint: 'the download restarts from the beginning',
  });
}

function badResponse(r: FinalResponse, what: string): FerryError {
  r.res.body.cancel();
  return new FerryError('BAD_RESPONSE', `${r.host}: ${terminalSafe(what)}`);
}

/**
 * Fail for a non-success status. The (small) error body is drained first so that a retry can
 * reuse the connection.
 */
async function failStatus(r: FinalResponse): Promise<never> {
  await discardBody(r.res);
  throw statusError(r.res.statusCode, r.res.statusText, r.host, header(r, 'retry-after'), Date.now());
}

/** Interpret the answer to `GET` with `Range: bytes=FROM-`. */
async function probeResult(r: FinalResponse, from: number, to: number | undefined, signal: AbortSignal): Promise<ProbeResult> {
  const info = {
    url: r.url,
    etag: header(r, 'etag'),
    lastModified: header(r, 'last-modified'),
    filename: parseContentDisposition(header(r, 'content-disposition')),
  };
  const status = r.res.statusCode;
  const contentRange = header(r, 'content-range');
  const stream = (expected: number | undefined): ByteStream => bodyStream(r.res.body, { expected, host: r.host, signal });
  if (status === 206) {
    const cr = parseContentRange(contentRange);
    if (cr !== undefined && !('unsatisfied' in cr) && cr.size === undefined && (cr.start === from || cr.start === 0)) {
      // `bytes a-b/*`: the server does not know the complete length, so the file cannot be split
      // or resumed. Report no usable size; the download fetches the whole file with a plain GET.
      await discardBody(r.res);
      return { ...info, size: undefined, acceptsRanges: false };
    }
    if (cr === undefined || 'unsatisfied' in cr || (cr.start !== from && cr.start !== 0) || cr.size === undefined || (to !== undefined && cr.end > to)) {
      throw badResponse(r, `unexpected Content-Range "${contentRange ?? ''}" for bytes=${from}-`);
    }
    if (isEncodedBody(header(r, 'content-encoding'))) {
      throw badResponse(r, `range response with Content-Encoding ${header(r, 'content-encoding')}`);
    }
    const length = parseContentLength(header(r, 'content-length'));
    if (length !== undefined && length !== cr.end - cr.start) {
      throw badResponse(r, `Content-Length ${length} does not match Content-Range ${contentRange}`);
    }
    // The body covers [cr.start, cr.end): the rest of the file, unless the server chose to send less.
    return { ...info, size: cr.size, acceptsRanges: true, body: stream(cr.end - cr.start), bodyOffset: cr.start, bodyEnd: cr.end };
  }
  if (status === 200) {
    const size = responseValidators(r).size;
    return { ...info, size, acceptsRanges: acceptsByteRanges(header(r, 'accept-ranges')), body: stream(size) };
  }
  if (status === 416) {
    const cr = parseContentRange(contentRange);
    if (cr !== undefined && 'unsatisfied' in cr && (cr.size === 0 || from >= cr.size || from > 0)) {
      void discardBody(r.res);
      return { ...info, size: cr.size, acceptsRanges: true };
    }
    if (contentRange === undefined) {
      // A 416 that does not state the size (some servers answer `bytes=0-` on an empty file so):
      // nothing is known about ranges or the size; a plain GET tells.
      await discardBody(r.res);
      return { ...info, size: undefined, acceptsRanges: false };
    }
    throw badResponse(r, `416 to bytes=${from}- with Content-Range "${contentRange}"`);
  }
  return failStatus(r);
}

/** Check the answer to a range request for [start, end) and return its body. */
async function rangeBody(r: FinalResponse, start: number, end: number, validators: Validators, ifRangeSent: boolean, signal: AbortSignal): Promise<ByteStream> {
  const status = r.res.statusCode;
  const contentRange = header(r, 'content-range');
  if (status === 200) {
    // Never stream a 200 as a range: it starts at byte 0, not at `start`.
    const got = responseValidators(r);
    const changed = changedValidator(validators, got);
    r.res.body.cancel();
    if (changed !== undefined) throw changedError(r, changed);
    // If-Range failed without a validator that proves the file is the same: assume it changed.
    const same =
      (validators.etag !== undefined && got.etag === validators.etag) ||
      (validators.lastModified !== undefined && got.lastModified === validators.lastModified);
    if (ifRangeSent && !same) throw changedError(r, 'If-Range did not match');
    throw new FerryError('BAD_RESPONSE', `${r.host}: server ignored the range request (200 instead of 206)`, { status: 200 });
  }
  if (status === 416) {
    const cr = parseContentRange(contentRange);
    if (cr !== undefined && 'unsatisfied' in cr && validators.size !== undefined && cr.size !== validators.size) {
      void discardBody(r.res);
      throw changedError(r, `size ${validators.size} -> ${cr.size}`);
    }
  }
  if (status !== 206) return failStatus(r);

  const cr = parseContentRange(contentRange);
  const got = { ...responseValidators(r), size: cr !== undefined && !('unsatisfied' in cr) ? cr.size : undefined };
  const changed = changedValidator(validators, got);
  if (changed !== undefined) {
    r.res.body.cancel();
    throw changedError(r, changed);
  }
  const want = `bytes ${start}-${end - 1}/${validators.size ?? '*'}`;
  if (cr === undefined || 'unsatisfied' in cr || cr.start !== start || cr.end !== end) {
    throw badResponse(r, `Content-Range "${contentRange ?? ''}" does not match the request (${want})`);
  }
  if (validators.size !== undefined && cr.size === undefined) {
    throw badResponse(r, `Content-Range "${contentRange}" does not state the size (${want})`);
  }
  const encoding = header(r, 'content-encoding');
  if (isEncodedBody(encoding)) throw badResponse(r, `range response with Content-Encoding ${encoding}`);
  const length = parseContentLength(header(r, 'content-length'));
  if (length !== undefined && length !== end - start) {
    throw badResponse(r, `Content-Length ${length} does not match the requested ${end - start} bytes`);
  }
  return bodyStream(r.res.body, { expected: end - start, host: r.host, signal });
}

/** Check the answer to a plain GET (the no-ranges fallback) and return its body. */
async function wholeBody(r: FinalResponse, validators: Validators, signal: AbortSignal): Promise<ByteStream> {
  if (r.res.statusCode === 206) throw badResponse(r, '206 to a request without Range');
  if (r.res.statusCode !== 200) return failStatus(r);
  const got = responseValidators(r);
  const changed = changedValidator(validators, got);
  if (changed !== undefined) {
    r.res.body.cancel();
    throw changedError(r, changed);
  }
  return bodyStream(r.res.body, { expected: got.size, host: r.host, signal });
}

/**
 * Create the HTTP(S) source for `url`. One keep-alive pool serves every request, with at most
 * `options.connections` connections per origin and one request per connection at a time. The
 * URL reached after redirects (by `probe` or any `read`) is used by later requests. Streams hand
 * out views of pooled buffers: a consumer that calls `release(chunk)` once a chunk's bytes are
 * written lets the source reuse them. With a shared `transport`, connections outlive the source
 * and serve other sources of the same engine; with a shared `cookies` jar, so do cookies.
 */
export function createHttpSource(
  url: string,
  options: HttpSourceOptions,
  transport?: HttpTransport,
  cookies?: HttpCookies,
  context?: ConnectionContext,
): Source {
  const client = createHttpClient(options, url, transport, cookies, context);
  const state = { url };

  return {
    async probe(signal: AbortSignal, from = 0, to?: number): Promise<ProbeResult> {
      const r = await client.get(state.url, { range: `bytes=${from}-${to === undefined ? '' : to - 1}` }, signal);
      state.url = r.url;
      return probeResult(r, from, to, signal);
    },

    async read(range: { start: number; end?: number }, validators: Validators, signal: AbortSignal): Promise<ByteStream> {
      const { start, end } = range;
      if (!Number.isSafeInteger(start) || start < 0 || (end !== undefined && (!Number.isSafeInteger(end) || end < start))) {
        throw new FerryError('USAGE', `invalid byte range ${start}-${end ?? ''}`);
      }
      if (end === undefined) {
        if (start !== 0) throw new FerryError('USAGE', 'a read without an end must start at byte 0');
        const r = await client.get(state.url, {}, signal);
        state.url = r.url;
        return wholeBody(r, validators, signal);
      }
      if (end === start) return emptyStream();
      const extra: Record<string, string> = { range: `bytes=${start}-${end - 1}` };
      // If-Range needs a strong validator: a strong ETag, else the Last-Modified date.
      if (validators.etag !== undefined && !isWeakEtag(validators.etag)) extra['if-range'] = validators.etag;
      else if (validators.lastModified !== undefined) extra['if-range'] = validators.lastModified;
      const r = await client.get(state.url, extra, signal);
      state.url = r.url;
      return rangeBody(r, start, end, validators, extra['if-range'] !== undefined, signal);
    },

    warm: (connections: number) => client.warm(state.url, connections),
    close: () => client.close(),
  };
}
