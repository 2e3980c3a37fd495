import { describe, expect, it } from 'vitest';
import { PieceMap } from '../../src/core/piece-map.js';
import type { ByteStream, Source } from '../../src/core/types.js';
import { newLane } from '../../src/engine/mirror-lanes.js';
import { newConnection } from '../../src/engine/transfer-connection.js';
import { readClaim } from '../../src/engine/transfer-read.js';

const KiB = 1024;

/** A response of `[start, end)` of `body` in 16 KiB chunks, counting the chunks taken from it. */
function rangeResponse(body: Buffer, start: number, end: number) {
  const r = {
    pulled: 0,
    cancelled: false,
    stream: {
      async *[Symbol.asyncIterator]() {
        for (let p = start; p < end && !r.cancelled; p += 16 * KiB) {
          r.pulled++;
          yield body.subarray(p, Math.min(end, p + 16 * KiB));
        }
      },
      cancel() {
        r.cancelled = true;
      },
    } as ByteStream,
  };
  return r;
}

describe('readClaim', () => {
  it('a split while the request is being made: the response is stopped at the new end, not read out and dropped', async () => {
    const size = 256 * KiB;
    const body = Buffer.alloc(size, 7);
    const map = new PieceMap(size);
    map.assign(1, { start: 0, end: size });
    const responses: ReturnType<typeof rangeResponse>[] = [];
    let asked: { start: number; end?: number } | undefined;
    const source = {
      probe: async () => {
        throw new Error('not used');
      },
      read: async (range: { start: number; end?: number }) => {
        asked = { ...range };
        // Another connection takes the second half while this request is on its way.
        await new Promise((r) => setTimeout(r, 1));
        map.assign(2, { start: size / 2, end: size }, 1);
        const res = rangeResponse(body, range.start, range.end ?? size);
        responses.push(res);
        return res.stream;
      },
      close: async () => {},
    } as unknown as Source;
    const lane = newLane({ index: 0, url: 'http://x/', source, host: 'h:1', validators: { size }, limit: 4 });
    const conn = newConnection(1, lane, 0);
    const written: Array<[number, number]> = [];
    await readClaim(conn, {
      map,
      writer: {
        write: async (bufs, pos) => {
          written.push([pos, bufs.reduce((n, b) => n + b.length, 0)]);
        },
      },
      now: () => 0,
      takeFirstStream: () => undefined,
      onFirstByte: () => {},
      onBytes: () => {},
    });
    expect(asked).toEqual({ start: 0, end: size });
    const res = responses[0];
    expect(res.cancelled).toBe(true);
    // The first half (8 chunks) and at most the one chunk that showed the claim was passed.
    expect(res.pulled).toBeLessThanOrEqual(size / 2 / (16 * KiB) + 1);
    expect(written.reduce((n, [, len]) => n + len, 0)).toBe(size / 2);
    expect(map.done.covers(0, size / 2)).toBe(true);
  });
});
