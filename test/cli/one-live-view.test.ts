/**
 * The live view of one download through main() on a fake terminal, against a real loopback
 * server: keys p and q, retries shown as they happen, a terminal that shrinks, Ctrl-C echo, the
 * summary's width. Every finished file is checked with SHA-256.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { randomBytesSeeded, sha256, startTestServer, type TestServer } from '../helpers/http-server.js';
import { FakeKeyboard, FakeScreen, ttyIO, until } from './fake-terminal.js';

const KiB = 1024;
const FAST = ['--retry-wait', '0.05', '--timeout', '10'];
let dir: string;
let server: TestServer;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ferry-live-'));
  server = await startTestServer();
});
afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

/** The live view is on screen with some bytes done (a bar and a percentage above 0). */
const showsProgress = (screen: FakeScreen): boolean => screen.text().some((l) => /\] +[1-9]\d*%/.test(l));
/** Lines that only the live view draws: the bar, the connection strip, the paused note. */
const VIEW_LINE = /^\[|[▁▂▃▄▅▆▇█·!]{2,}|\d+ conn|paused: p resumes/;

describe('one download on a terminal', () => {
  it('p pauses (no bytes flow, the state is saved), p resumes from the control file, the file is byte-exact', async () => {
    const body = randomBytesSeeded(512 * KiB + 1, 'pp');
    server.setFile('/pp.bin', { body, etag: '"pp"' });
    server.setFaults({ throttleBytesPerSec: 96 * KiB });
    const screen = new FakeScreen(100);
    const keys = new FakeKeyboard();
    const { io } = ttyIO(screen, keys);
    const run = main([server.url('/pp.bin'), '-d', dir, '-n', '2', '--min-split-size', '64k', ...FAST], io);
    await until(() => showsProgress(screen), 15_000, 'progress');
    keys.press('p');
    await until(() => screen.text().some((l) => l.includes('paused: p resumes, q quits')), 5000, 'the paused note');
    await until(() => server.stats.activeResponses === 0, 5000, 'the connections to close');
    await until(() => existsSync(path.join(dir, 'pp.bin.ferry')), 5000, 'the checkpoint');
    const sent = server.stats.bodyBytesSent;
    const requests = server.stats.requests;
    await new Promise((r) => setTimeout(r, 600));
    expect(server.stats.bodyBytesSent).toBe(sent);
    expect(server.stats.requests).toBe(requests);
    expect(keys.isRaw).toBe(true);
    keys.press('p');
    expect(await run).toBe(0);
    expect(sha256(await readFile(path.join(dir, 'pp.bin')))).toBe(sha256(body));
    expect((await readdir(dir)).sort()).toEqual(['pp.bin']);
    // The resumed run asked for ranges past what the first run had saved, with the validator.
    expect(server.stats.requests).toBeGreaterThan(requests);
    expect(server.stats.requestHeaders.slice(requests).some((h) => h['if-range'] === '"pp"')).toBe(true);
    // Raw mode was given back, the view is gone, the summary is the last line.
    expect(keys.isRaw).toBe(false);
    const text = screen.text();
    expect(text.filter((l) => VIEW_LINE.test(l))).toEqual([]);
    expect(text.at(-1)).toMatch(/pp\.bin: 512\.0 KiB in \d+\.\ds, .* average/);
  });

  it('p pressed again and again, also faster than a stop completes: every byte arrives once, byte-exact', async () => {
    const body = randomBytesSeeded(256 * KiB + 3, 'race');
    server.setFile('/race.bin', { body, etag: '"race"' });
    server.setFaults({ throttleBytesPerSec: 128 * KiB });
    const screen = new FakeScreen(100);
    const keys = new FakeKeyboard();
    const run = main([server.url('/race.bin'), '-d', dir, '-n', '3', '--min-split-size', '16k', ...FAST], ttyIO(screen, keys).io);
    let finished = false;
    void run.finally(() => (finished = true));
    await until(() => showsProgress(screen), 15_000, 'progress');
    for (let i = 0; i < 12 && !finished; i++) {
      // Pause and resume in one read (before the stop has finished), or a pause held a moment.
      keys.press(i % 3 === 0 ? 'p' : 'pp');
      await new Promise((r) => setTimeout(r, i % 3 === 0 ? 150 : 40 + i * 7));
      if (i % 3 === 0) keys.press('p');
    }
    expect(await run).toBe(0);
    expect(sha256(await readFile(path.join(dir, 'race.bin')))).toBe(sha256(body));
    expect((await readdir(dir)).sort()).toEqual(['race.bin']);
    expect(screen.text().filter((l) => VIEW_LINE.test(l))).toEqual([]);
  });

  it('q stops with exit 130 and keeps the partial file; the next run resumes it byte-exact', async () => {
    const body = randomBytesSeeded(384 * KiB, 'q');
    server.setFile('/q.bin', { body, etag: '"q"' });
    server.setFaults({ throttleBytesPerSec: 64 * KiB });
    const screen = new FakeScreen(100);
    const keys = new FakeKeyboard();
    const args = [server.url('/q.bin'), '-d', dir, '-n', '2', '--min-split-size', '64k', ...FAST];
    const run = main(args, ttyIO(screen, keys).io);
    await until(() => showsProgress(screen), 15_000, 'progress');
    keys.press('q');
    expect(await run).toBe(130);
    expect((await readdir(dir)).sort()).toEqual(['q.bin.ferry', 'q.bin.part']);
    expect(screen.text().at(-1)).toMatch(/^ferry: stopped; .*q\.bin is saved partly: run the same command again to resume$/);
    server.setFaults({ throttleBytesPerSec: undefined });
    const again = new FakeScreen(100);
    expect(await main(args, ttyIO(again).io)).toBe(0);
    expect(again.text().join('\n')).toMatch(/ferry: resuming .*q\.bin \(\d+\.\d KiB already on disk\)/);
    expect(sha256(await readFile(path.join(dir, 'q.bin')))).toBe(sha256(body));
  });

  it('q while paused: exit 130 at once, the state kept; the next run completes byte-exact', async () => {
    const body = randomBytesSeeded(256 * KiB, 'qp');
    server.setFile('/qp.bin', { body, etag: '"qp"' });
    server.setFaults({ throttleBytesPerSec: 64 * KiB });
    const screen = new FakeScreen(100);
    const keys = new FakeKeyboard();
    const args = [server.url('/qp.bin'), '-d', dir, '-n', '2', '--min-split-size', '32k', ...FAST];
    const run = main(args, ttyIO(screen, keys).io);
    await until(() => showsProgress(screen), 15_000, 'progress');
    keys.press('p');
    await until(() => server.stats.activeResponses === 0, 5000, 'the connections to close');
    keys.press('q');
    expect(await run).toBe(130);
    expect(keys.isRaw).toBe(false);
    expect((await readdir(dir)).sort()).toEqual(['qp.bin.ferry', 'qp.bin.part']);
    server.setFaults({ throttleBytesPerSec: undefined });
    expect(await main(args, ttyIO(new FakeScreen(100)).io)).toBe(0);
    expect(sha256(await readFile(path.join(dir, 'qp.bin')))).toBe(sha256(body));
  });

  it("p and q during the first request's retry wait (before any byte): p/p resumes and completes; q exits 130 with one line", async () => {
    const body = randomBytesSeeded(32 * KiB + 1, 'probe');
    server.setFile('/probe.bin', { body });
    const retrying = (screen: FakeScreen): boolean => screen.text().some((l) => /^ferry: retry 1\/5 in 3s: /.test(l));
    server.setFaults({ failFirst: { status: 503, count: 1, retryAfter: 3 } });
    const screen = new FakeScreen(100);
    const keys = new FakeKeyboard();
    const run = main([server.url('/probe.bin'), '-d', dir, ...FAST], ttyIO(screen, keys).io);
    await until(() => retrying(screen), 10_000, 'the retry line');
    keys.press('p');
    await new Promise((r) => setTimeout(r, 300));
    keys.press('p');
    expect(await run).toBe(0);
    expect(screen.text().filter((l) => /abort/i.test(l))).toEqual([]);
    expect(sha256(await readFile(path.join(dir, 'probe.bin')))).toBe(sha256(body));

    server.setFaults({ failFirst: { status: 503, count: 1, retryAfter: 3 } });
    const quitScreen = new FakeScreen(100);
    const quitKeys = new FakeKeyboard();
    const quit = main([server.url('/probe.bin'), '-d', path.join(dir, 'q'), ...FAST], ttyIO(quitScreen, quitKeys).io);
    await until(() => retrying(quitScreen), 10_000, 'the retry line');
    quitKeys.press('q');
    expect(await quit).toBe(130);
    expect(quitScreen.text().at(-1)).toBe('ferry: stopped before the transfer began; run the same command again to start it');
    expect(quitScreen.text().filter((l) => /abort/i.test(l))).toEqual([]);
  });

  it('Ctrl-C arriving as a key (raw mode) is q: exit 130, nothing echoed', async () => {
    server.setFile('/c.bin', { body: randomBytesSeeded(256 * KiB, 'c') });
    server.setFaults({ throttleBytesPerSec: 32 * KiB });
    const screen = new FakeScreen(100);
    const keys = new FakeKeyboard();
    const run = main([server.url('/c.bin'), '-d', dir, '-n', '1', ...FAST], ttyIO(screen, keys).io);
    await until(() => showsProgress(screen), 15_000, 'progress');
    keys.press('\u0003');
    expect(await run).toBe(130);
    expect(screen.text().filter((l) => VIEW_LINE.test(l))).toEqual([]);
  });

  it('SIGINT with the tty echoing ^C on the row below the view: the erase starts at column 0, no stray characters', async () => {
    server.setFile('/s.bin', { body: randomBytesSeeded(256 * KiB, 's') });
    server.setFaults({ throttleBytesPerSec: 32 * KiB });
    const screen = new FakeScreen(100);
    const { io, interrupt } = ttyIO(screen); // no keyboard: the terminal is not in raw mode
    const run = main([server.url('/s.bin'), '-d', dir, '-n', '1', ...FAST], io);
    await until(() => showsProgress(screen), 15_000, 'progress');
    screen.write('^C'); // what the tty driver echoes at the cursor
    interrupt();
    expect(await run).toBe(130);
    const text = screen.text();
    expect(text.filter((l) => l.includes('^C'))).toEqual([]);
    expect(text.filter((l) => VIEW_LINE.test(l))).toEqual([]);
    expect(text).toContain('ferry: stopping (saving state; press Ctrl-C again to quit at once)');
    expect(text.every((l) => l.startsWith('ferry: '))).toBe(true);
  });

  it('a throttled server answering 503: each retry is a line on the screen as it happens', async () => {
    const body = randomBytesSeeded(64 * KiB + 1, '503');
    server.setFile('/r.bin', { body });
    server.setFaults({ failFirst: { status: 503, count: 2, retryAfter: 1 }, throttleBytesPerSec: 64 * KiB });
    const screen = new FakeScreen(100);
    const run = main([server.url('/r.bin'), '-d', dir, '-n', '1', ...FAST], ttyIO(screen).io);
    await until(() => screen.text().some((l) => /^ferry: retry 1\/5 in 1s: .*HTTP 503/.test(l)), 10_000, 'the first retry line');
    // Shown while the download still runs, not only at the end.
    expect(existsSync(path.join(dir, 'r.bin'))).toBe(false);
    expect(await run).toBe(0);
    const retries = screen.text().filter((l) => l.startsWith('ferry: retry '));
    expect(retries).toHaveLength(2);
    expect(retries[1]).toMatch(/^ferry: retry 2\/5 in 1s: 127\.0\.0\.1:\d+: HTTP 503/);
    expect(sha256(await readFile(path.join(dir, 'r.bin')))).toBe(sha256(body));
  });

  it('a terminal shrinking from 120 to 60 columns mid-download: every row the view drew is erased, nothing piles up', async () => {
    const body = randomBytesSeeded(256 * KiB, 'shrink');
    server.setFile(`/${'n'.repeat(90)}.bin`, { body });
    server.setFaults({ throttleBytesPerSec: 96 * KiB });
    const screen = new FakeScreen(120);
    const run = main([server.url(`/${'n'.repeat(90)}.bin`), '-d', dir, '-n', '2', '--min-split-size', '32k', ...FAST], ttyIO(screen).io);
    await until(() => showsProgress(screen), 15_000, 'progress');
    // The view's lines are about 119 columns wide: at 60 columns each takes two rows.
    expect(Math.max(...screen.text().map((l) => l.length))).toBeGreaterThan(100);
    screen.resize(60);
    const drawnAt = screen.raw.length;
    await until(() => screen.raw.length > drawnAt + 200, 5000, 'a redraw');
    expect(screen.text().filter((l) => VIEW_LINE.test(l)).length).toBeLessThanOrEqual(2); // the bar and the strip, once
    expect(Math.max(...screen.text().map((l) => l.length))).toBeLessThan(60);
    expect(await run).toBe(0);
    expect(screen.text().filter((l) => VIEW_LINE.test(l))).toEqual([]);
    expect(screen.text()).toHaveLength(1); // the summary alone
    expect(sha256(await readFile(path.join(dir, `${'n'.repeat(90)}.bin`)))).toBe(sha256(body));
  });

  it('the summary of a long path fits 80 columns, with sizes in KiB/MiB and the file name whole', async () => {
    const body = randomBytesSeeded(1536 * KiB, 'sum');
    server.setFile('/summary-file.iso', { body });
    const deep = path.join(dir, 'a-directory-with-a-rather-long-name', 'and-another-one-below-it-for-good-measure');
    const screen = new FakeScreen(200);
    expect(await main([server.url('/summary-file.iso'), '-d', deep, ...FAST], ttyIO(screen).io)).toBe(0);
    const last = screen.text().at(-1) ?? '';
    expect(last.length).toBeLessThanOrEqual(80);
    expect(last).toMatch(/summary-file\.iso: 1\.5 MiB in \d+\.\ds, [\d.]+ [KMG]iB\/s average$/);
    expect(last).not.toMatch(/\d{5,}/); // no raw byte counts
    expect(sha256(await readFile(path.join(deep, 'summary-file.iso')))).toBe(sha256(body));
  });
});
