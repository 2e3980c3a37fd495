/**
 * The built page (dist/web) in headless Chromium, driving a real `aria2c --enable-rpc` through the
 * page only; files come from the loopback test HTTP server and are checked byte for byte on disk.
 * Run `npm run build:web` first (`npm run build` does it).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytesSeeded, sha256, startTestServer, type TestServer } from '../helpers/http-server.js';
import { type Aria2Daemon, startAria2 } from './helpers/aria2-daemon.js';
import { until } from './helpers/page-driver.js';
import { ARTIFACTS, usePageSession, WEB } from './helpers/page-session.js';
import { type StaticServer, startStaticServer } from './helpers/static-server.js';

const FILES = {
  '/big.bin': randomBytesSeeded(3 * 1024 * 1024 + 7, 'big'),
  '/one.bin': randomBytesSeeded(1, 'one'),
  '/zero.bin': Buffer.alloc(0),
  '/slow.bin': randomBytesSeeded(2 * 1024 * 1024, 'slow'),
  '/gone.bin': randomBytesSeeded(1024 * 1024, 'gone'),
  '/q1.bin': randomBytesSeeded(10, 'q1'),
  '/q2.bin': randomBytesSeeded(10, 'q2'),
  '/q3.bin': randomBytesSeeded(10, 'q3'),
};

let aria2: Aria2Daemon;
let http: TestServer;
let web: StaticServer;
const fileSha = async (name: string): Promise<string> => sha256(await readFile(join(aria2.dir, name)));

interface WaitingEntry {
  gid: string;
  files: { path: string; uris: { uri: string }[] }[];
}
const waitingNames = async (): Promise<string[]> =>
  (await aria2.rpc<WaitingEntry[]>('aria2.tellWaiting', [0, 100, ['gid', 'files']])).map((w) => w.files[0].uris[0].uri.split('/').pop() ?? '');

describe('the web page against aria2c', () => {
  beforeAll(async () => {
    if (!existsSync(join(WEB, 'index.html'))) throw new Error('dist/web is missing: run `npm run build:web` first');
    await mkdir(ARTIFACTS, { recursive: true });
    [aria2, http, web] = await Promise.all([
      startAria2(),
      startTestServer({ files: Object.fromEntries(Object.entries(FILES).map(([p, body]) => [p, { body }])) }),
      startStaticServer(WEB),
    ]);
    http.setFile('/gone.bin', { body: FILES['/gone.bin'] });
  }, 60_000);

  afterAll(async () => {
    await Promise.all([aria2?.stop(), http?.close(), web?.close()]);
    if (aria2 !== undefined) await rm(aria2.dir, { recursive: true, force: true });
  });
  // Registered after the hooks above: the browser starts once the servers run, and closes first.
  const ui = usePageSession();
  const { row, add, waitFinished } = ui;

  it('asks for the secret once, keeps it out of the URL, and remembers it', async () => {
    const dialog = await ui.enterSecret(`${web.origin}/?rpc=ws://127.0.0.1:${aria2.port}/jsonrpc`, aria2.secret);
    await until(() => ui.page.locator('.conn').textContent()).toMatch(/^Connected · 1\./);
    expect(ui.page.url()).not.toContain(aria2.secret);
    await ui.page.reload();
    await until(() => ui.page.locator('.conn').textContent()).toMatch(/^Connected/);
    expect(await dialog.count()).toBe(0);
    // Only the page's own files were fetched: nothing from elsewhere.
    expect(web.requested.every((p) => p === '/' || p.startsWith('/assets/'))).toBe(true);
  });

  it('shows errors of pasted text line by line and adds nothing', async () => {
    await ui.page.getByLabel(/^Links, one per line/).fill(`${http.url('/big.bin')}\nnot a link\n  split=many`);
    const problems = ui.page.locator('#add-problems li');
    await until(() => problems.count()).toBe(2);
    expect(await problems.nth(0).textContent()).toMatch(/^Line 2: /);
    expect(await problems.nth(1).textContent()).toMatch(/^Line 3: /);
    expect(await ui.page.getByRole('button', { name: /^Add/ }).isDisabled()).toBe(true);
    expect(await aria2.rpc<unknown[]>('aria2.tellWaiting', [0, 10])).toEqual([]);
    await ui.page.getByLabel(/^Links, one per line/).fill('');
  });

  it('reads an input file opened from the page into the box', async () => {
    const text = `${http.url('/big.bin')}\n  out=from-file.bin\n`;
    await ui.page.locator('.add input[type="file"]').setInputFiles({ name: 'list.txt', mimeType: 'text/plain', buffer: Buffer.from(text) });
    await until(() => ui.page.getByLabel(/^Links, one per line/).inputValue()).toBe(text);
    expect(await ui.page.locator('.add .note').textContent()).toBe('Read list.txt.');
    expect(await ui.page.getByRole('button', { name: 'Add' }).isEnabled()).toBe(true);
    await ui.page.getByLabel(/^Links, one per line/).fill('');
  });

  it('adds links (3 MiB, 1 byte, 0 bytes) and each reaches 100% byte-exact on disk', async () => {
    await add([http.url('/big.bin'), `-u ${http.url('/one.bin')} -n 1`, http.url('/zero.bin')].join('\n'));
    for (const name of ['big.bin', 'one.bin', 'zero.bin']) await waitFinished(name);
    expect(await fileSha('big.bin')).toBe(sha256(FILES['/big.bin']));
    expect(await fileSha('one.bin')).toBe(sha256(FILES['/one.bin']));
    expect(await fileSha('zero.bin')).toBe(sha256(FILES['/zero.bin']));
  });

  it('opens the details of a download: URIs, options, segment map, path on disk', async () => {
    await row('big.bin').getByRole('button', { name: 'Details of big.bin' }).click();
    const dialog = ui.page.getByRole('dialog', { name: 'big.bin' });
    await until(() => dialog.locator('.path').textContent()).toBe(join(aria2.dir, 'big.bin'));
    expect(await dialog.locator('.uris').textContent()).toContain(http.url('/big.bin'));
    expect(await dialog.locator('.options').textContent()).toContain('max-connection-per-server');
    expect(await dialog.getByRole('img', { name: /^Segment map: 100% done/ }).count()).toBe(1);
    await ui.page.screenshot({ path: join(ARTIFACTS, 'details-1280.png') });
    await ui.page.keyboard.press('Escape');
    await until(() => dialog.count()).toBe(0);
    // The same from the keyboard: arrows move between rows, Enter opens, Escape closes.
    const focusedName = () => ui.page.locator('li.row:focus .name').textContent();
    const names = () => ui.page.locator('li.row .name').allTextContents();
    await row('big.bin').focus();
    await ui.page.keyboard.press('Home');
    // Home moves focus to the first row once the list has rendered: wait for it, then step.
    await until(async () => (await focusedName()) === (await names())[0]).toBe(true);
    const [first, second] = await names();
    expect(second).toBeDefined();
    await ui.page.keyboard.press('ArrowDown');
    await until(focusedName).toBe(second);
    await ui.page.keyboard.press('ArrowUp');
    await until(focusedName).toBe(first);
    await row('big.bin').focus();
    await ui.page.keyboard.press('Enter');
    await until(() => ui.page.getByRole('dialog', { name: 'big.bin' }).count()).toBe(1);
    await ui.page.keyboard.press('Escape');
    await until(() => dialog.count()).toBe(0);
  });

  it('pauses a throttled download (the server stops sending), then resumes it to the end', async () => {
    http.setFaults({ throttleBytesPerSec: 256 * 1024 });
    http.resetStats();
    await add(http.url('/slow.bin'));
    await until(() => row('slow.bin').locator('.badge').textContent()).toBe('Downloading');
    await until(() => http.stats.bodyBytesSent > 0).toBe(true);
    await until(() => row('slow.bin').locator('.stats').textContent()).toMatch(/[1-9][\d.]* KiB\/s · ETA \S+ · \d+ conn\./);
    await ui.page.screenshot({ path: join(ARTIFACTS, 'active-1280.png') });
    const sent = await ui.pauseStopsServer('slow.bin', http);
    expect(sent).toBeLessThan(FILES['/slow.bin'].length);
    http.setFaults({ throttleBytesPerSec: undefined });
    await row('slow.bin').getByRole('button', { name: 'Resume slow.bin' }).click();
    await waitFinished('slow.bin');
    expect(await fileSha('slow.bin')).toBe(sha256(FILES['/slow.bin']));
  });

  it('cancels a download (aria2 cannot delete files: the box says so) and forgets it', async () => {
    http.setFaults({ throttleBytesPerSec: 64 * 1024 });
    const gid = await aria2.rpc<string>('aria2.addUri', [[http.url('/gone.bin')], {}]);
    await until(() => row('gone.bin').count()).toBe(1);
    await row('gone.bin').getByRole('button', { name: 'Cancel gone.bin' }).click();
    const dialog = ui.page.getByRole('dialog', { name: 'Cancel download' });
    expect(await dialog.getByLabel('Also delete the files').isDisabled()).toBe(true);
    expect(await dialog.textContent()).toContain('cannot delete files');
    await dialog.getByRole('button', { name: 'Cancel download' }).click();
    await until(() => row('gone.bin').count()).toBe(0);
    await until(() => aria2.rpc('aria2.tellStatus', [gid]).catch((e: Error) => e.message)).toMatch(/is not found/);
    http.setFaults({ throttleBytesPerSec: undefined });
  });

  it('reorders the queue by drag and by keyboard', async () => {
    await add(['q1', 'q2', 'q3'].map((n) => http.url(`/${n}.bin`)).join('\n'), true);
    await until(waitingNames).toEqual(['q1.bin', 'q2.bin', 'q3.bin']);
    await until(() => row('q3.bin').count()).toBe(1);
    const from = await row('q3.bin').locator('.grip').boundingBox();
    const to = await row('q1.bin').locator('.grip').boundingBox();
    if (from === null || to === null) throw new Error('rows not laid out');
    await ui.page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await ui.page.mouse.down();
    await ui.page.mouse.move(from.x + from.width / 2, to.y + to.height / 2 - 10, { steps: 8 });
    await ui.page.mouse.up();
    await until(waitingNames).toEqual(['q3.bin', 'q1.bin', 'q2.bin']);
    await row('q3.bin').focus();
    await ui.page.keyboard.press('Alt+ArrowDown');
    await until(waitingNames).toEqual(['q1.bin', 'q3.bin', 'q2.bin']);
    // The row keeps the focus after moving, so the key can be pressed again.
    await until(() => ui.page.locator('li.row:focus .name').textContent()).toBe('q3.bin');
    await ui.page.getByRole('button', { name: 'Resume all' }).click();
    for (const name of ['q1.bin', 'q2.bin', 'q3.bin']) await waitFinished(name);
    expect(await fileSha('q3.bin')).toBe(sha256(FILES['/q3.bin']));
  });

  it('shows a failed download in words and retries it', async () => {
    await add(http.url('/late.bin'));
    await until(() => row('late.bin').locator('.badge').textContent(), 15_000).toBe('Failed');
    expect(await row('late.bin').locator('.error').textContent()).toMatch(/^Not found on the server/);
    const late = randomBytesSeeded(100_000, 'late');
    http.setFile('/late.bin', { body: late });
    await row('late.bin').getByRole('button', { name: 'Retry late.bin' }).click();
    await waitFinished('late.bin');
    expect(await row('late.bin').count()).toBe(1);
    expect(await fileSha('late.bin')).toBe(sha256(late));
  });

  it('changes the global limits from the page', async () => {
    await ui.page.getByText('Global limits').click();
    await ui.page.getByLabel(/^Total speed limit/).fill('2M');
    await ui.page.getByLabel(/^Active at once/).fill('3');
    await ui.page.getByRole('button', { name: 'Apply' }).click();
    await until(async () => {
      const o = await aria2.rpc<Record<string, string>>('aria2.getGlobalOption');
      return [o['max-overall-download-limit'], o['max-concurrent-downloads']];
    }).toEqual(['2097152', '3']);
    await until(() =>
      ui.page
        .getByLabel(/^Total speed limit/)
        .locator('..')
        .textContent(),
    ).toContain('2.0 MiB/s');
    await ui.page.getByLabel(/^Total speed limit/).fill('0');
    await ui.page.getByRole('button', { name: 'Apply' }).click();
  });

  it('renders only the visible rows of a queue of 1,000 and filters and searches it', async () => {
    const calls = Array.from({ length: 1000 }, (_, i) => ({
      methodName: 'aria2.addUri',
      params: [`token:${aria2.secret}`, [http.url(`/many/${i}.bin`)], { pause: 'true' }],
    }));
    await aria2.rpc('system.multicall', [calls]);
    await until(() => ui.page.locator('.chip', { hasText: 'Paused' }).locator('.count').textContent(), 10_000).toBe('1000');
    expect(await ui.page.locator('li.row').count()).toBeLessThan(60);
    // While the list is polled (light polls and at least one full one), the main thread is never blocked for long (generous: shared cores).
    const longTasks = (await ui.page.evaluate(`new Promise((resolve) => {
      const seen = [];
      const observer = new PerformanceObserver((list) => seen.push(...list.getEntries().map((e) => e.duration)));
      observer.observe({ type: 'longtask' });
      setTimeout(() => { observer.disconnect(); resolve(seen); }, 5500);
    })`)) as number[];
    console.log(
      `1,000 downloads, 5.5 s of polling (one full poll at least): ${longTasks.length} long tasks, longest ${Math.round(Math.max(0, ...longTasks))} ms`,
    );
    expect(Math.max(0, ...longTasks)).toBeLessThan(1000);
    // The end of the list is reachable and rendered.
    await ui.page.evaluate('window.scrollTo(0, document.body.scrollHeight)');
    await until(() => row('999.bin').count()).toBe(1);
    expect(await ui.page.locator('li.row').count()).toBeLessThan(60);
    await ui.page.evaluate('window.scrollTo(0, 0)');
    await ui.page.screenshot({ path: join(ARTIFACTS, 'list-1280.png') });
    await ui.page.keyboard.press('/');
    await ui.page.keyboard.type('/many/999.bin');
    await until(() => ui.page.locator('li.row').count()).toBe(1);
    await ui.page.getByPlaceholder('Search (/)').fill('');
    await ui.page.setViewportSize({ width: 375, height: 800 });
    // Opened on a phone, the add form starts folded so that the list is in view.
    await ui.page.reload();
    await until(() => ui.page.locator('li.row').count()).toBeGreaterThan(3);
    expect(await ui.page.locator('details.add-box').getAttribute('open')).toBeNull();
    await ui.page.screenshot({ path: join(ARTIFACTS, 'list-375.png'), fullPage: false });
    await ui.page.emulateMedia({ colorScheme: 'dark' });
    await ui.page.screenshot({ path: join(ARTIFACTS, 'list-375-dark.png') });
    await ui.page.emulateMedia({ colorScheme: 'light' });
    await ui.page.setViewportSize({ width: 3840, height: 2160 });
    await ui.page.reload();
    await until(() => ui.page.locator('li.row').count()).toBeGreaterThan(3);
    await ui.page.locator('li.row').first().focus();
    await ui.page.screenshot({ path: join(ARTIFACTS, 'list-3840-focus.png') });
    await ui.page.setViewportSize({ width: 1280, height: 900 });
    await ui.page.reload();
    await until(() => ui.page.locator('.conn').textContent()).toMatch(/^Connected/);
    await ui.page.getByRole('button', { name: 'Pause all' }).click();
    await aria2.rpc('aria2.purgeDownloadResult');
  });

  it('shows the daemon unreachable when it stops and reconnects by itself when it is back', async () => {
    await aria2.stop();
    await ui.expectUnreachable();
    await ui.page.screenshot({ path: join(ARTIFACTS, 'unreachable-1280.png') });
    await aria2.start();
    await ui.expectReconnected();
    await add(http.url('/one.bin'));
    await waitFinished('one.bin');
  });
});
