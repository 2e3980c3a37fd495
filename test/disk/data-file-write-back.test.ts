import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FerryError } from '../../src/core/errors.js';
import { DataFile, type DataFileHandle, openDataFile } from '../../src/disk/data-file.js';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ferry-write-back-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** One fdatasync call of the fake handle, finished by the test. */
interface PendingSync {
  resolve(): void;
  reject(e: unknown): void;
}

/** An in-memory handle whose fdatasyncs stay pending until the test ends them; it logs every call. */
class ManualSyncHandle implements DataFileHandle {
  readonly log: string[] = [];
  readonly syncs: PendingSync[] = [];
  async writev(buffers: readonly Uint8Array[], _position: number): Promise<{ bytesWritten: number }> {
    const n = buffers.reduce((s, b) => s + b.byteLength, 0);
    this.log.push(`write ${n}`);
    return { bytesWritten: n };
  }
  datasync(): Promise<void> {
    this.log.push(`sync ${this.syncs.length}`);
    return new Promise<void>((resolve, reject) => this.syncs.push({ resolve, reject }));
  }
  async truncate(): Promise<void> {}
  async close(): Promise<void> {
    this.log.push('close');
  }
}

/** Let pending promise callbacks run. */
const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('DataFile write-back', () => {
  it('starts no fdatasync of its own when write-back is off', async () => {
    const h = new ManualSyncHandle();
    const f = new DataFile(h, '/x.part');
    for (let i = 0; i < 10; i++) await f.write([new Uint8Array(1000)], i * 1000);
    await settle();
    expect(h.syncs.length).toBe(0);
    expect(f.writeBacks).toBe(0);
  });

  it('starts one background fdatasync per threshold, never two at once, and writes never wait for it', async () => {
    const h = new ManualSyncHandle();
    const f = new DataFile(h, '/x.part', { writeBackBytes: 1000 });
    await f.write([new Uint8Array(400)], 0);
    await f.write([new Uint8Array(400)], 400);
    expect(h.syncs.length).toBe(0);
    await f.write([new Uint8Array(400)], 800); // 1200 >= 1000: a sync starts
    expect(h.syncs.length).toBe(1);
    // Writes go on while it runs (they resolve although the sync is pending), none starts another.
    for (let i = 0; i < 5; i++) await f.write([new Uint8Array(400)], 1200 + i * 400);
    expect(h.syncs.length).toBe(1);
    // It ends with 2000 bytes written since it began: the next starts at once.
    h.syncs[0].resolve();
    await settle();
    expect(h.syncs.length).toBe(2);
    h.syncs[1].resolve();
    await settle();
    // Nothing written since: no third.
    expect(h.syncs.length).toBe(2);
    expect(f.writeBacks).toBe(2);
  });

  it('with the bytes still to write given, the step shrinks near their end (a quarter of what is left, at least 1 MiB)', async () => {
    const MiB = 1024 * 1024;
    const h = new ManualSyncHandle();
    const f = new DataFile(h, '/x.part', { writeBackBytes: 16 * MiB, bytesToWrite: 20 * MiB });
    const plain = new DataFile(new ManualSyncHandle(), '/y.part', { writeBackBytes: 16 * MiB });
    await f.write([new Uint8Array(2 * MiB)], 0); // 18 MiB left: step 4.5 MiB, 2 written
    expect(h.syncs.length).toBe(0);
    await f.write([new Uint8Array(3 * MiB)], 2 * MiB); // 15 MiB left: step 3.75 MiB, 5 written
    expect(h.syncs.length).toBe(1);
    h.syncs[0].resolve();
    await settle();
    await f.write([new Uint8Array(14 * MiB)], 5 * MiB); // nothing left: step 1 MiB
    expect(h.syncs.length).toBe(2);
    // The same writes without the count: one 16 MiB step.
    await plain.write([new Uint8Array(5 * MiB)], 0);
    expect(plain.writeBacks).toBe(0);
    expect(f.writeBacks).toBe(2);
  });

  it('a sync() waits for the background fdatasync under way, then runs its own', async () => {
    const h = new ManualSyncHandle();
    const f = new DataFile(h, '/x.part', { writeBackBytes: 100 });
    await f.write([new Uint8Array(100)], 0);
    expect(h.syncs.length).toBe(1);
    await f.write([new Uint8Array(50)], 100); // written after the background sync began
    let synced = false;
    const done = f.sync().then(() => {
      synced = true;
    });
    await settle();
    expect(h.syncs.length).toBe(1); // not overlapping the background one
    h.syncs[0].resolve();
    await settle();
    expect(h.syncs.length).toBe(2); // its own, covering the 50 bytes
    expect(synced).toBe(false);
    h.syncs[1].resolve();
    await done;
    expect(synced).toBe(true);
  });

  it('a failed background fdatasync fails every later sync(), even when the next fdatasync would succeed', async () => {
    const h = new ManualSyncHandle();
    const f = new DataFile(h, '/dl/x.part', { writeBackBytes: 100 });
    await f.write([new Uint8Array(100)], 0);
    h.syncs[0].reject(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    await settle();
    // More writes: no further background sync after a failure.
    await f.write([new Uint8Array(500)], 100);
    expect(h.syncs.length).toBe(1);
    const e = await f.sync().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(FerryError);
    expect((e as FerryError).code).toBe('FILE_SYSTEM');
    expect((e as FerryError).message).toContain('cannot sync /dl/x.part');
    expect((e as FerryError).hint).toContain('I/O error');
    // Not asked again: the kernel would report the lost pages only once.
    expect(h.syncs.length).toBe(1);
    await expect(f.sync()).rejects.toThrow(/cannot sync/);
  });

  it('a failed sync() also fails the next one', async () => {
    const h = new ManualSyncHandle();
    const f = new DataFile(h, '/x.part');
    await f.write([new Uint8Array(10)], 0);
    const first = f.sync();
    await settle();
    h.syncs[0].reject(Object.assign(new Error('EIO'), { code: 'EIO' }));
    await expect(first).rejects.toThrow(/cannot sync/);
    await expect(f.sync()).rejects.toThrow(/cannot sync/);
    expect(h.syncs.length).toBe(1);
  });

  it('close() waits for a background fdatasync under way before closing the descriptor', async () => {
    const h = new ManualSyncHandle();
    const f = new DataFile(h, '/x.part', { writeBackBytes: 10 });
    await f.write([new Uint8Array(10)], 0);
    const closing = f.close();
    await settle();
    expect(h.log).not.toContain('close');
    h.syncs[0].resolve();
    await closing;
    expect(h.log.at(-1)).toBe('close');
    expect(h.log.indexOf('sync 0')).toBeLessThan(h.log.indexOf('close'));
  });

  it('writes a real file exactly with write-back on, at 0, 1 and threshold-boundary sizes', async () => {
    for (const size of [0, 1, 4095, 4096, 4097, 3 * 4096 + 1]) {
      const data = randomBytes(size);
      const p = path.join(dir, `f${size}.part`);
      const f = await openDataFile(p, { size, fresh: true, writeBackBytes: 4096 });
      // Out of order, in pieces of 1000 bytes (and one short tail), as connections would.
      const offsets: number[] = [];
      for (let at = 0; at < size; at += 1000) offsets.push(at);
      for (const at of offsets.reverse()) await f.write([data.subarray(at, Math.min(size, at + 1000))], at);
      await f.sync();
      await f.close();
      if (size >= 4096) expect(f.writeBacks).toBeGreaterThan(0);
      else expect(f.writeBacks).toBe(0);
      expect(sha256(await fs.readFile(p))).toBe(sha256(data));
    }
  });
});
