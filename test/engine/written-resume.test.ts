import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ByteRange } from '../../src/core/types.js';
import { type ControlState, decodeControl, encodeControl } from '../../src/disk/control-file.js';
import { download } from '../../src/index.js';
import { randomBytesSeeded, sha256, startTestServer, type TestServer } from '../helpers/http-server.js';

const KiB = 1024;
const fast = { minSplitSize: 16 * KiB, retryWaitMs: 10, checkpointIntervalMs: 50, connections: 4 };
const BOOT_A = '11111111-2222-4333-8444-555555555555';
const BOOT_B = '99999999-8888-4777-8666-555555555555';
const ETAG = '"w1"';

let dir: string;
let server: TestServer;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ferry-written-'));
  server = await startTestServer();
});
afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

/** A boot id file holding `id`. */
async function bootFile(id: string): Promise<string> {
  const file = path.join(dir, `boot-${id.slice(0, 4)}`);
  await writeFile(file, `${id}\n`);
  return file;
}

/**
 * Leave what a killed run leaves: `f.part` holding the source's bytes in `good` (zeros elsewhere)
 * and `f.ferry` with `extra` keys.
 */
async function leave(body: Buffer, good: ByteRange[], control: Partial<ControlState>): Promise<void> {
  const part = Buffer.alloc(body.length);
  for (const r of good) body.copy(part, r.start, r.start, r.end);
  await writeFile(path.join(dir, 'f.part'), part);
  const state: ControlState = { version: 1, url: server.url('/f'), size: body.length, etag: ETAG, done: [], ...control };
  await writeFile(path.join(dir, 'f.ferry'), encodeControl(state));
}

const range = (start: number, end: number): ByteRange => ({ start, end });

/** The byte ranges the server was asked for (every request was a range request). */
function requested(size: number): ByteRange[] {
  return server.stats.rangesRequested.map((h) => {
    const m = /^bytes=(\d+)-(\d*)$/.exec(h) as RegExpExecArray;
    return range(Number(m[1]), m[2] === '' ? size : Number(m[2]) + 1);
  });
}

/** True when no request asked for a byte of `have`. */
function askedNoneOf(have: ByteRange[], size: number): boolean {
  return requested(size).every((q) => have.every((h) => q.end <= h.start || q.start >= h.end));
}

describe('resume: bytes written but not synced by a killed run', () => {
  const size = 1024 * KiB;

  it('the same boot trusts them: only the rest is fetched, byte-exact', async () => {
    const body = randomBytesSeeded(size, 71);
    server.setFile('/f', { body, etag: ETAG });
    await leave(body, [range(0, 600 * KiB)], { done: [range(0, 200 * KiB)], boot: BOOT_A, written: [range(200 * KiB, 600 * KiB)] });
    const r = await download(server.url('/f'), { dir, ...fast }, { bootIdFile: await bootFile(BOOT_A) }).done;
    expect(r.status).toBe('complete');
    expect(r.resumedBytes).toBe(600 * KiB);
    expect(askedNoneOf([range(0, 600 * KiB)], size)).toBe(true);
    expect(sha256(await readFile(path.join(dir, 'f')))).toBe(sha256(body));
  });

  it('another boot (a reboot since) trusts only the synced bytes: the lost ones are fetched again', async () => {
    const body = randomBytesSeeded(size, 72);
    server.setFile('/f', { body, etag: ETAG });
    // The written range lost with the page cache: zeros in the `.part`.
    await leave(body, [range(0, 200 * KiB)], { done: [range(0, 200 * KiB)], boot: BOOT_A, written: [range(200 * KiB, 600 * KiB)] });
    const h = download(server.url('/f'), { dir, ...fast }, { bootIdFile: await bootFile(BOOT_B) });
    const notes: string[] = [];
    h.on('note', (n) => notes.push(n));
    const r = await h.done;
    expect(r.resumedBytes).toBe(200 * KiB);
    expect(notes).toContain('the machine restarted since the last run: 400.0 KiB written but not yet synced are fetched again');
    expect(askedNoneOf([range(0, 200 * KiB)], size)).toBe(true);
    expect(requested(size)[0].start).toBe(200 * KiB);
    expect(sha256(await readFile(path.join(dir, 'f')))).toBe(sha256(body));
  });

  it('a system without a boot id never trusts them', async () => {
    const body = randomBytesSeeded(size, 73);
    server.setFile('/f', { body, etag: ETAG });
    await leave(body, [range(0, 100 * KiB)], { done: [range(0, 100 * KiB)], boot: BOOT_A, written: [range(100 * KiB, 900 * KiB)] });
    const h = download(server.url('/f'), { dir, ...fast }, { bootIdFile: path.join(dir, 'no-such-boot-id') });
    const notes: string[] = [];
    h.on('note', (n) => notes.push(n));
    const r = await h.done;
    expect(r.resumedBytes).toBe(100 * KiB);
    expect(notes.join('\n')).toMatch(/no boot id.*800\.0 KiB written but not yet synced are fetched again/);
    expect(sha256(await readFile(path.join(dir, 'f')))).toBe(sha256(body));
  });

  it('a control file of the old form (no written ranges, no boot id) still resumes', async () => {
    const body = randomBytesSeeded(size, 74);
    server.setFile('/f', { body, etag: ETAG });
    await leave(body, [range(0, 300 * KiB), range(700 * KiB, 800 * KiB)], { done: [range(0, 300 * KiB), range(700 * KiB, 800 * KiB)] });
    const r = await download(server.url('/f'), { dir, ...fast }, { bootIdFile: await bootFile(BOOT_A) }).done;
    expect(r.resumedBytes).toBe(400 * KiB);
    expect(askedNoneOf([range(0, 300 * KiB), range(700 * KiB, 800 * KiB)], size)).toBe(true);
    expect(sha256(await readFile(path.join(dir, 'f')))).toBe(sha256(body));
  });

  it('1-byte edges: a written range of one byte at the end, on the same boot', async () => {
    const body = randomBytesSeeded(64 * KiB + 1, 75);
    server.setFile('/f', { body, etag: ETAG });
    const n = body.length;
    await leave(body, [range(0, 1), range(n - 1, n)], { done: [range(0, 1)], boot: BOOT_A, written: [range(n - 1, n)] });
    const r = await download(server.url('/f'), { dir, ...fast }, { bootIdFile: await bootFile(BOOT_A) }).done;
    expect(r.resumedBytes).toBe(2);
    expect(askedNoneOf([range(0, 1), range(n - 1, n)], n)).toBe(true);
    expect(sha256(await readFile(path.join(dir, 'f')))).toBe(sha256(body));
  });
});

describe('checkpoints while running', () => {
  /** Read the control file and the `.part` every few ms until `done` settles; check every claim. */
  async function watch(body: Buffer, stop: Promise<unknown>, boot: string): Promise<{ withWritten: number; reads: number }> {
    let finished = false;
    void stop.then(() => (finished = true));
    let withWritten = 0;
    let reads = 0;
    while (!finished) {
      await new Promise((r) => setTimeout(r, 7));
      let state: ControlState;
      let part: Buffer;
      try {
        // The control file first: every byte it names was written before it was saved.
        state = decodeControl(await readFile(path.join(dir, 'f.ferry'), 'utf8'), 'f.ferry');
        const fh = await open(path.join(dir, 'f.part'), 'r');
        try {
          part = await fh.readFile();
        } finally {
          await fh.close();
        }
      } catch {
        continue; // not there yet, or already renamed into place
      }
      reads++;
      if (state.written !== undefined) {
        withWritten++;
        expect(state.boot).toBe(boot);
      }
      for (const r of [...state.done, ...(state.written ?? [])]) {
        expect(sha256(part.subarray(r.start, r.end))).toBe(sha256(body.subarray(r.start, r.end)));
      }
    }
    return { withWritten, reads };
  }

  it('the control file lists written ranges with this boot id, and never names a byte that is not in the .part', async () => {
    const body = randomBytesSeeded(2048 * KiB, 76);
    server.setFile('/f', { body, etag: ETAG });
    server.setFaults({ throttleBytesPerSec: 256 * KiB });
    const h = download(server.url('/f'), { dir, ...fast, checkpointIntervalMs: 1000 }, { bootIdFile: await bootFile(BOOT_A) });
    const seen = await watch(body, h.done, BOOT_A);
    expect((await h.done).status).toBe('complete');
    expect(seen.reads).toBeGreaterThan(20);
    expect(seen.withWritten).toBeGreaterThan(5);
    expect(sha256(await readFile(path.join(dir, 'f')))).toBe(sha256(body));
  });

  it('a stop saves a durable checkpoint: everything in done, nothing left in written', async () => {
    const body = randomBytesSeeded(2048 * KiB, 77);
    server.setFile('/f', { body, etag: ETAG });
    server.setFaults({ throttleBytesPerSec: 256 * KiB });
    const h = download(server.url('/f'), { dir, ...fast, checkpointIntervalMs: 5000 }, { bootIdFile: await bootFile(BOOT_A) });
    await new Promise((r) => setTimeout(r, 700));
    const r = await h.stop();
    const state = decodeControl(await readFile(path.join(dir, 'f.ferry'), 'utf8'), 'f.ferry');
    expect(state.written).toBeUndefined();
    expect(state.done.reduce((n, x) => n + x.end - x.start, 0)).toBe(r?.totalBytes);
  });

  it('without fsync, done itself is saved often (no written ranges)', async () => {
    const body = randomBytesSeeded(2048 * KiB, 78);
    server.setFile('/f', { body, etag: ETAG });
    server.setFaults({ throttleBytesPerSec: 256 * KiB });
    const h = download(server.url('/f'), { dir, ...fast, fsync: false, checkpointIntervalMs: 60_000 }, { bootIdFile: await bootFile(BOOT_A) });
    await new Promise((r) => setTimeout(r, 900));
    const state = decodeControl(await readFile(path.join(dir, 'f.ferry'), 'utf8'), 'f.ferry');
    await h.stop();
    expect(state.written).toBeUndefined();
    // Far more than one checkpoint's worth of nothing: the 60 s durable interval never ran.
    expect(state.done.reduce((n, x) => n + x.end - x.start, 0)).toBeGreaterThan(64 * KiB);
  });
});
