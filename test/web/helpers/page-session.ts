/**
 * The browser side of one page end-to-end file: headless Chromium launched once for the file, the
 * page it shows, and the steps both e2e files take on it (the secret dialog, a pause that must
 * stop the server, the daemon gone and back).
 */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import type { TestServer } from '../../helpers/http-server.js';
import { addThroughPage, type Browser, launchBrowser, rowOf, until, waitFinished } from './page-driver.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
/** The built page (`npm run build:web`). */
export const WEB = join(ROOT, 'dist', 'web');
/** Screenshots land here (git-ignored). */
export const ARTIFACTS = join(ROOT, 'test-artifacts', 'web');

/** One browser page for a whole file; read `page` inside tests and hooks only. */
export interface PageSession {
  readonly page: Page;
  /** The row of the download named `name`. */
  row(name: string): Locator;
  /** Paste `text` into the add form and press Add (optionally paused). */
  add(text: string, paused?: boolean): Promise<void>;
  /** Wait until the row of `name` says Finished, at 100%. */
  waitFinished(name: string): Promise<void>;
  /**
   * Open `url`, answer the secret dialog with a wrong secret (it must be refused), then with
   * `secret` (the dialog must close). Returns the dialog, for checks that it stays away.
   */
  enterSecret(url: string, secret: string): Promise<Locator>;
  /**
   * Press Pause on `name` and check that the server sends nothing more for 1.5 s once it shows
   * Paused (after 0.5 s for the requests to end). Returns the body bytes the server had sent.
   */
  pauseStopsServer(name: string, http: TestServer): Promise<number>;
  /** Wait until the page says it cannot reach the daemon, and is not connected. */
  expectUnreachable(): Promise<void>;
  /** Wait (up to 15 s) until the page is connected again, and the unreachable alert is gone. */
  expectReconnected(): Promise<void>;
}

/**
 * Launch the browser in a `beforeAll` and close it (and its profile) in an `afterAll` of the
 * `describe` it is called in. Called after the file's own hooks, the browser starts once the
 * file's servers run and closes before they stop (Vitest runs `afterAll` hooks last first).
 */
export function usePageSession(): PageSession {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });
  const page = (): Page => {
    if (browser === undefined) throw new Error('the page exists only once the browser has started (in tests and hooks)');
    return browser.page;
  };
  const unreachable = () => page().getByRole('alert').filter({ hasText: 'Cannot reach the daemon' });
  return {
    get page() {
      return page();
    },
    row: (name) => rowOf(page(), name),
    add: (text, paused = false) => addThroughPage(page(), text, paused),
    waitFinished: (name) => waitFinished(page(), name),
    async enterSecret(url, secret) {
      const p = page();
      await p.goto(url);
      const dialog = p.getByRole('dialog', { name: /needs its RPC secret/ });
      await until(() => dialog.isVisible()).toBe(true);
      await p.getByLabel('RPC secret', { exact: true }).fill('wrong');
      await p.getByRole('button', { name: 'Connect' }).click();
      await until(() => dialog.getByRole('alert').textContent()).toMatch(/refused that secret/);
      await p.getByLabel('RPC secret', { exact: true }).fill(secret);
      await p.getByRole('button', { name: 'Connect' }).click();
      await until(() => dialog.isVisible()).toBe(false);
      return dialog;
    },
    async pauseStopsServer(name, http) {
      const row = rowOf(page(), name);
      await row.getByRole('button', { name: `Pause ${name}` }).click();
      await until(() => row.locator('.badge').textContent()).toBe('Paused');
      await sleep(500);
      const sent = http.stats.bodyBytesSent;
      await sleep(1500);
      expect(http.stats.bodyBytesSent).toBe(sent);
      return sent;
    },
    async expectUnreachable() {
      await until(() => unreachable().count()).toBe(1);
      expect(await page().locator('.conn').textContent()).not.toMatch(/^Connected/);
    },
    async expectReconnected() {
      await until(() => page().locator('.conn').textContent(), 15_000).toMatch(/^Connected/);
      expect(await unreachable().count()).toBe(0);
    },
  };
}
