/**
 * Headless Chromium for the page's end-to-end tests (Debian's /usr/bin/chromium with a fresh
 * profile, never a browser download of playwright's own), and the steps the tests repeat.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';

export const CHROMIUM = '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Close the browser and delete its profile. */
  close(): Promise<void>;
}

/** Chromium at 1280x900 with an empty profile (so no secret is stored yet). */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)`);
  const profile = await mkdtemp(join(tmpdir(), 'ferry-web-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1280, height: 900 },
  });
  context.setDefaultTimeout(10_000);
  const page = context.pages()[0] ?? (await context.newPage());
  // A script error of the page is worth seeing in the test output.
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  return {
    context,
    page,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Poll until the matcher passes (generous: the machine is shared and aria2 answers a wrong secret after 1 s). */
export function until<T>(fn: () => T | Promise<T>, timeout = 10_000): ReturnType<typeof expect.poll<T>> {
  return expect.poll(fn, { timeout, interval: 100 });
}

/** The row of the download named `name`. */
export const rowOf = (page: Page, name: string): Locator => page.locator('li.row', { hasText: name });

/** Paste `text` into the add form and press Add (optionally paused). */
export async function addThroughPage(page: Page, text: string, paused = false): Promise<void> {
  await page.getByLabel(/^Links, one per line/).fill(text);
  const box = page.getByLabel('Add paused');
  if ((await box.isChecked()) !== paused) await box.setChecked(paused);
  await page.getByRole('button', { name: /^Add( \d+ downloads)?$/ }).click();
  await until(() => page.locator('.add .note').textContent()).toMatch(/^Added/);
}

/** Wait until the row says Finished, at 100%. */
export async function waitFinished(page: Page, name: string): Promise<void> {
  await until(() => rowOf(page, name).locator('.badge').textContent(), 20_000).toBe('Finished');
  expect(await rowOf(page, name).locator('.percent').textContent()).toBe('100%');
}
