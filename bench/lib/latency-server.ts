/**
 * The server of the `latency` and `files-500-latency` scenarios: the project's loopback test
 * server (test/helpers/http-server.ts, faults `throttleBytesPerSec` + `firstByteDelayMs`) when it
 * is there, else the small paced server of the benchmark. Both delay and cap each response
 * separately.
 */
import { access } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { startPacedServer } from './paced-server.js';
import type { LatencyServerChoice } from './types.js';

export interface LatencyServer {
  /** Which implementation is serving (recorded in the results). */
  label: string;
  /** URL of a file, with a `run` tag in the query when given (ignored by both servers). */
  url(path: string, tag?: string): string;
  /** Body bytes sent so far (for information; the resume scenario uses nginx). */
  bytesSent(): number;
  close(): Promise<void>;
}

export interface LatencyServerOptions {
  choice: LatencyServerChoice;
  /** Bodies by path (`/f`). */
  files: Record<string, Buffer>;
  /** Per-response cap, bytes/s; 0 = none. */
  rateBytesPerSec: number;
  firstByteDelayMs: number;
}

const HELPER = new URL('../../test/helpers/http-server.ts', import.meta.url);
const ETAG = '"ferry-bench-1"';
const LAST_MODIFIED = new Date(Date.UTC(2024, 0, 1)).toUTCString();

/** Shape of the part of the test server the benchmark uses; checked at run time. */
interface HelperModule {
  startTestServer(opts: {
    files: Record<string, { body: Buffer; etag?: string; lastModified?: string }>;
    faults: { throttleBytesPerSec?: number; firstByteDelayMs?: number };
  }): Promise<{ url(path: string): string; close(): Promise<void>; stats?: { bodyBytesSent?: number } }>;
}

async function loadHelper(): Promise<HelperModule | undefined> {
  if (
    !(await access(fileURLToPath(HELPER)).then(
      () => true,
      () => false,
    ))
  )
    return undefined;
  const mod = (await import(HELPER.href)) as Partial<HelperModule>;
  return typeof mod.startTestServer === 'function' ? (mod as HelperModule) : undefined;
}

const tagged = (url: string, tag: string | undefined): string => (tag === undefined ? url : `${url}?run=${encodeURIComponent(tag)}`);

/** Start the chosen server on 127.0.0.1; `helper` fails if the test server cannot be loaded. */
export async function startLatencyServer(o: LatencyServerOptions): Promise<LatencyServer> {
  const helper = o.choice === 'own' ? undefined : await loadHelper();
  if (o.choice === 'helper' && helper === undefined) throw new Error('test/helpers/http-server.ts is not available');
  if (helper !== undefined) {
    const files = Object.fromEntries(Object.entries(o.files).map(([p, body]) => [p, { body, etag: ETAG, lastModified: LAST_MODIFIED }]));
    const s = await helper.startTestServer({
      files,
      faults: { throttleBytesPerSec: o.rateBytesPerSec > 0 ? o.rateBytesPerSec : undefined, firstByteDelayMs: o.firstByteDelayMs },
    });
    return {
      label: 'test/helpers/http-server.ts',
      url: (path, tag) => tagged(s.url(path), tag),
      bytesSent: () => s.stats?.bodyBytesSent ?? Number.NaN,
      close: () => s.close(),
    };
  }
  const s = await startPacedServer({ files: o.files, rateBytesPerSec: o.rateBytesPerSec, firstByteDelayMs: o.firstByteDelayMs });
  return { label: 'bench/lib/paced-server.ts', url: (path, tag) => tagged(s.url(path), tag), bytesSent: s.bytesSent, close: s.close };
}
