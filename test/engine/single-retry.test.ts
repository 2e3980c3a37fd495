/**
 * One connection (no ranges, or no length): a retry keeps the probe's validators, so a retry that
 * meets another file starts over from zero (with a note) and never saves a mix of two versions.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { download } from '../../src/index.js';
import { useCleanups } from '../helpers/cleanups.js';
import { startFtpServer, type TestFtpServer } from '../helpers/ftp-server.js';
import { randomBytesSeeded, sha256, startTestServer, type TestServer } from '../helpers/http-server.js';
import { waitFor } from '../helpers/wait-for.js';

const KiB = 1024;
/** How long (and how often) this file's waits look. */
const patience = { everyMs: 2 };
const MTIME = new Date(Date.UTC(2023, 4, 6, 7, 8, 9));
const fast = { minSplitSize: 16 * KiB, retryWaitMs: 10, checkpointIntervalMs: 50 };

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ferry-single-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});
// Registered after the hook above, so it runs before it: the servers close before the dir goes.
const defer = useCleanups();

async function http(): Promise<TestServer> {
  const s = await startTestServer();
  defer(() => s.close());
  return s;
}

async function ftp(files: TestFtpServer['files'], rest = false): Promise<TestFtpServer> {
  const s = await startFtpServer({ files, switches: { rest } });
  defer(() => s.close());
  return s;
}

const hashOf = async (name: string): Promise<string> => sha256(await readFile(path.join(dir, name)));

describe('single connection: a retry keeps the validators', () => {
  it.each([
    ['larger', 150 * KiB],
    ['smaller', 60 * KiB],
    ['same size', 100 * KiB],
  ])('HTTP without ranges: a retry that meets a %s file starts over from zero; the file is the new one, whole', async (_what, newSize) => {
    const server = await http();
    const a = randomBytesSeeded(100 * KiB, 'a');
    const b = randomBytesSeeded(newSize, 'b');
    server.setFile('/f', { body: a, etag: '"a"' });
    // The first response stalls (and times out); the file changes before the retry.
    server.setFaults({ ranges: false, stallAfterBytes: 30 * KiB });
    const h = download(server.url('/f'), { dir, connections: 4, timeoutMs: 400, ...fast });
    const notes: string[] = [];
    h.on('note', (n) => notes.push(n));
    await waitFor(() => server.stats.requests >= 1, patience);
    server.setFaults({ stallAfterBytes: undefined });
    server.setFile('/f', { body: b, etag: '"b"' });
    const r = await h.done;
    expect(r.status).toBe('complete');
    expect(notes.join('\n')).toMatch(/changed on the server.*starting over from zero/);
    expect(await hashOf('f')).toBe(sha256(b));
    expect((await readdir(dir)).sort()).toEqual(['f']);
  });

  it.each([
    ['larger', 150 * KiB],
    ['smaller', 60 * KiB],
  ])('FTP without REST: a retry that meets a %s file (same MDTM) starts over from zero; never a cut file', async (_what, newSize) => {
    const a = randomBytesSeeded(100 * KiB, 'fa');
    const b = randomBytesSeeded(newSize, 'fb');
    const server = await ftp({ '/f.bin': { body: a, mtime: MTIME } });
    server.switches.dataBytesPerSec = 200 * KiB;
    const h = download(server.url('/f.bin'), { dir, connections: 4, timeoutMs: 5000, connectTimeoutMs: 5000, ...fast });
    const notes: string[] = [];
    h.on('note', (n) => notes.push(n));
    // Cut the first transfer part way; the file has grown (or shrunk) under the same time stamp.
    await waitFor(() => server.stats.dataBytesSent >= 20 * KiB, patience);
    server.switches.dataBytesPerSec = undefined;
    server.setFile('/f.bin', b, MTIME);
    server.disconnectAll();
    const r = await h.done;
    expect(r.status).toBe('complete');
    expect(notes.join('\n')).toMatch(/changed on the server.*starting over from zero/);
    expect(await hashOf('f.bin')).toBe(sha256(b));
  });

  it('FTP without REST: a RETR longer than the SIZE (a growing file) is never cut and called complete', async () => {
    const a = randomBytesSeeded(40 * KiB + 1, 'fg');
    const server = await ftp({ '/g.bin': { body: a, mtime: MTIME } });
    server.switches.growOnRetr = 1;
    const notes: string[] = [];
    const h = download(server.url('/g.bin'), { dir, connections: 2, timeoutMs: 5000, connectTimeoutMs: 5000, ...fast });
    h.on('note', (n) => notes.push(n));
    const err = await h.done.then(
      () => undefined,
      (e: { code?: string }) => e,
    );
    // It starts over a few times (each attempt reads one byte too many), then fails: never complete.
    expect(err?.code).toBe('CHANGED');
    expect(notes.filter((n) => /more than the 40961 bytes it announced/.test(n)).length).toBeGreaterThan(0);
    expect((await readdir(dir)).filter((f) => f === 'g.bin')).toEqual([]);
  });

  it('a retry whose body runs past the announced length (same ETag, no length) is never cut and called complete', async () => {
    const server = await http();
    const a = randomBytesSeeded(100 * KiB, 'grow-a');
    const grown = Buffer.concat([a, randomBytesSeeded(20 * KiB, 'grow-b')]);
    server.setFile('/g', { body: a, etag: '"same"' });
    server.setFaults({ ranges: false, stallAfterBytes: 30 * KiB });
    const h = download(server.url('/g'), { dir, connections: 4, timeoutMs: 400, ...fast });
    const notes: string[] = [];
    h.on('note', (n) => notes.push(n));
    await waitFor(() => server.stats.requests >= 1, patience);
    // The retry gets a chunked body of the grown file under the same ETag: nothing in its head differs.
    server.setFaults({ stallAfterBytes: undefined, length: false });
    server.setFile('/g', { body: grown, etag: '"same"' });
    const r = await h.done;
    expect(r.status).toBe('complete');
    expect(notes.join('\n')).toMatch(/more than the 102400 bytes it announced/);
    expect(await hashOf('g')).toBe(sha256(grown));
  });
});
