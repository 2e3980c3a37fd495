/**
 * Hostile servers against the real command line and the library: escape sequences, OSC, C1
 * bytes in HTTP reason phrases, header values (Content-Disposition, Location) and FTP replies
 * must never reach the terminal raw, in any view (TTY, plain, -q, --json, the summary table).
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { download } from '../../src/index.js';
import { runCli } from '../helpers/cli.js';
import { startFtpServer, type TestFtpServer } from '../helpers/ftp-server.js';
import { randomBytesSeeded, sha256, startTestServer, type TestServer } from '../helpers/http-server.js';
import { recordingIO } from '../helpers/recording-io.js';
import { unsafeIn } from '../helpers/terminal.js';
import { type RawServer, startRawServer } from '../sources/http-raw-server.js';

const FAST = ['--retry-wait', '0.05', '--max-tries', '2', '--timeout', '5', '--connect-timeout', '5'];
const ESC = String.fromCharCode(0x1b);
/** What ferry's own live view writes: hide/show the cursor, erase a line, back to column 0, move up and erase below. */
const OWN_SEQUENCES = new RegExp(`${ESC}\\[(\\?25[lh]|2K)|\r${ESC}\\[\\d+A${ESC}\\[0J`, 'g');

/** Hostile server texts: an OSC title + clipboard write, a CSI, 8-bit OSC/CSI (C1 bytes). */
const REASON_C1 = 'Not\u009d0;pwned\u009c Found\u009b2J';
const REASON_ESC = `Not${ESC}]0;pwned\u0007 Found${ESC}]52;c;ZWNobyBoaQ==\u0007`;
const FTP_550 = `No${ESC}]0;pwned\u0007 such${ESC}[2J file\u009d52;c;eA==\u009c`;

let dir: string;
let raw: RawServer;
let http: TestServer;
let ftp: TestFtpServer;
const goodBody = randomBytesSeeded(64 * 1024 + 1, 'tty-good');
const slowBody = randomBytesSeeded(48 * 1024, 'tty-slow');

const head = (text: string): Buffer => Buffer.from(text.replace(/\n/g, '\r\n'), 'latin1');

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ferry-tty-'));
  raw = await startRawServer((req) => {
    const answers: Record<string, Buffer> = {
      '/reason-c1': head(`HTTP/1.1 404 ${REASON_C1}\nContent-Length: 0\n\n`),
      '/reason-esc': head(`HTTP/1.1 404 ${REASON_ESC}\nContent-Length: 0\n\n`),
      '/location-bad': head('HTTP/1.1 302 Found\nLocation: http://[\u009b31m\u009d52;c;eA==\u009c\nContent-Length: 0\n\n'),
      '/location-creds': head('HTTP/1.1 302 Found\nLocation: ftp://ann:s3cret@127.0.0.1:1/x\nContent-Length: 0\n\n'),
    };
    req.socket.write(answers[req.path] ?? head('HTTP/1.1 404 Not Found\nContent-Length: 0\n\n'));
  });
  http = await startTestServer({
    files: {
      '/good.bin': { body: goodBody },
      // C1 bytes in a header value (Node sends them as latin1 bytes 0x80-0xff).
      '/cd': { body: slowBody, contentDisposition: 'attachment; filename="evil\u009b2J\u009d0;t\u009c.bin"' },
    },
  });
  ftp = await startFtpServer({
    files: { '/ok.bin': { body: goodBody, mtime: new Date('2024-01-01T00:00:00Z') } },
    users: { ann: 's3cret' },
    switches: { replyText: { 550: FTP_550 } },
  });
});
afterAll(async () => {
  await raw.close();
  await http.close();
  await ftp.close();
  await rm(dir, { recursive: true, force: true });
});

/** A CliIO that records what is written; `tty` makes stderr a terminal (the live views). */
/** stderr as a 120x30 terminal. */
const TERMINAL = { isTTY: true, columns: 120, rows: 30 };

/** Output with ferry's own live-view sequences removed must hold no control other than line ends. */
function expectClean(output: string): void {
  expect(unsafeIn(output.replace(OWN_SEQUENCES, ''), '\n')).toEqual([]);
}

describe('hostile server text never reaches the terminal raw', () => {
  it.each([
    ['C1 bytes in an HTTP reason phrase', '/reason-c1', /HTTP 404 Not Found/],
    ['ESC/OSC in an HTTP reason phrase', '/reason-esc', /malformed HTTP response \(bad status line "HTTP\/1\.1 404 Not Found"\)/],
    ['C1 bytes in a Location header', '/location-bad', /redirect to an invalid URL: http:\/\/\[$/m],
  ])('%s: plain and -q error lines', async (_what, p, expected) => {
    for (const extra of [[], ['-q']]) {
      const r = await runCli([`${raw.origin}${p}`, '-d', dir, ...FAST, ...extra]).exited;
      expect(r.code).not.toBe(0);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(expected);
      expectClean(r.stderr);
    }
  });

  it('a Location header with a password is quoted with the password hidden', async () => {
    const r = await runCli([`${raw.origin}/location-creds`, '-d', dir, ...FAST]).exited;
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/refusing to follow a redirect to ftp:\/\/ann:\*\*\*@127\.0\.0\.1:1\/x/);
    expect(r.stderr).not.toContain('s3cret');
  });

  it('an FTP reply with escape sequences: plain, -q and --json', async () => {
    const url = ftp.url('/missing.bin');
    const plain = await runCli([url, '-d', dir, ...FAST]).exited;
    expect(plain.code).not.toBe(0);
    expect(plain.stderr).toMatch(/550 No such file/);
    expectClean(plain.stderr);
    const quiet = await runCli([url, '-d', dir, '-q', ...FAST]).exited;
    expect(quiet.stderr.trim().split('\n')).toHaveLength(1);
    expectClean(quiet.stderr);
    const json = await runCli([url, '-d', dir, '--json', ...FAST]).exited;
    const events = json.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string; message?: string });
    const error = events.find((e) => e.event === 'error');
    expect(error?.message).toMatch(/550 No such file/);
    expect(unsafeIn(error?.message ?? '')).toEqual([]);
  });

  it('the TTY queue view, its failure lines and the summary table stay clean (a C1 name, a hostile reason)', async () => {
    http.setFaults({ throttleBytesPerSec: 48 * 1024 });
    try {
      const out = path.join(dir, 'tty-queue');
      const rec = recordingIO({ terminal: TERMINAL });
      const code = await main([`${raw.origin}/reason-c1`, http.url('/cd'), ftp.url('/missing.bin'), '-d', out, '-n', '1', ...FAST], rec.io);
      expect(code).not.toBe(0);
      const err = rec.err();
      // The live view did draw (it hides the cursor), the failures and the table were printed.
      expect(err).toContain(`${ESC}[?25l`);
      expect(err).toMatch(/ferry: FAILED .*HTTP 404 Not Found/);
      expect(err).toMatch(/ferry: FAILED .*550 No such file/);
      expect(err.replace(OWN_SEQUENCES, '')).toMatch(/^file +result/m);
      expectClean(err);
      const saved = (await readdir(out)).filter((n) => n.startsWith('evil'));
      expect(saved).toHaveLength(1);
      expect(unsafeIn(saved[0])).toEqual([]);
      expect(sha256(await readFile(path.join(out, saved[0])))).toBe(sha256(slowBody));
    } finally {
      http.setFaults({ throttleBytesPerSec: undefined });
    }
  });

  it('the TTY view of one download and its error line stay clean', async () => {
    const rec = recordingIO({ terminal: TERMINAL });
    expect(await main([`${raw.origin}/reason-c1`, '-d', dir, ...FAST], rec.io)).not.toBe(0);
    expect(rec.err()).toMatch(/HTTP 404 Not Found/);
    expectClean(rec.err());
  });

  it('library users get clean error messages (HTTP reason phrase, header parse error, FTP reply)', async () => {
    for (const url of [`${raw.origin}/reason-c1`, `${raw.origin}/reason-esc`, `${raw.origin}/location-bad`, ftp.url('/missing.bin')]) {
      const d = download(url, { dir, maxTries: 1 });
      const err = await d.done.then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(err, url).toBeInstanceOf(Error);
      expect(unsafeIn(err?.message ?? ''), url).toEqual([]);
    }
  });
});

describe('-q in a queue', () => {
  it('prints one line per failure (the README example: ferry -q -i urls.txt)', async () => {
    const out = path.join(dir, 'quiet');
    const list = path.join(dir, 'urls.txt');
    await writeFile(list, [http.url('/good.bin'), `${raw.origin}/reason-c1`, ftp.url('/missing.bin')].join('\n'));
    const r = await runCli(['-q', '-i', list, '-d', out, ...FAST]).exited;
    expect(r.code).not.toBe(0);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines.every((l) => l.startsWith('ferry: FAILED '))).toBe(true);
    expect(r.stderr).toMatch(/HTTP 404 Not Found/);
    expect(r.stderr).toMatch(/550 No such file/);
    expectClean(r.stderr);
    expect(r.stdout).toBe('');
    expect(sha256(await readFile(path.join(out, 'good.bin')))).toBe(sha256(goodBody));
  });

  it('prints nothing when every download completes', async () => {
    const out = path.join(dir, 'quiet-ok');
    const r = await runCli(['-q', http.url('/good.bin'), ftp.url('/ok.bin'), '-d', out, ...FAST]).exited;
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(sha256(await readFile(path.join(out, 'ok.bin')))).toBe(sha256(goodBody));
  });
});

describe('a URL with credentials never shows its password', () => {
  const withCreds = (url: string): string => url.replace('://', '://ann:s3cret@');

  it('single downloads: --json events, --debug retry lines, notes, error lines', async () => {
    http.setFaults({ failFirst: { status: 503, count: 1 } });
    const out = path.join(dir, 'creds-one');
    const json = await runCli([withCreds(http.url('/good.bin')), '-d', out, '--json', ...FAST]).exited;
    expect(json.code).toBe(0);
    expect(json.stdout).toContain('ann:***@');
    http.setFaults({ failFirst: { status: 503, count: 1 } });
    const debug = await runCli([withCreds(http.url('/good.bin')), '-d', out, '--overwrite', '--debug', ...FAST]).exited;
    expect(debug.code).toBe(0);
    expect(debug.stderr).toMatch(/connection \d+: retry 1\/2 in \d+ms: .*HTTP 503/);
    const bad = await runCli([withCreds(`${raw.origin}/location-creds`), 'ftp://ann:s3cret@[bad', '-d', out, ...FAST]).exited;
    const badUrl = await runCli(['ftp://ann:s3cret@[bad', '-d', out, ...FAST]).exited;
    expect(badUrl.stderr).toMatch(/ann:\*\*\*@/);
    for (const r of [json, debug, bad, badUrl]) {
      expect(r.stdout + r.stderr).not.toContain('s3cret');
      expectClean(r.stderr);
    }
    expect(sha256(await readFile(path.join(out, 'good.bin')))).toBe(sha256(goodBody));
  });

  it('queues: mirror notes, FAILED lines, the summary table, --json events and -q', async () => {
    const out = path.join(dir, 'creds-queue');
    const list = path.join(dir, 'creds.txt');
    // A missing file with a mirror (the note names the mirror), then a good FTP file with a login.
    await writeFile(
      list,
      [`${withCreds(`${raw.origin}/reason-c1`)}\t${withCreds(http.url('/missing.bin'))}`, ftp.url('/ok.bin', { user: 'ann', password: 's3cret' })].join('\n'),
    );
    const runs = [
      await runCli(['-i', list, '-d', path.join(out, 'a'), ...FAST]).exited,
      await runCli(['-i', list, '-d', path.join(out, 'b'), '--json', ...FAST]).exited,
      await runCli(['-i', list, '-d', path.join(out, 'c'), '-q', ...FAST]).exited,
    ];
    const [plain, json, quiet] = runs;
    expect(plain.stderr).toMatch(/trying mirror http:\/\/ann:\*\*\*@127\.0\.0\.1/);
    expect(plain.stderr).toMatch(/ferry: FAILED /);
    expect(plain.stderr).toMatch(/^file +result/m);
    expect(json.stdout).toMatch(/"url":"http:\/\/ann:\*\*\*@127\.0\.0\.1/);
    expect(json.stdout).toMatch(/"url":"ftp:\/\/ann:\*\*\*@127\.0\.0\.1/);
    expect(quiet.stderr.trim().split('\n')).toHaveLength(1);
    for (const r of runs) {
      expect(r.code).not.toBe(0);
      expect(r.stdout + r.stderr).not.toContain('s3cret');
      expectClean(r.stderr);
    }
    for (const sub of ['a', 'b', 'c']) expect(sha256(await readFile(path.join(out, sub, 'ok.bin')))).toBe(sha256(goodBody));
  });
});
