/**
 * Against a real loopback server: the probe's response stalls, the other connections take over its
 * range, and the stalled response is closed at the takeover instead of holding its socket (and
 * the download) until the read timeout.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { download } from '../../src/index.js';
import { useEngineFixture } from '../helpers/engine-fixture.js';
import { randomBytesSeeded, sha256 } from '../helpers/http-server.js';
import { waitFor } from '../helpers/wait-for.js';

const KiB = 1024;
const fx = useEngineFixture('ferry-takeover-');

describe('takeover of a stalled probe connection', () => {
  it('the stalled probe response is closed at the takeover: the download ends long before the read timeout', async () => {
    const body = randomBytesSeeded(3 * 448 * KiB, 'stall');
    fx.server.setFile('/f', { body, etag: '"s"' });
    // Only the probe's response stalls; the two range requests run at 64 KiB/s for several seconds,
    // so that one of them still moves when the probe's connection has been silent for more than the
    // 5 s stall limit and the other asks for work.
    fx.server.setFaults({ stallAfterBytes: 32 * KiB, throttleBytesPerSec: 64 * KiB });
    const started = Date.now();
    const h = download(fx.server.url('/f'), { dir: fx.dir, connections: 3, minSplitSize: 16 * KiB, timeoutMs: 25_000, retryWaitMs: 10 });
    await waitFor(() => fx.server.stats.requests >= 1, { everyMs: 2 });
    fx.server.setFaults({ stallAfterBytes: undefined });
    const r = await h.done;
    const elapsed = Date.now() - started;
    expect(r.status).toBe('complete');
    expect(sha256(await readFile(path.join(fx.dir, 'f')))).toBe(sha256(body));
    expect(elapsed).toBeLessThan(18_000);
  }, 40_000);
});
