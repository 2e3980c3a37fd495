/**
 * The built page in headless Chromium against ferry's own daemon (`ferry daemon`, the built CLI),
 * opened where a user opens it: the daemon's port at `/`, no `?rpc=` override. It exercises what only
 * ferry offers (progress notifications, ferry.remove with deleteFiles, ferry.getSegments) and a daemon
 * restarted under the page. Files come from the loopback test HTTP server and are checked byte for
 * byte on disk. Run `npm run build` first (it builds the CLI and dist/web).
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, type FerryDaemon, startFerryDaemon } from '../daemon/ferry-daemon.js';
import { BIN } from '../helpers/cli.js';
import { randomBytesSeeded, sha256, startTestServer, type TestServer } from '../helpers/http-server.js';
import { until } from './helpers/page-driver.js';
import { ARTIFACTS, usePageSession, WEB } from './helpers/page-session.js';

const FILES = {
  '/big.bin': randomBytesSeeded(3 * 1024 * 1024 + 7, 'ferry-big'),
  '/slow.bin': randomBytesSeeded(2 * 1024 * 1024 + 3, 'ferry-slow'),
  '/gone.bin': randomBytesSeeded(2 * 1024 * 1024, 'ferry-gone'),
  '/after.bin': randomBytesSeeded(100_000, 'ferry-after'),
};

let first: FerryDaemon;
let daemon: FerryDaemon;
let http: TestServer;
const fileSha = async (name: string): Promise<string> => sha256(await readFile(join(daemon.dir, name)));
/** Every entry of the download directory whose name starts with `prefix` (the file and its control file). */
const onDisk = async (prefix: string): Promise<string[]> => (await readdir(daemon.dir).catch(() => [])).filter((n) => n.startsWith(prefix));

describe('the web page served by ferry daemon', () => {
  beforeAll(async () => {
    if (!existsSync(join(WEB, 'index.html')) || !existsSync(BIN)) throw new Error('dist is missing: run `npm run build` first');
    await mkdir(ARTIFACTS, { recursive: true });
    [first, http] = await Promise.all([
      startFerryDaemon({ secret: 'web-e2e-secret' }),
      startTestServer({ files: Object.fromEntries(Object.entries(FILES).map(([p, body]) => [p, { body }])) }),
    ]);
    daemon = first;
  }, 60_000);

  afterAll(async () => {
    await Promise.all([daemon?.halt(), http?.close()]);
    // The first daemon made the temp directories; the restarted one reuses them.
    await first?.stop();
  });
  // Registered after the hooks above: the browser starts once the servers run, and closes first.
  const ui = usePageSession();
  const { row, add, waitFinished } = ui;

  it('is served at / by the daemon, asks for the secret, and connects with ferry’s extensions', async () => {
    const dialog = await ui.enterSecret(`http://127.0.0.1:${daemon.port}/`, daemon.secret);
    await until(() => ui.page.locator('.conn').textContent()).toMatch(/^Connected/);
    expect(ui.page.url()).toBe(`http://127.0.0.1:${daemon.port}/`);
    await ui.page.reload();
    await until(() => ui.page.locator('.conn').textContent()).toMatch(/^Connected/);
    expect(await dialog.count()).toBe(0);
  });

  it('adds a link through the page; the bar reaches 100% and the file is byte-exact', async () => {
    await add(http.url('/big.bin'));
    await waitFinished('big.bin');
    expect(await fileSha('big.bin')).toBe(sha256(FILES['/big.bin']));
  });

  it('shows a live segment map from ferry.getSegments, pauses (the server stops sending) and resumes', async () => {
    http.setFaults({ throttleBytesPerSec: 96 * 1024 });
    http.resetStats();
    await add(`${http.url('/slow.bin')}\n  split=4\n  min-split-size=1M`);
    await until(() => row('slow.bin').locator('.badge').textContent()).toBe('Downloading');
    // Progress notifications move the row (speed and connections from ferry.onProgress or polls).
    await until(() => row('slow.bin').locator('.stats').textContent()).toMatch(/[1-9][\d.]* KiB\/s · ETA \S+ · [1-9]\d* conn\./);
    await row('slow.bin').getByRole('button', { name: 'Details of slow.bin' }).click();
    const details = ui.page.getByRole('dialog', { name: 'slow.bin' });
    const map = details.getByRole('img', { name: /^Segment map: / });
    await until(() => map.getAttribute('aria-label')).toMatch(/^Segment map: \d+% done, [1-9]\d* connections working$/);
    const rows = details.locator('.segment-table tbody tr');
    await until(() => rows.count()).toBeGreaterThan(1);
    await until(() => details.locator('.cell.working').count()).toBeGreaterThan(0);
    // Live: the bytes done of the connections grow while the dialog is open.
    const doneOf = () => rows.evaluateAll((trs) => trs.map((tr) => tr.children[3]?.textContent ?? '').join('|'));
    const before = await doneOf();
    await until(doneOf).not.toBe(before);
    // Each connection's speed is ferry's `downloadSpeed` (strings, as docs/rpc.md says).
    const speeds = () => rows.evaluateAll((trs) => trs.map((tr) => tr.children[4]?.textContent ?? ''));
    await until(async () => (await speeds()).some((t) => /^[1-9][\d.]* KiB\/s$/.test(t))).toBe(true);
    await ui.page.screenshot({ path: join(ARTIFACTS, 'ferry-details-1280.png') });
    await ui.page.keyboard.press('Escape');
    await until(() => details.count()).toBe(0);

    const sent = await ui.pauseStopsServer('slow.bin', http);
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThan(FILES['/slow.bin'].length);
    http.setFaults({ throttleBytesPerSec: undefined });
    await row('slow.bin').getByRole('button', { name: 'Resume slow.bin' }).click();
    await waitFinished('slow.bin');
    expect(await fileSha('slow.bin')).toBe(sha256(FILES['/slow.bin']));
  });

  it('cancels a download and also deletes its files (ferry.remove)', async () => {
    http.setFaults({ throttleBytesPerSec: 64 * 1024 });
    await add(http.url('/gone.bin'));
    await until(() => row('gone.bin').locator('.badge').textContent()).toBe('Downloading');
    await until(() => onDisk('gone.bin')).not.toEqual([]);
    await row('gone.bin').getByRole('button', { name: 'Cancel gone.bin' }).click();
    const dialog = ui.page.getByRole('dialog', { name: 'Cancel download' });
    const box = dialog.getByLabel('Also delete the files');
    expect(await box.isEnabled()).toBe(true);
    await box.check();
    await dialog.getByRole('button', { name: 'Cancel download' }).click();
    await until(() => row('gone.bin').count()).toBe(0);
    await until(() => onDisk('gone.bin')).toEqual([]);
    http.setFaults({ throttleBytesPerSec: undefined });
    // The finished files are untouched.
    expect(await fileSha('big.bin')).toBe(sha256(FILES['/big.bin']));
  });

  it('fits a phone screen', async () => {
    await ui.page.setViewportSize({ width: 375, height: 800 });
    await ui.page.reload();
    await until(() => ui.page.locator('li.row').count()).toBeGreaterThan(1);
    await ui.page.screenshot({ path: join(ARTIFACTS, 'ferry-list-375.png') });
    await ui.page.setViewportSize({ width: 1280, height: 900 });
    await ui.page.reload();
    await until(() => ui.page.locator('.conn').textContent()).toMatch(/^Connected/);
    await ui.page.screenshot({ path: join(ARTIFACTS, 'ferry-list-1280.png') });
  });

  it('shows the daemon unreachable while it restarts, reconnects by itself, and keeps working', async () => {
    daemon.kill('SIGTERM');
    await daemon.exited;
    await ui.expectUnreachable();
    daemon = await startFerryDaemon({ dir: first.dir, stateDir: first.stateDir, port: first.port, secret: first.secret });
    await ui.expectReconnected();
    // The restarted daemon kept its history, and the page shows it.
    expect(await row('big.bin').locator('.badge').textContent()).toBe('Finished');
    await add(http.url('/after.bin'));
    await waitFinished('after.bin');
    expect(await fileSha('after.bin')).toBe(sha256(FILES['/after.bin']));
    expect((await call<{ version: string }>(daemon, 'aria2.getVersion')).version).toMatch(/\d/);
  });
});
