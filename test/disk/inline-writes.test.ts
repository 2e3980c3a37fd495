import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataFile, openDataFile } from '../../src/disk/data-file.js';
import { INLINE_WINDOW, SLOW_INLINE_WRITE_MS } from '../../src/disk/write-policy.js';
import { randomBytesSeeded as seededBytes, sha256 } from '../helpers/http-server.js';
import { InlineMemoryHandle } from '../helpers/memory-handle.js';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ferry-inline-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('DataFile writes on the calling thread', () => {
  it('a file opened by openDataFile writes inline, byte-exact at the edges (0, 1 byte, piece ends), also after a reopen', async () => {
    const p = path.join(dir, 'f.part');
    const data = seededBytes(1024 * 1024 + 1, 7);
    const f = await openDataFile(p, { size: data.length, fresh: true });
    expect(f.writesInline).toBe(true);
    await f.write([data.subarray(0, 0)], 0);
    await f.write([data.subarray(0, 1)], 0);
    await f.write([data.subarray(1, 262_144), data.subarray(262_144, 524_288)], 1);
    await f.write([data.subarray(data.length - 1)], data.length - 1);
    await f.close();
    const g = await openDataFile(p, { size: data.length });
    expect(g.writesInline).toBe(true);
    await g.write([data.subarray(524_288, data.length - 1)], 524_288);
    await g.sync();
    await g.close();
    expect(sha256(await fs.readFile(p))).toBe(sha256(data));
  });

  it('continues short inline writes until every byte is written', async () => {
    const data = seededBytes(10_001, 3);
    const h = new InlineMemoryHandle(20_000, 7);
    const f = new DataFile(h, 'mem');
    await f.write([data.subarray(0, 5000), data.subarray(5000)], 100);
    expect(sha256(h.data.subarray(100, 10_101))).toBe(sha256(data));
    expect(h.inlineCalls).toBe(Math.ceil(10_001 / 7));
    expect(h.poolCalls).toBe(0);
  });

  it('an occasional slow write (the kernel pacing a fast writer) keeps writes inline', async () => {
    const h = new InlineMemoryHandle(64 * 100);
    const f = new DataFile(h, 'mem');
    for (let i = 0; i < 64; i++) {
      // One slow write in four: a quarter of the window, below the half that ends inline writes.
      h.inlineDelayMs = i % 4 === 0 ? SLOW_INLINE_WRITE_MS + 2 : 0;
      await f.write([seededBytes(100, i + 1)], i * 100);
    }
    expect(f.writesInline).toBe(true);
    expect({ inline: h.inlineCalls, pool: h.poolCalls }).toEqual({ inline: 64, pool: 0 });
  });

  it(`when half of the last ${INLINE_WINDOW} writes took longer than ${SLOW_INLINE_WRITE_MS} ms, later writes go to the thread pool, byte-exact`, async () => {
    const n = INLINE_WINDOW / 2 + 3;
    const h = new InlineMemoryHandle(100 * n);
    const f = new DataFile(h, 'mem');
    const parts: Uint8Array[] = [];
    h.inlineDelayMs = SLOW_INLINE_WRITE_MS + 2;
    for (let i = 0; i < n; i++) {
      if (i === INLINE_WINDOW / 2) expect(f.writesInline).toBe(false);
      parts.push(seededBytes(100, i + 1));
      await f.write([parts[i]], i * 100);
    }
    expect({ inline: h.inlineCalls, pool: h.poolCalls }).toEqual({ inline: INLINE_WINDOW / 2, pool: 3 });
    expect(sha256(h.data)).toBe(sha256(Buffer.concat(parts)));
  });

  it('inlineWrites false, or a handle without writevNow, writes through the thread pool', async () => {
    const off = new InlineMemoryHandle(10);
    const f = new DataFile(off, 'mem', { inlineWrites: false });
    expect(f.writesInline).toBe(false);
    await f.write([seededBytes(10, 1)], 0);
    expect({ inline: off.inlineCalls, pool: off.poolCalls }).toEqual({ inline: 0, pool: 1 });
    const p = path.join(dir, 'pool.part');
    const g = await openDataFile(p, { size: 10, fresh: true, inlineWrites: false });
    expect(g.writesInline).toBe(false);
    await g.write([seededBytes(10, 2)], 0);
    await g.close();
    expect(sha256(await fs.readFile(p))).toBe(sha256(seededBytes(10, 2)));
  });

  it('close() waits for writes still under way on the thread pool before the descriptor is closed', async () => {
    const log: string[] = [];
    class SlowPool extends InlineMemoryHandle {
      override async writev(buffers: readonly Uint8Array[], position: number): Promise<{ bytesWritten: number }> {
        log.push(`write ${position} start`);
        await new Promise((resolve) => setTimeout(resolve, 30 + position));
        log.push(`write ${position} end`);
        return super.writev(buffers, position);
      }
      override async close(): Promise<void> {
        log.push('close');
      }
    }
    const h = new SlowPool(20);
    const f = new DataFile(h, 'mem', { inlineWrites: false });
    const writes = [f.write([seededBytes(10, 1)], 0), f.write([seededBytes(10, 2)], 10)];
    await f.close();
    expect(log).toEqual(['write 0 start', 'write 10 start', 'write 0 end', 'write 10 end', 'close']);
    await Promise.all(writes);
    expect(sha256(h.data)).toBe(sha256(Buffer.concat([seededBytes(10, 1), seededBytes(10, 2)])));
  });

  it('an inline write error is the same one-line file-system error as a pooled one (disk full)', async () => {
    const h = new InlineMemoryHandle(10);
    h.inlineError = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const e = await new DataFile(h, '/d/f.part').write([seededBytes(3, 1)], 0).catch((err: unknown) => err);
    expect(e).toMatchObject({ code: 'FILE_SYSTEM', retryable: false });
    expect((e as Error).message).toContain('/d/f.part');
    expect((e as { hint?: string }).hint).toMatch(/disk is full/);
  });
});
